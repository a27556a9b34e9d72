/** Development mode (no admin token): open to requests without credentials, but a key is checked. */
import { describe, expect, it } from 'vitest'
import { waitFor } from '../../../test/fake-upstream.js'
import { buildTestApp } from '../../../test/helpers.js'

describe('development mode', () => {
  it('serves /v1 to a request that presents no credentials', async () => {
    const { app } = await buildTestApp()
    expect((await app.inject({ method: 'GET', url: '/v1/models' })).statusCode).toBe(200)
  })

  it('answers 401 to a /v1 request that presents a made-up key', async () => {
    const { app } = await buildTestApp()
    const res = await app.inject({
      method: 'GET',
      url: '/v1/models',
      headers: { authorization: 'Bearer sb-wrong' },
    })
    expect(res.statusCode).toBe(401)
    expect(res.json()).toMatchObject({ error: { type: 'authentication_error' } })
    expect(res.body).not.toContain('sb-wrong')
  })

  it('accepts a live client key and records it as used ("Last used" updates)', async () => {
    const { app } = await buildTestApp()
    const created = await app.inject({ method: 'POST', url: '/api/keys', payload: { name: 'dev' } })
    const { key } = created.json() as { key: string }
    const res = await app.inject({
      method: 'GET',
      url: '/v1/models',
      headers: { authorization: `Bearer ${key}` },
    })
    expect(res.statusCode).toBe(200)
    let usedAt: string | null = null
    await waitFor(async () => {
      const list = (await app.inject({ method: 'GET', url: '/api/keys' })).json()
      usedAt = list[0]?.last_used_at ?? null
      return usedAt !== null
    })
    expect(usedAt).toMatch(/^\d{4}-\d\d-\d\dT/)
  })

  it('refuses a revoked key even though the request could have gone without one', async () => {
    const { app } = await buildTestApp()
    const { id, key } = (
      await app.inject({ method: 'POST', url: '/api/keys', payload: { name: 'dev' } })
    ).json() as { id: number; key: string }
    await app.inject({ method: 'DELETE', url: `/api/keys/${id}` })
    const res = await app.inject({
      method: 'GET',
      url: '/v1/models',
      headers: { authorization: `Bearer ${key}` },
    })
    expect(res.statusCode).toBe(401)
  })

  it('says in /api/admin/stats which mode the server is in', async () => {
    const dev = await buildTestApp()
    expect((await dev.app.inject({ method: 'GET', url: '/api/admin/stats' })).json().mode).toBe('development')
    const prod = await buildTestApp({ BACKEND_ADMIN_TOKEN: 'admin-token-mode-1' })
    const stats = await prod.app.inject({
      method: 'GET',
      url: '/api/admin/stats',
      headers: { authorization: 'Bearer admin-token-mode-1' },
    })
    expect(stats.json().mode).toBe('production')
  })
})
