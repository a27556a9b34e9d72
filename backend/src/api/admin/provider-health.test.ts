import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { closedPortUrl, fakeUpstream, hang, json } from '../../../test/fake-upstream.js'
import { buildTestApp } from '../../../test/helpers.js'

const KEY = 'sk-health-api-0123456789abcdef'

async function createProvider(
  app: Awaited<ReturnType<typeof buildTestApp>>['app'],
  base_url: string,
  extra = {},
) {
  const res = await app.inject({
    method: 'POST',
    url: '/api/providers',
    payload: {
      name: `p-${Math.random().toString(36).slice(2)}`,
      base_url,
      api_key: KEY,
      models: ['m'],
      ...extra,
    },
  })
  expect(res.statusCode).toBe(201)
  return res.json() as { id: number }
}

describe('POST /api/providers/{id}/test', () => {
  it('probes now, answers the result and records it on the provider and in its history', async () => {
    const fake = await fakeUpstream(json(200, { data: [] }))
    const { app } = await buildTestApp()
    const { id } = await createProvider(app, `${fake.url}/v1`)
    const res = await app.inject({ method: 'POST', url: `/api/providers/${id}/test` })
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(Object.keys(body).sort()).toEqual(['detail', 'latency_ms', 'status', 'status_code'])
    expect(body).toMatchObject({ status: 'online', status_code: 200, detail: null })
    expect(fake.requests[0]?.url).toBe('/v1/models')
    expect(fake.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`)

    const provider = (await app.inject({ method: 'GET', url: `/api/providers/${id}` })).json()
    expect(provider).toMatchObject({ status: 'online', is_healthy: true, consecutive_failures: 0 })
    expect(provider.last_tested_at).toMatch(/^\d{4}-/)
    const checks = (await app.inject({ method: 'GET', url: `/api/providers/${id}/checks` })).json()
    expect(checks.checks).toHaveLength(1)
    expect(checks.checks[0]).toMatchObject({ status: 'online', status_code: 200, detail: null })
  })

  it('answers degraded with "HTTP 401 from upstream" and never the key', async () => {
    const fake = await fakeUpstream(json(401, { error: { message: `bad key ${KEY}` } }))
    const { app } = await buildTestApp()
    const { id } = await createProvider(app, fake.url)
    const res = await app.inject({ method: 'POST', url: `/api/providers/${id}/test` })
    expect(res.json()).toMatchObject({ status: 'degraded', status_code: 401 })
    expect(res.json().detail).toContain('HTTP 401 from upstream')
    expect(res.body).not.toContain(KEY)
    const checks = await app.inject({ method: 'GET', url: `/api/providers/${id}/checks` })
    expect(checks.body).not.toContain(KEY)
  })

  it('gives up after BACKEND_REQUEST_TIMEOUT_SECONDS on a hanging upstream', async () => {
    const fake = await fakeUpstream(hang)
    const { app } = await buildTestApp({ BACKEND_REQUEST_TIMEOUT_SECONDS: '0.3' })
    const { id } = await createProvider(app, fake.url)
    const res = await app.inject({ method: 'POST', url: `/api/providers/${id}/test` })
    expect(res.json()).toMatchObject({
      status: 'timeout',
      status_code: null,
      detail: 'no answer within 0.30 s',
    })
  })

  it('turns a provider unhealthy exactly at the threshold and back on one success', async () => {
    const fake = await fakeUpstream(json(500, {}))
    const { app } = await buildTestApp({ BACKEND_HEALTH_CHECK_FAILURE_THRESHOLD: '2' })
    const { id } = await createProvider(app, fake.url)
    const test = () => app.inject({ method: 'POST', url: `/api/providers/${id}/test` })
    const get = async () => (await app.inject({ method: 'GET', url: `/api/providers/${id}` })).json()
    await test()
    expect(await get()).toMatchObject({ consecutive_failures: 1, is_healthy: true, status: 'degraded' })
    await test()
    expect(await get()).toMatchObject({ consecutive_failures: 2, is_healthy: false })
    // Routing reads the snapshot: the flip is visible there too.
    expect(app.core.snapshot.current().providers.get(id)?.is_healthy).toBe(false)
    fake.setHandler(json(200, {}))
    await test()
    expect(await get()).toMatchObject({ consecutive_failures: 0, is_healthy: true, status: 'online' })
    expect(app.core.snapshot.current().providers.get(id)?.is_healthy).toBe(true)
  })

  it('answers 404 for an unknown provider and 422 for a bad id', async () => {
    const { app } = await buildTestApp()
    const res = await app.inject({ method: 'POST', url: '/api/providers/999/test' })
    expect(res.statusCode).toBe(404)
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/)
    expect((await app.inject({ method: 'POST', url: '/api/providers/abc/test' })).statusCode).toBe(422)
  })
})

describe('POST /api/providers/test-direct', () => {
  it('probes an unsaved configuration and stores nothing, not even the key', async () => {
    const fake = await fakeUpstream(json(200, { data: [] }))
    const { app, settings } = await buildTestApp()
    await createProvider(app, 'https://api.example.com/v1', { api_key: null })
    const before = await app.core.db.kysely.selectFrom('providers').selectAll().execute()
    const res = await app.inject({
      method: 'POST',
      url: '/api/providers/test-direct',
      payload: { base_url: fake.url, api_key: KEY, models: ['x'], health_check_path: '/health' },
    })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ status: 'online', status_code: 200 })
    expect(fake.requests[0]).toMatchObject({ url: '/health' })
    expect(fake.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`)
    expect(await app.core.db.kysely.selectFrom('providers').selectAll().execute()).toEqual(before)
    expect(await app.core.db.kysely.selectFrom('health_checks').selectAll().execute()).toEqual([])
    expect(readFileSync(settings.backupFile, 'utf8')).not.toContain(KEY)
  })

  it('reports a refused connection as unreachable', async () => {
    const { app } = await buildTestApp()
    const res = await app.inject({
      method: 'POST',
      url: '/api/providers/test-direct',
      payload: { base_url: await closedPortUrl() },
    })
    expect(res.json()).toMatchObject({ status: 'unreachable', status_code: null })
    expect(res.json().detail).toContain('connection refused')
  })

  it('refuses a metadata address and a non-http URL with 422', async () => {
    const { app } = await buildTestApp()
    for (const base_url of ['http://169.254.169.254/latest', 'ftp://example.com', 'not a url']) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/providers/test-direct',
        payload: { base_url },
      })
      expect(res.statusCode).toBe(422)
      expect(res.json().errors[0].field).toBe('base_url')
    }
    const missing = await app.inject({ method: 'POST', url: '/api/providers/test-direct', payload: {} })
    expect(missing.statusCode).toBe(422)
  })
})

