import { describe, expect, it } from 'vitest'
import { buildTestApp, fakeUi, tempDir } from '../../../test/helpers.js'
import { portOf, rawRequest } from '../../../test/raw-http.js'
import { canonicalPath, ownerOf } from './not-found.js'

describe('canonicalPath', () => {
  it('reads a path the way a lenient server or proxy might', () => {
    const cases: [string, string][] = [
      ['/api/providers', '/api/providers'],
      ['/%61pi/providers?x=1', '/api/providers'],
      ['/%2561pi/providers', '/api/providers'],
      ['//api//providers/', '/api/providers'],
      ['/./api/./providers', '/api/providers'],
      ['/x/../api/providers', '/api/providers'],
      ['/../../api', '/api'],
      ['/API/Providers', '/api/providers'],
      ['/api;jsessionid=1/providers', '/api/providers'],
      ['/api%2Fproviders', '/api/providers'],
      ['/api\\providers', '/api/providers'],
      ['/%zz/api', '/%zz/api'],
    ]
    for (const [url, canonical] of cases) expect(canonicalPath(url), url).toBe(canonical)
  })

  it('tells the gateway, the backend and the UI apart', () => {
    expect(ownerOf('/V1/models')).toBe('gateway')
    expect(ownerOf('//metrics')).toBe('backend')
    expect(ownerOf('/DOCS/')).toBe('backend')
    expect(ownerOf('/providers/42/edit')).toBe('ui')
    expect(ownerOf('/apis')).toBe('ui')
  })
})

describe('requests that match no route', () => {
  it('answers a client-side route with the UI and any spelling of a backend path with a 404', async () => {
    const dir = tempDir()
    const { app } = await buildTestApp(
      { BACKEND_ADMIN_TOKEN: 'admin-token-404' },
      { dir, uiDir: fakeUi(dir) },
    )
    await app.listen({ host: '127.0.0.1', port: 0 })
    const port = portOf(app)
    for (const path of ['/', '/providers/42/edit', '/observability']) {
      const res = await rawRequest(port, { path })
      expect(res.status, path).toBe(200)
      expect(res.text).toContain('switchboard-ui')
    }
    const asset = await rawRequest(port, { path: '/assets/app-3f9a1c.js' })
    expect(asset.text).toContain('export const ui')
    for (const path of [
      '//api/providers',
      '/API/providers',
      '/api;/providers',
      '/./metrics',
      '/METRICS',
      '/docs/nope',
      '/api',
    ]) {
      const res = await rawRequest(port, { path })
      expect(res.status, path).toBe(404)
      expect(res.headers['content-type'], path).toMatch(/application\/problem\+json/)
      expect(JSON.parse(res.text)).toMatchObject({
        status: 404,
        type: expect.stringContaining('route_not_found'),
      })
    }
    for (const path of ['//v1/models', '/V1/models', '/v1;/models', '/v1']) {
      const res = await rawRequest(port, { path })
      expect(res.status, path).toBe(404)
      expect(JSON.parse(res.text), path).toMatchObject({ error: { code: 'route_not_found' } })
    }
  })

  it('answers a path that is not valid percent-encoding with a 400 in the shape of its owner', async () => {
    const { app } = await buildTestApp({ BACKEND_ADMIN_TOKEN: 'admin-token-404' })
    await app.listen({ host: '127.0.0.1', port: 0 })
    const port = portOf(app)
    const admin = await rawRequest(port, { path: '/api/providers/%zz' })
    expect(admin.status).toBe(400)
    expect(admin.headers['content-type']).toMatch(/application\/problem\+json/)
    expect(JSON.parse(admin.text)).toMatchObject({ status: 400, type: expect.stringContaining('bad_url') })
    const gateway = await rawRequest(port, { method: 'POST', path: '/v1/%zz', body: '{}' })
    expect(gateway.status).toBe(400)
    expect(JSON.parse(gateway.text)).toMatchObject({
      error: { code: 'bad_url', type: 'invalid_request_error' },
    })
  })
})
