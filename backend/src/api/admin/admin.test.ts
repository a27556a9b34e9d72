import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FastifyBaseLogger } from 'fastify'
import { describe, expect, it, onTestFinished } from 'vitest'
import { fakeUpstream } from '../../../test/fake-upstream.js'
import { buildTestApp, sampleProvider, tempDir, testEnv } from '../../../test/helpers.js'
import { buildApp } from '../../app.js'
import { createLogger, logSinkOf } from '../../core/logger.js'
import { loadSettings } from '../../settings.js'

/** The real app with the real file logger (JSON lines in <dir>/logs/app.log, no console). */
async function appWithFileLogger(extra: Record<string, string> = {}) {
  const dir = tempDir()
  const logDir = join(dir, 'logs')
  const log = createLogger(
    { logDir, logLevel: 'debug', logMaxBytes: 10 * 1024 * 1024, logMaxFiles: 10 },
    { console: false },
  )
  onTestFinished(() => logSinkOf(log)?.close())
  const { app } = await buildTestApp({ BACKEND_LOG_LEVEL: 'debug', ...extra }, { logger: log, dir })
  const fileText = async () => {
    await logSinkOf(log)?.flush()
    return readdirSync(logDir)
      .filter((f) => f.startsWith('app.log'))
      .map((f) => readFileSync(join(logDir, f), 'utf8'))
      .join('')
  }
  const fileLines = async () =>
    (await fileText())
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>)
  return { app, log, fileText, fileLines }
}

describe('GET /api/admin/stats', () => {
  it('answers the original shape with figures that match the traffic sent', async () => {
    const { app } = await buildTestApp()
    const before = Date.now() / 1000
    expect(
      (await app.inject({ method: 'POST', url: '/api/providers', payload: sampleProvider })).statusCode,
    ).toBe(201)
    for (let i = 0; i < 3; i++) await app.inject({ method: 'GET', url: '/api/providers' })
    expect((await app.inject({ method: 'GET', url: '/api/providers/1' })).statusCode).toBe(200)
    expect((await app.inject({ method: 'GET', url: '/api/providers/2' })).statusCode).toBe(404)
    await app.inject({ method: 'GET', url: '/api/no/such/page?x=1' })
    await app.inject({ method: 'GET', url: '/api/another/unknown/path' })

    const res = await app.inject({ method: 'GET', url: '/api/admin/stats' })
    expect(res.statusCode).toBe(200)
    const stats = res.json()
    expect(Object.keys(stats).sort()).toEqual(
      [
        'uptime_seconds',
        'total_requests',
        'total_errors',
        'error_rate',
        'average_duration_ms',
        'status_codes',
        'endpoints',
        'recent_requests',
        'providers',
        'backup',
        'mode',
        'gateway',
        'admin',
      ].sort(),
    )
    expect(stats.uptime_seconds).toBeGreaterThanOrEqual(0)
    expect(stats.total_requests).toBe(8)
    expect(stats.total_errors).toBe(3)
    expect(stats.error_rate).toBe(37.5)
    expect(stats.status_codes).toEqual({ '201': 1, '200': 4, '404': 3 })
    // one key per route pattern, one for every unmatched URL
    expect(Object.keys(stats.endpoints).sort()).toEqual([
      'GET (unmatched)',
      'GET /api/providers',
      'GET /api/providers/{id}',
      'POST /api/providers',
    ])
    expect(stats.endpoints['GET /api/providers/{id}']).toMatchObject({ count: 2, error_count: 1 })
    expect(stats.endpoints['GET /api/providers']).toMatchObject({ count: 3, error_count: 0 })
    expect(stats.endpoints['GET (unmatched)']).toMatchObject({ count: 2, error_count: 2 })
    let total = 0
    for (const e of Object.values(stats.endpoints) as Array<Record<string, number>>) {
      expect(Object.keys(e).sort()).toEqual(['avg_duration_ms', 'count', 'error_count', 'total_duration_ms'])
      expect(e.avg_duration_ms).toBeCloseTo((e.total_duration_ms ?? 0) / (e.count ?? 1), 1)
      total += e.total_duration_ms ?? 0
    }
    expect(stats.average_duration_ms).toBeCloseTo(total / 8, 1)

    expect(stats.recent_requests.map((r: { path: string }) => r.path)).toEqual([
      '/api/another/unknown/path',
      '/api/no/such/page',
      '/api/providers/2',
      '/api/providers/1',
      '/api/providers',
      '/api/providers',
      '/api/providers',
      '/api/providers',
    ])
    const [newest] = stats.recent_requests
    expect(Object.keys(newest).sort()).toEqual(['duration_ms', 'method', 'path', 'status_code', 'timestamp'])
    expect(newest).toMatchObject({ method: 'GET', status_code: 404 })
    expect(newest.timestamp).toBeGreaterThanOrEqual(Math.floor(before))
    expect(newest.timestamp).toBeLessThanOrEqual(Date.now() / 1000 + 1)
    expect(stats.providers).toEqual({})
  })

  it('does not count its own polling, nor /api/admin/logs and /metrics', async () => {
    const { app } = await buildTestApp()
    await app.inject({ method: 'GET', url: '/api/admin/logs' })
    await app.inject({ method: 'GET', url: '/metrics' })
    await app.inject({ method: 'GET', url: '/api/admin/stats' })
    const stats = (await app.inject({ method: 'GET', url: '/api/admin/stats' })).json()
    expect(stats.total_requests).toBe(0)
  })

  it('does not count a browser loading the documentation or the UI', async () => {
    const { app } = await buildTestApp()
    expect((await app.inject({ method: 'GET', url: '/docs/' })).statusCode).toBe(200)
    await app.inject({ method: 'GET', url: '/openapi.json' })
    await app.inject({ method: 'GET', url: '/api/providers' })
    const stats = (await app.inject({ method: 'GET', url: '/api/admin/stats' })).json()
    expect(stats.total_requests).toBe(1)
    expect(Object.keys(stats.endpoints)).toEqual(['GET /api/providers'])
  })

  it('does not grow a key per random URL', async () => {
    const { app } = await buildTestApp()
    for (let i = 0; i < 50; i++) await app.inject({ method: 'GET', url: `/api/r${i}/${Math.random()}` })
    const stats = (await app.inject({ method: 'GET', url: '/api/admin/stats' })).json()
    expect(Object.keys(stats.endpoints)).toEqual(['GET (unmatched)'])
    expect(stats.recent_requests).toHaveLength(10)
  })

  it('shows per-provider gateway figures reported through the gateway observer', async () => {
    const { app } = await buildTestApp()
    const observer = app.core.metrics.gatewayObserver
    for (const ms of [10, 20, 30, 40]) {
      observer.attempt({
        providerId: 7,
        providerName: 'p7',
        outcome: ms === 40 ? 'server_error' : 'success',
        status: ms === 40 ? 502 : 200,
        durationMs: ms,
        ttfbMs: null,
        stream: false,
      })
    }
    const stats = (await app.inject({ method: 'GET', url: '/api/admin/stats' })).json()
    expect(stats.providers).toEqual({ '7': { name: 'p7', requests: 4, errors: 1, p50_ms: 20, p95_ms: 40 } })
  })
})

