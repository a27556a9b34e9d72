import { describe, expect, it } from 'vitest'
import { buildTestApp } from '../../../test/helpers.js'

describe('admin token', () => {
  it('answers 401 to /api without the token, and serves it with the token', async () => {
    const { app } = await buildTestApp({ BACKEND_ADMIN_TOKEN: 'admin-token-123' })
    const none = await app.inject({ method: 'GET', url: '/api/providers' })
    expect(none.statusCode).toBe(401)
    expect(none.headers['content-type']).toMatch(/problem\+json/)
    const wrong = await app.inject({
      method: 'GET',
      url: '/api/providers',
      headers: { authorization: 'Bearer nope' },
    })
    expect(wrong.statusCode).toBe(401)
    const right = await app.inject({
      method: 'GET',
      url: '/api/providers',
      headers: { authorization: 'Bearer admin-token-123' },
    })
    expect(right.statusCode).toBe(200)
  })

  it('keeps /ping open', async () => {
    const { app } = await buildTestApp({ BACKEND_ADMIN_TOKEN: 'admin-token-123' })
    const res = await app.inject({ method: 'GET', url: '/ping' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ status: 'ok' })
  })

  it('is open in development mode (no token)', async () => {
    const { app } = await buildTestApp()
    expect((await app.inject({ method: 'GET', url: '/api/providers' })).statusCode).toBe(200)
  })

  it('serves the OpenAPI documentation at /docs and /openapi.json', async () => {
    const { app } = await buildTestApp()
    const spec = await app.inject({ method: 'GET', url: '/openapi.json' })
    expect(spec.statusCode).toBe(200)
    expect(Object.keys(spec.json().paths)).toEqual(
      expect.arrayContaining(['/api/providers', '/api/providers/{id}']),
    )
    const docs = await app.inject({ method: 'GET', url: '/docs/' })
    expect(docs.statusCode).toBe(200)
    expect(docs.body).toContain('swagger')
  })

  it('echoes a sane x-request-id and replaces an insane one', async () => {
    const { app } = await buildTestApp()
    const sane = await app.inject({ method: 'GET', url: '/ping', headers: { 'x-request-id': 'abc-123_DEF' } })
    expect(sane.headers['x-request-id']).toBe('abc-123_DEF')
    const insane = await app.inject({
      method: 'GET',
      url: '/ping',
      headers: { 'x-request-id': 'bad id\u0001<script>' },
    })
    expect(insane.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
  })
})