describe('PATCH /api/providers/{id}/health', () => {
  it('holds the flag against probes until released with null', async () => {
    const fake = await fakeUpstream(json(200, {}))
    const { app } = await buildTestApp({ BACKEND_HEALTH_CHECK_FAILURE_THRESHOLD: '1' })
    const { id } = await createProvider(app, fake.url)
    const patch = (is_healthy: boolean | null) =>
      app.inject({ method: 'PATCH', url: `/api/providers/${id}/health`, payload: { is_healthy } })
    const test = () => app.inject({ method: 'POST', url: `/api/providers/${id}/test` })

    const held = await patch(false)
    expect(held.statusCode).toBe(200)
    expect(held.json()).toMatchObject({
      id,
      is_healthy: false,
      health_override: 'unhealthy',
      consecutive_failures: 0,
    })
    expect(held.body).not.toContain(KEY)
    expect(app.core.snapshot.current().providers.get(id)?.is_healthy).toBe(false)
    await test()
    const afterProbe = (await app.inject({ method: 'GET', url: `/api/providers/${id}` })).json()
    expect(afterProbe).toMatchObject({ status: 'online', is_healthy: false, health_override: 'unhealthy' })

    const released = await patch(null)
    expect(released.json()).toMatchObject({ is_healthy: true, health_override: null })

    const forcedUp = await patch(true)
    expect(forcedUp.json()).toMatchObject({ is_healthy: true, health_override: 'healthy' })
    fake.setHandler(json(503, {}))
    await test()
    const stillUp = (await app.inject({ method: 'GET', url: `/api/providers/${id}` })).json()
    expect(stillUp).toMatchObject({ status: 'degraded', is_healthy: true, consecutive_failures: 1 })
    // Released while failing: the counter since the hold decides (threshold 1).
    expect((await patch(null)).json()).toMatchObject({ is_healthy: false, health_override: null })
  })

  it('rewrites the backup when the override is set or released (it is configuration)', async () => {
    const { app, settings } = await buildTestApp()
    const { id } = await createProvider(app, 'https://api.example.com')
    const overrideInBackup = () =>
      (
        JSON.parse(readFileSync(settings.backupFile, 'utf8')) as {
          providers: { id: number; health_override: unknown }[]
        }
      ).providers.find((p) => p.id === id)?.health_override
    expect(overrideInBackup()).toBeNull()
    const patch = (is_healthy: boolean | null) =>
      app.inject({ method: 'PATCH', url: `/api/providers/${id}/health`, payload: { is_healthy } })
    expect((await patch(false)).statusCode).toBe(200)
    expect(overrideInBackup()).toBe('unhealthy')
    await patch(true)
    expect(overrideInBackup()).toBe('healthy')
    await patch(null)
    expect(overrideInBackup()).toBeNull()
    expect(readFileSync(settings.backupFile, 'utf8')).not.toContain(KEY)
  })

  it('answers 422 for a missing or non-boolean is_healthy and 404 for an unknown provider', async () => {
    const { app } = await buildTestApp()
    const { id } = await createProvider(app, 'https://api.example.com')
    for (const payload of [{}, { is_healthy: 'yes' }, { is_healthy: true, extra: 1 }]) {
      const res = await app.inject({ method: 'PATCH', url: `/api/providers/${id}/health`, payload })
      expect(res.statusCode).toBe(422)
    }
    const res = await app.inject({
      method: 'PATCH',
      url: '/api/providers/999/health',
      payload: { is_healthy: true },
    })
    expect(res.statusCode).toBe(404)
  })
})

