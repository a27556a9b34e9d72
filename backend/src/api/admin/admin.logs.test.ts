/** GET /api/admin/logs: every field app.log has (redacted), and the level, text and request filters. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { fakeUpstream, waitFor } from '../../../test/fake-upstream.js'
import { buildTestApp, tempDir } from '../../../test/helpers.js'
import { createLogger, logSinkOf } from '../../core/logger.js'

const PROVIDER_KEY = 'sk-logs-provider-0123456789'

async function appWithFileLogger() {
  const dir = tempDir()
  const logDir = join(dir, 'logs')
  const log = createLogger(
    { logDir, logLevel: 'debug', logMaxBytes: 10 * 1024 * 1024, logMaxFiles: 10 },
    { console: false },
  )
  onTestFinished(() => logSinkOf(log)?.close())
  const { app } = await buildTestApp(
    { BACKEND_LOG_LEVEL: 'debug', BACKEND_HEALTH_CHECK_FAILURE_THRESHOLD: '1' },
    { logger: log, dir },
  )
  const fileText = async () => {
    await logSinkOf(log)?.flush()
    return readFileSync(join(logDir, 'app.log'), 'utf8')
  }
  return { app, fileText }
}

interface Entry {
  level: string
  message: string
  request_id?: string
  fields?: Record<string, unknown>
}

/** A provider that always answers 500, and one failed gateway request through it. */
async function failOnce(app: Awaited<ReturnType<typeof buildTestApp>>['app']) {
  const upstream = await fakeUpstream((_req, res) => {
    res.writeHead(500, { 'content-type': 'application/json' })
    res.end('{"error":{"message":"boom"}}')
  })
  await app.inject({
    method: 'POST',
    url: '/api/providers',
    payload: { name: 'flaky-up', base_url: upstream.url, api_key: PROVIDER_KEY, models: ['m1'] },
  })
  await app.core.snapshot.reload()
  const res = await app.inject({
    method: 'POST',
    url: '/v1/chat/completions',
    headers: { 'x-request-id': 'failing-req-1' },
    payload: { model: 'm1', messages: [{ role: 'user', content: 'hello' }] },
  })
  expect(res.statusCode).toBeGreaterThanOrEqual(500)
}

async function logs(app: Awaited<ReturnType<typeof buildTestApp>>['app'], query: string) {
  const res = await app.inject({ method: 'GET', url: `/api/admin/logs?limit=1000&${query}` })
  expect(res.statusCode).toBe(200)
  return res.json() as { logs: Entry[]; total: number; matched: number }
}

describe('GET /api/admin/logs fields', () => {
  it('names the provider and upstream status of a failed attempt and of a health change', async () => {
    const { app, fileText } = await appWithFileLogger()
    await failOnce(app)
    let page = await logs(app, '')
    await waitFor(async () => {
      page = await logs(app, '')
      return page.logs.some((l) => l.message === 'provider turned unhealthy')
    })
    const attempt = page.logs.find((l) => l.message === 'upstream attempt failed')
    expect(attempt).toMatchObject({
      level: 'WARNING',
      request_id: 'failing-req-1',
      fields: { provider: 'flaky-up', upstreamStatus: 500, providerId: 1 },
    })
    const turned = page.logs.find((l) => l.message === 'provider turned unhealthy')
    expect(turned?.fields).toMatchObject({ name: 'flaky-up', providerId: 1 })
    // the same fields the file has, and never the provider's key
    expect(await fileText()).toContain('"upstreamStatus":500')
    expect(JSON.stringify(page)).not.toContain(PROVIDER_KEY)
  })

  it('filters by lowest level, by text in any field, and by request id', async () => {
    const { app } = await appWithFileLogger()
    await failOnce(app)
    await app.inject({ method: 'GET', url: '/api/providers', headers: { 'x-request-id': 'quiet-ok-1' } })

    const warnings = await logs(app, 'level=WARNING')
    expect(warnings.logs.length).toBeGreaterThan(0)
    for (const l of warnings.logs) expect(['WARNING', 'ERROR']).toContain(l.level)
    expect(warnings.matched).toBe(warnings.logs.length)
    expect(warnings.matched).toBeLessThan(warnings.total)

    const byText = await logs(app, 'q=FLAKY-UP')
    expect(byText.logs.length).toBeGreaterThan(0)
    for (const l of byText.logs) expect(JSON.stringify(l).toLowerCase()).toContain('flaky-up')

    const one = await logs(app, 'request_id=failing-req-1')
    expect(one.logs.map((l) => l.message)).toEqual(
      expect.arrayContaining(['upstream attempt failed', 'request completed']),
    )
    for (const l of one.logs) expect(l.request_id).toBe('failing-req-1')
    expect((await logs(app, 'request_id=quiet-ok-1')).logs.every((l) => l.request_id === 'quiet-ok-1')).toBe(
      true,
    )
  })

  it('refuses an unknown level with 422', async () => {
    const { app } = await appWithFileLogger()
    const res = await app.inject({ method: 'GET', url: '/api/admin/logs?level=LOUD' })
    expect(res.statusCode).toBe(422)
  })
})