describe('GET /api/admin/logs', () => {
  it('refuses a limit that is not an integer from 1 to 1000 with 422', async () => {
    const { app } = await buildTestApp()
    for (const limit of ['0', '-1', '1.5', 'abc', '1001', '']) {
      const res = await app.inject({ method: 'GET', url: `/api/admin/logs?limit=${limit}` })
      expect(res.statusCode, `limit=${limit}`).toBe(422)
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/)
      expect(res.json().errors[0].field).toBe('limit')
    }
    expect((await app.inject({ method: 'GET', url: '/api/admin/logs?limit=1000' })).statusCode).toBe(200)
  })

  it('returns the newest entries first in the original shape, 50 by default', async () => {
    const { app } = await appWithFileLogger()
    for (let i = 0; i < 60; i++) await app.inject({ method: 'GET', url: '/api/providers' })
    await app.inject({ method: 'GET', url: '/api/providers/5', headers: { 'x-request-id': 'look-for-me' } })

    const page = (await app.inject({ method: 'GET', url: '/api/admin/logs' })).json()
    expect(page.logs).toHaveLength(50)
    expect(page.total).toBeGreaterThanOrEqual(50)
    // the logs request itself is logged at DEBUG, after the page was taken
    const [newest] = page.logs
    expect(newest).toEqual({
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      level: 'WARNING',
      logger: 'switchboard.http',
      message: 'request completed',
      request_id: 'look-for-me',
      method: 'GET',
      path: '/api/providers/5',
      status_code: 404,
      duration_ms: expect.any(Number),
    })
    const stamps = page.logs.map((l: { timestamp: string }) => l.timestamp)
    expect(stamps).toEqual([...stamps].sort().reverse())

    const two = (await app.inject({ method: 'GET', url: '/api/admin/logs?limit=2' })).json()
    expect(two.logs).toHaveLength(2)
    expect(two.logs[0]).toMatchObject({ level: 'DEBUG', path: '/api/admin/logs', status_code: 200 })
  })

  it('shows the lines of the previous run after a restart', async () => {
    const dir = tempDir()
    const settings = loadSettings(await testEnv(dir))
    const firstLog = createLogger(settings, { console: false })
    const first = await buildApp(settings, { logger: firstLog })
    await first.inject({
      method: 'GET',
      url: '/api/providers',
      headers: { 'x-request-id': 'before-restart' },
    })
    await first.close()
    await logSinkOf(firstLog)?.close()

    const secondLog = createLogger(settings, { console: false })
    const second = await buildApp(settings, { logger: secondLog })
    onTestFinished(async () => {
      await second.close()
      await logSinkOf(secondLog)?.close()
    })
    const page = (await second.inject({ method: 'GET', url: '/api/admin/logs?limit=1000' })).json()
    expect(page.logs.some((l: { request_id?: string }) => l.request_id === 'before-restart')).toBe(true)
  })
})