describe('GET /api/providers/{id}/checks', () => {
  it('answers newest first, honours limit, and keeps only the last 100', async () => {
    const fake = await fakeUpstream(json(200, {}))
    const { app } = await buildTestApp()
    const { id } = await createProvider(app, fake.url)
    const candidate = {
      id,
      name: 'x',
      kind: 'openai' as const,
      base_url: fake.url,
      api_key_sealed: null,
      health_check_path: '/models',
    }
    for (let i = 0; i < 103; i++) {
      if (i === 102) fake.setHandler(json(500, {}))
      await app.core.health.probeAndRecord(candidate, 2000)
    }
    const all = (await app.inject({ method: 'GET', url: `/api/providers/${id}/checks?limit=100` })).json()
    expect(all.checks).toHaveLength(100)
    expect(all.checks[0]).toMatchObject({ status: 'degraded', status_code: 500 })
    expect(all.checks[1]).toMatchObject({ status: 'online' })
    const times = all.checks.map((c: { checked_at: string }) => c.checked_at)
    expect([...times].sort().reverse()).toEqual(times)
    const rows = await app.core.db.kysely.selectFrom('health_checks').select('id').execute()
    expect(rows).toHaveLength(100)
    const def = (await app.inject({ method: 'GET', url: `/api/providers/${id}/checks` })).json()
    expect(def.checks).toHaveLength(50)
    const two = (await app.inject({ method: 'GET', url: `/api/providers/${id}/checks?limit=2` })).json()
    expect(two.checks).toHaveLength(2)
  })

  it('answers 422 for a bad limit and 404 for an unknown provider', async () => {
    const { app } = await buildTestApp()
    const { id } = await createProvider(app, 'https://api.example.com')
    for (const limit of ['0', '101', 'abc']) {
      const res = await app.inject({ method: 'GET', url: `/api/providers/${id}/checks?limit=${limit}` })
      expect(res.statusCode).toBe(422)
    }
    expect((await app.inject({ method: 'GET', url: '/api/providers/999/checks' })).statusCode).toBe(404)
  })
})
