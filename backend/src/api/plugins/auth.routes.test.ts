/**
 * Issue 11, item 1: every route declares the credential it needs, and the declaration is what is
 * checked. A route without one keeps the server from starting (fail closed).
 */
import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'
import { buildTestApp, fakeUi, tempDir } from '../../../test/helpers.js'
import { registerAuth, requireCredential } from './auth.js'

const TOKEN = 'admin-token-routes-test'

describe('credentials declared by route', () => {
  it('declares admin for every /api and /metrics route, client for every /v1 route, public for the rest', async () => {
    const dir = tempDir()
    const { app } = await buildTestApp({ BACKEND_ADMIN_TOKEN: TOKEN }, { dir, uiDir: fakeUi(dir) })
    const routes = app.routeCredentials()
    expect(routes.length).toBeGreaterThan(40)
    for (const route of routes) {
      const expected =
        route.url.startsWith('/api/') || route.url === '/metrics'
          ? 'admin'
          : route.url.startsWith('/v1/')
            ? 'client'
            : 'public'
      expect(route.credential, `${route.method} ${route.url}`).toBe(expected)
    }
    const open = routes.filter((r) => r.credential === 'public').map((r) => r.url)
    for (const url of open) {
      expect(
        url === '/ping' ||
          url === '/openapi.json' ||
          url.startsWith('/docs') ||
          url.startsWith('/assets/') ||
          url === '/index.html',
        url,
      ).toBe(true)
    }
    expect(open).toEqual(expect.arrayContaining(['/ping', '/openapi.json', '/docs', '/index.html']))
  })

  it('answers 401 without credentials on every route that declares admin or client, and serves the public ones', async () => {
    const dir = tempDir()
    const { app } = await buildTestApp({ BACKEND_ADMIN_TOKEN: TOKEN }, { dir, uiDir: fakeUi(dir) })
    for (const route of app.routeCredentials()) {
      const url = route.url.replace(/:[a-z_]+/g, '1').replace('*', 'x')
      for (const method of route.method.split(',')) {
        const res = await app.inject({
          method: method as 'GET',
          url,
          payload: method === 'GET' || method === 'HEAD' ? undefined : {},
        })
        if (route.credential === 'public') expect(res.statusCode, `${method} ${url}`).not.toBe(401)
        else expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(401)
      }
    }
  })

  it('refuses to start when a route declares no credential', async () => {
    const app = Fastify()
    registerAuth(app, { adminToken: TOKEN, clientKeys: () => null })
    await app.register(async (scope) => {
      requireCredential(scope, 'admin')
      scope.get('/api/declared', async () => 'ok')
    })
    app.get('/api/forgotten', async () => 'secret')
    await expect(app.ready()).rejects.toThrow(/without a declared credential: GET \/api\/forgotten/)
    await app.close()
  })

  it('refuses a route that loosens the credential of its scope', async () => {
    const app = Fastify()
    registerAuth(app, { adminToken: TOKEN, clientKeys: () => null })
    await expect(
      app.register(async (scope) => {
        requireCredential(scope, 'admin')
        scope.get('/api/open', { config: { credential: 'public' } }, async () => 'ok')
      }),
    ).rejects.toThrow(/declares credential "public" inside a scope that requires "admin"/)
    await app.close()
  })
})