describe('request tracing', () => {
  it('keeps a sane x-request-id, replaces an insane one, and puts it on every line of the request', async () => {
    const dir = tempDir()
    const settings = loadSettings(await testEnv(dir, { BACKEND_LOG_LEVEL: 'debug' }))
    const log = createLogger(settings, { console: false })
    const app = await buildApp(settings, { logger: log })
    onTestFinished(async () => {
      await app.close()
      await logSinkOf(log)?.close()
    })
    // a handler calling a service that logs with the request's logger, as the gateway does
    const service = (reqLog: FastifyBaseLogger) =>
      reqLog.child({ logger: 'switchboard.gateway' }).info('upstream answered')
    app.get('/api/test-trace', { config: { credential: 'admin' } }, async (req) => {
      req.log.info('handler ran')
      service(req.log)
      return { ok: true }
    })
    await app.ready()

    const sane = await app.inject({
      method: 'GET',
      url: '/api/test-trace?q=1',
      headers: { 'x-request-id': 'abc_DEF-123' },
    })
    expect(sane.headers['x-request-id']).toBe('abc_DEF-123')
    const insane = await app.inject({
      method: 'GET',
      url: '/api/test-trace',
      headers: { 'x-request-id': 'bad id with spaces; and more' },
    })
    const generated = String(insane.headers['x-request-id'])
    expect(generated).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
    const tooLong = await app.inject({
      method: 'GET',
      url: '/api/test-trace',
      headers: { 'x-request-id': 'a'.repeat(129) },
    })
    expect(tooLong.headers['x-request-id']).not.toBe('a'.repeat(129))

    await logSinkOf(log)?.flush()
    const lines = readFileSync(join(settings.logDir, 'app.log'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>)
    for (const id of ['abc_DEF-123', generated]) {
      const mine = lines.filter((l) => l.request_id === id)
      expect(mine.map((l) => l.message)).toEqual(['handler ran', 'upstream answered', 'request completed'])
      for (const line of mine) expect(line).toMatchObject({ method: 'GET', path: '/api/test-trace' })
      expect(mine[1]?.logger).toBe('switchboard.gateway')
      expect(mine[2]).toMatchObject({ logger: 'switchboard.http', level: 'INFO', status_code: 200 })
      expect(typeof mine[2]?.duration_ms).toBe('number')
    }
    expect(lines.some((l) => JSON.stringify(l).includes('bad id'))).toBe(false)
  })
})

describe('redaction end to end', () => {
  it('never writes a provider key or the admin token to the log, whatever the endpoint or outcome', async () => {
    const KEY = 'sk-grep-me-0123456789abcdef'
    const ADMIN = 'admin-token-0123456789abcdef'
    const upstream = await fakeUpstream()
    const { app, fileText, fileLines } = await appWithFileLogger({ BACKEND_ADMIN_TOKEN: ADMIN })
    const auth = { authorization: `Bearer ${ADMIN}` }
    const send = (method: 'POST' | 'PATCH', url: string, payload: unknown, headers = auth) =>
      app.inject({ method, url, payload: payload as Record<string, unknown>, headers })

    const statuses: number[] = []
    const created = await send('POST', '/api/providers', {
      ...sampleProvider,
      base_url: upstream.url,
      api_key: KEY,
    })
    statuses.push(created.statusCode)
    expect(created.statusCode).toBe(201)
    statuses.push((await send('PATCH', '/api/providers/1', { api_key: `${KEY}-2` })).statusCode)
    statuses.push(
      (await send('PATCH', '/api/providers/1', { base_url: 'http://other.example/v1', api_key: KEY }))
        .statusCode,
    )
    // error paths: validation, duplicate, unknown id, malformed JSON, wrong token, unknown field
    statuses.push(
      (await send('POST', '/api/providers', { ...sampleProvider, base_url: 'ftp://x', api_key: KEY }))
        .statusCode,
    )
    statuses.push((await send('POST', '/api/providers', { ...sampleProvider, api_key: KEY })).statusCode)
    statuses.push((await send('PATCH', '/api/providers/99', { api_key: KEY })).statusCode)
    statuses.push(
      (await send('POST', '/api/providers', { ...sampleProvider, name: 'x', api_key: KEY, Api_Key: KEY }))
        .statusCode,
    )
    statuses.push(
      (
        await app.inject({
          method: 'POST',
          url: '/api/providers',
          payload: `{"name":"broken","api_key":"${KEY}",`,
          headers: { ...auth, 'content-type': 'application/json' },
        })
      ).statusCode,
    )
    statuses.push(
      (
        await send(
          'POST',
          '/api/providers',
          { ...sampleProvider, api_key: KEY },
          { authorization: `Bearer ${KEY}` },
        )
      ).statusCode,
    )
    // connectivity tests, where they exist (another part of the tree adds them)
    if (app.hasRoute({ method: 'POST', url: '/api/providers/test-direct' })) {
      statuses.push(
        (await send('POST', '/api/providers/test-direct', { base_url: upstream.url, api_key: KEY }))
          .statusCode,
      )
      const probe = upstream.requests.at(-1)
      expect(probe?.headers.authorization).toBe(`Bearer ${KEY}`)
    }
    if (app.hasRoute({ method: 'POST', url: '/api/providers/:id/test' })) {
      statuses.push((await send('POST', '/api/providers/1/test', undefined)).statusCode)
    }
    expect(statuses.every((s) => s < 500)).toBe(true)

    const text = await fileText()
    expect(text).not.toContain(KEY)
    expect(text).not.toContain(ADMIN)
    const completions = (await fileLines()).filter((l) => l.message === 'request completed')
    expect(completions.length).toBe(statuses.length)
  })
})

describe('gateway traffic in the figures', () => {
  it('counts /v1 attempts per provider and traces the gateway lines to the request', async () => {
    const { app, fileLines } = await appWithFileLogger()
    const completion = {
      id: 'c1',
      object: 'chat.completion',
      created: 1,
      model: 'm1',
      choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
    }
    const upstream = await fakeUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify(completion))
    })
    await app.inject({
      method: 'POST',
      url: '/api/providers',
      payload: { name: 'up', base_url: upstream.url, api_key: 'sk-gateway-0123456789', models: ['m1'] },
    })
    await app.core.snapshot.reload()
    const res = await app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      headers: { 'x-request-id': 'gw-trace-1' },
      payload: { model: 'm1', messages: [{ role: 'user', content: 'hello' }] },
    })
    expect(res.statusCode).toBe(200)

    const stats = (await app.inject({ method: 'GET', url: '/api/admin/stats' })).json()
    expect(stats.providers['1']).toMatchObject({ name: 'up', requests: 1, errors: 0 })
    expect(stats.providers['1'].p50_ms).toBeGreaterThanOrEqual(0)
    expect(stats.endpoints['POST /v1/chat/completions']).toMatchObject({ count: 1, error_count: 0 })
    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body
    expect(metrics).toMatch(
      /switchboard_gateway_upstream_attempts_total\{provider_id="1",provider="up",outcome="success"\} 1/,
    )

    const lines = (await fileLines()).filter((l) => l.request_id === 'gw-trace-1')
    expect(lines.length).toBeGreaterThanOrEqual(2)
    for (const line of lines) expect(line).toMatchObject({ method: 'POST', path: '/v1/chat/completions' })
    expect(lines.find((l) => l.message === 'request completed')).toMatchObject({ status_code: 200 })
    expect(lines.some((l) => l.message !== 'request completed')).toBe(true)
  })
})
