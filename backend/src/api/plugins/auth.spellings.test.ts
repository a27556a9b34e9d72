/**
 * Issue 11, item 1: the router decodes and matches paths its own way, so whether a request needs a
 * credential must follow the route that matched, whatever spelling reached it. Every request here
 * goes out byte for byte (no client normalises it) and without credentials.
 */
import { describe, expect, it } from 'vitest'
import { ADMIN_TOKEN, completionBody, ok, startGateway } from '../../../test/fake-openai.js'
import { fakeUpstream } from '../../../test/fake-upstream.js'
import { portOf, rawRequest } from '../../../test/raw-http.js'
import { spellingsOf } from '../../../test/spellings.js'

describe('spellings of protected paths, without credentials', () => {
  it('generates the spellings the issue lists', () => {
    expect(spellingsOf('/api/providers')).toEqual(
      expect.arrayContaining([
        '/%61pi/providers',
        '/api/%70roviders',
        '//api/providers',
        '/./api/providers',
        '/x/../api/providers',
        '/API/providers',
        '/api;/providers',
        '/api%2Fproviders',
      ]),
    )
    expect(spellingsOf('/metrics')).toContain('/%6detrics')
    expect(spellingsOf('/v1/chat/completions')).toContain('/%76%31/chat/completions')
  })

  it('answers 401 or 404 to every spelling, reads nothing out and changes nothing', async () => {
    const upstream = await fakeUpstream(ok())
    const gw = await startGateway()
    const providerId = await gw.addProvider(upstream, { name: 'Existing', models: ['gpt-test'] })
    const exported = await gw.admin('GET', '/api/admin/providers/export')
    expect(exported.status).toBe(200)
    const emptied = { ...(exported.body as object), providers: [], routes: [], keys: [] }
    const before = {
      providers: (await gw.admin('GET', '/api/providers')).body,
      keys: (await gw.admin('GET', '/api/keys')).body,
    }
    const chat = JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] })
    const targets: { method: string; path: string; body?: string }[] = [
      { method: 'GET', path: '/api/providers' },
      { method: 'GET', path: `/api/providers/${providerId}` },
      {
        method: 'POST',
        path: '/api/providers',
        body: JSON.stringify({ name: 'Evil', base_url: 'http://127.0.0.1:9/v1' }),
      },
      { method: 'DELETE', path: `/api/providers/${providerId}` },
      { method: 'PATCH', path: `/api/providers/${providerId}/health`, body: '{"is_healthy":false}' },
      { method: 'GET', path: '/api/keys' },
      { method: 'POST', path: '/api/keys', body: '{"name":"stolen"}' },
      { method: 'GET', path: '/api/admin/providers/export' },
      { method: 'POST', path: '/api/admin/providers/restore', body: JSON.stringify(emptied) },
      { method: 'GET', path: '/api/admin/logs' },
      { method: 'GET', path: '/metrics' },
      { method: 'GET', path: '/v1/models' },
      { method: 'POST', path: '/v1/chat/completions', body: chat },
      { method: 'POST', path: '/v1/embeddings', body: '{"model":"gpt-test","input":"x"}' },
    ]
    const port = portOf(gw.app)
    const answered: string[] = []
    for (const target of targets) {
      for (const path of [target.path, ...spellingsOf(target.path)]) {
        const res = await rawRequest(port, { method: target.method, path, body: target.body })
        answered.push(`${target.method} ${path} → ${res.status}`)
        expect(
          [401, 404],
          `${target.method} ${path} answered ${res.status}: ${res.text.slice(0, 200)}`,
        ).toContain(res.status)
        expect(res.text).not.toContain('Existing')
        expect(res.text).not.toMatch(/sb-[A-Za-z0-9_-]{20,}/)
        expect(res.text).not.toContain('switchboard_http_requests_total')
      }
    }
    expect(answered.length).toBeGreaterThan(150)
    expect(upstream.requests).toHaveLength(0)
    expect((await gw.admin('GET', '/api/providers')).body).toEqual(before.providers)
    expect((await gw.admin('GET', '/api/keys')).body).toEqual(before.keys)
    // and the canonical spelling with the token still works
    const res = await rawRequest(port, {
      method: 'POST',
      path: '/%76%31/chat/completions',
      body: chat,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    })
    expect(res.status).toBe(200)
    expect(JSON.parse(res.text)).toMatchObject(completionBody('gpt-test'))
  })
})

describe('spellings of routed paths, with credentials', () => {
  it('answers a percent-encoded /v1 path in the OpenAI shape, as the gateway route it reached', async () => {
    const gw = await startGateway()
    const port = portOf(gw.app)
    const body = JSON.stringify({ model: 'no-such-model', messages: [] })
    const res = await rawRequest(port, {
      method: 'POST',
      path: '/%76%31/chat/completions',
      body,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    })
    expect(res.status).toBe(404)
    expect(res.headers['content-type']).toMatch(/^application\/json/)
    expect(JSON.parse(res.text)).toMatchObject({
      error: { code: 'model_not_found', type: 'invalid_request_error' },
    })
    expect(res.headers['x-switchboard-attempts']).toBe('0')
    const anonymous = await rawRequest(port, { method: 'POST', path: '/v1/%63hat/completions', body })
    expect(anonymous.status).toBe(401)
    expect(JSON.parse(anonymous.text)).toMatchObject({ error: { type: 'authentication_error' } })
  })

  it('counts and logs a request by the route it reached, not by how its path was spelled', async () => {
    const gw = await startGateway()
    const port = portOf(gw.app)
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}` }
    const res = await rawRequest(port, { path: '/%61pi/admin/providers/export', headers: auth })
    expect(res.status).toBe(200)
    // a monitoring read stays quiet whatever its spelling
    expect((await rawRequest(port, { path: '/api/admin/%73tats', headers: auth })).status).toBe(200)
    const stats = (await gw.admin('GET', '/api/admin/stats')).body as {
      endpoints: Record<string, { count: number }>
    }
    expect(stats.endpoints['GET /api/admin/providers/export']?.count).toBe(1)
    expect(Object.keys(stats.endpoints).filter((k) => k.includes('stats'))).toEqual([])
  })
})
