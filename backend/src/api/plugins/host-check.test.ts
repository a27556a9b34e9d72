/** Issue 11, item 9: a DNS-rebinding page names its own host; a loopback server does not answer it. */
import { connect } from 'node:net'
import { describe, expect, it } from 'vitest'
import { waitFor } from '../../../test/fake-upstream.js'
import { buildTestApp, fakeUi, tempDir } from '../../../test/helpers.js'
import { portOf } from '../../../test/raw-http.js'
import { loadSettings, SettingsError } from '../../settings.js'

const TOKEN = 'admin-token-host-test'
const auth = { authorization: `Bearer ${TOKEN}` }

describe('Host allowlist on a loopback BACKEND_HOST', () => {
  it('serves loopback names on any port', async () => {
    const { app } = await buildTestApp()
    for (const host of [
      'localhost',
      'localhost:8000',
      'LOCALHOST.',
      '127.0.0.1:5173',
      '127.8.9.10',
      '[::1]:8000',
    ]) {
      const res = await app.inject({ method: 'GET', url: '/api/providers', headers: { host } })
      expect(res.statusCode, host).toBe(200)
    }
  })

  it('answers 421 to any other name in development mode, and a rebinding page mints no key', async () => {
    const dir = tempDir()
    const { app } = await buildTestApp({}, { dir, uiDir: fakeUi(dir) })
    const rebinding = { host: 'attacker.example:8000' }
    for (const url of [
      '/api/providers',
      '/api/admin/providers/export',
      '/metrics',
      '/',
      '/docs/',
      '/openapi.json',
    ]) {
      const res = await app.inject({ method: 'GET', url, headers: rebinding })
      expect(res.statusCode, url).toBe(421)
      expect(res.headers['content-type'], url).toMatch(/application\/problem\+json/)
      expect(res.json(), url).toMatchObject({
        status: 421,
        title: 'Misdirected Request',
        type: expect.stringContaining('host_not_allowed'),
      })
    }
    const minted = await app.inject({
      method: 'POST',
      url: '/api/keys',
      headers: { ...rebinding, 'content-type': 'application/json' },
      payload: { name: 'rebound' },
    })
    expect(minted.statusCode).toBe(421)
    const gateway = await app.inject({ method: 'GET', url: '/v1/models', headers: rebinding })
    expect(gateway.statusCode).toBe(421)
    expect(gateway.json()).toMatchObject({ error: { code: 'host_not_allowed' } })
    expect((await app.inject({ method: 'GET', url: '/api/keys' })).json()).toEqual([])
    for (const host of [
      '10.0.0.5',
      '0.0.0.0:8000',
      '127.0.0.1.attacker.example',
      'localhost.attacker.example',
    ]) {
      expect(
        (await app.inject({ method: 'GET', url: '/api/keys', headers: { host } })).statusCode,
        host,
      ).toBe(421)
    }
  })

  it('keeps /ping open to any host, for health probes', async () => {
    const { app } = await buildTestApp()
    const res = await app.inject({ method: 'GET', url: '/ping', headers: { host: 'probe.internal' } })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ status: 'ok', admin_token_required: false })
  })

  it('serves the names BACKEND_ALLOWED_HOSTS lists, and only those', async () => {
    const { app } = await buildTestApp({
      BACKEND_ADMIN_TOKEN: TOKEN,
      BACKEND_ALLOWED_HOSTS: 'switchboard.example.com, 10.0.0.5',
    })
    for (const host of [
      'switchboard.example.com',
      'Switchboard.Example.Com:443',
      '10.0.0.5:8000',
      'localhost',
    ]) {
      const res = await app.inject({ method: 'GET', url: '/api/providers', headers: { ...auth, host } })
      expect(res.statusCode, host).toBe(200)
    }
    const other = await app.inject({
      method: 'GET',
      url: '/api/providers',
      headers: { ...auth, host: 'evil.example.com' },
    })
    expect(other.statusCode).toBe(421)
  })

  it('answers 400 to a request without a usable Host header', async () => {
    const { app } = await buildTestApp()
    await app.listen({ host: '127.0.0.1', port: 0 })
    // HTTP/1.0 may leave Host out (HTTP/1.1 without it is refused by Node itself)
    for (const head of [
      'GET /api/providers HTTP/1.0\r\n\r\n',
      'GET /api/providers HTTP/1.1\r\nHost: a b\r\n\r\n',
    ]) {
      const socket = connect(portOf(app), '127.0.0.1')
      let received = ''
      socket.on('data', (chunk: Buffer) => {
        received += chunk.toString()
      })
      socket.write(head)
      await waitFor(() => received.includes('\r\n\r\n'), 5000, 'an answer')
      socket.destroy()
      expect(received, head).toMatch(/^HTTP\/1\.[01] 400/)
    }
  })
})

describe('Host allowlist on a non-loopback BACKEND_HOST', () => {
  it('serves any name when BACKEND_ALLOWED_HOSTS is not set (the admin token guards the API)', async () => {
    const { app } = await buildTestApp({ BACKEND_HOST: '0.0.0.0', BACKEND_ADMIN_TOKEN: TOKEN })
    const res = await app.inject({
      method: 'GET',
      url: '/api/providers',
      headers: { ...auth, host: 'lb.example.net' },
    })
    expect(res.statusCode).toBe(200)
  })

  it('enforces BACKEND_ALLOWED_HOSTS when it is set, loopback names included', async () => {
    const { app } = await buildTestApp({
      BACKEND_HOST: '0.0.0.0',
      BACKEND_ADMIN_TOKEN: TOKEN,
      BACKEND_ALLOWED_HOSTS: 'switchboard.example.com',
    })
    const served = async (host: string) =>
      (await app.inject({ method: 'GET', url: '/api/providers', headers: { ...auth, host } })).statusCode
    expect(await served('switchboard.example.com')).toBe(200)
    expect(await served('localhost:8000')).toBe(200)
    expect(await served('lb.example.net')).toBe(421)
  })

  it('serves any name with BACKEND_ALLOWED_HOSTS=*', async () => {
    const { app } = await buildTestApp({ BACKEND_ALLOWED_HOSTS: '*' })
    const res = await app.inject({
      method: 'GET',
      url: '/api/providers',
      headers: { host: 'anything.example' },
    })
    expect(res.statusCode).toBe(200)
  })
})

describe('BACKEND_ALLOWED_HOSTS', () => {
  it('reads comma-separated names and addresses, normalised', () => {
    const settings = loadSettings({
      BACKEND_ALLOWED_HOSTS: ' A.Example.com ,10.0.0.5,[::1], fd00::5,b.example.',
    })
    expect(settings.allowedHosts).toEqual(['a.example.com', '10.0.0.5', '::1', 'fd00::5', 'b.example'])
    expect(loadSettings({}).allowedHosts).toEqual([])
  })

  it('refuses an entry with a port, a scheme or a path, naming it', () => {
    for (const entry of ['example.com:8080', 'http://example.com', 'example.com/x', 'exa mple.com']) {
      try {
        loadSettings({ BACKEND_ALLOWED_HOSTS: `ok.example, ${entry}` })
        expect.unreachable(entry)
      } catch (error) {
        expect(error).toBeInstanceOf(SettingsError)
        expect((error as SettingsError).problems.join('\n')).toContain(`BACKEND_ALLOWED_HOSTS: "${entry}"`)
      }
    }
  })
})
