/**
 * deploy/nginx.conf checked with Debian's nginx: `nginx -t`, then a real nginx on a free port in
 * front of a real backend (and of a small SSE server standing in for a streaming /v1 answer).
 * Runs once, in the SQLite project: nothing here depends on the database engine.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/app.js'
import { loadSettings, repoRoot } from '../../src/settings.js'
import { ADMIN_TOKEN, ok, startGateway } from '../fake-openai.js'
import { fakeUpstream, waitFor } from '../fake-upstream.js'
import { testEnv } from '../helpers.js'
import { rawRequest } from '../raw-http.js'
import { spellingsOf } from '../spellings.js'
import {
  findNginx,
  freePort,
  type RunningNginx,
  startNginx,
  testNginxConfig,
  writeNginxConfig,
} from './nginx.js'

const nginx = findNginx()
if (!nginx && process.env.CI) throw new Error('nginx is required in CI (Debian package nginx-light)')
if (!nginx)
  console.warn('\n!!! nginx is not installed: the nginx tests are SKIPPED (apt-get install nginx-light)\n')

const SECURITY_HEADERS = [
  'x-frame-options',
  'x-content-type-options',
  'referrer-policy',
  'content-security-policy',
]

function expectSecurityHeaders(res: Response): void {
  for (const name of SECURITY_HEADERS) expect(res.headers.get(name), name).toBeTruthy()
  expect(res.headers.get('x-frame-options')).toBe('DENY')
  expect(res.headers.get('x-content-type-options')).toBe('nosniff')
}

/** A stand-in for frontend/dist: an index page, a hashed asset large enough to be compressed. */
function fakeDist(dir: string): string {
  const dist = join(dir, 'dist')
  mkdirSync(join(dist, 'assets'), { recursive: true })
  writeFileSync(
    join(dist, 'index.html'),
    '<!doctype html><html><head><script type="module" src="/assets/app-3f9a1c.js"></script></head><body><div id="app">switchboard-ui</div></body></html>',
  )
  writeFileSync(
    join(dist, 'assets', 'app-3f9a1c.js'),
    `export const words = ${JSON.stringify('lorem ipsum '.repeat(400))}\n`,
  )
  return dist
}

describe.skipIf(!nginx)('deploy/nginx.conf', () => {
  const bin = nginx ?? ''

  it('passes nginx -t with the upstream pointed at 127.0.0.1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-nginx-t-'))
    try {
      const files = writeNginxConfig({
        upstreams: ['127.0.0.1:9'],
        root: fakeDist(dir),
        port: await freePort(),
      })
      const result = await testNginxConfig(bin, files)
      rmSync(files.dir, { recursive: true, force: true })
      expect(result.output).toContain('test is successful')
      expect(result.ok).toBe(true)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('passes nginx -t with the two-replica upstream of the scale-out layout', async () => {
    // The same server lines and parameters as deploy/nginx-upstream.scale.conf, hosts made local.
    const lines = readFileSync(join(repoRoot, 'deploy', 'nginx-upstream.scale.conf'), 'utf8')
      .split('\n')
      .map((line) => /^\s*server\s+\S+?:(\d+)(.*);/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => `127.0.0.1:${m[1]}${m[2]}`)
    expect(lines).toHaveLength(2)
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-nginx-t-'))
    try {
      const files = writeNginxConfig({ upstreams: lines, root: fakeDist(dir), port: await freePort() })
      const result = await testNginxConfig(bin, files)
      rmSync(files.dir, { recursive: true, force: true })
      expect(result.ok, result.output).toBe(true)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  describe('in front of a real backend', () => {
    let dir = ''
    let app: FastifyInstance
    let proxy: RunningNginx

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'switchboard-nginx-app-'))
      app = await buildApp(loadSettings(await testEnv(dir)), { logger: pino({ level: 'silent' }) })
      await app.listen({ host: '127.0.0.1', port: 0 })
      const { port } = app.server.address() as AddressInfo
      proxy = await startNginx(bin, { upstreams: [`127.0.0.1:${port}`], root: fakeDist(dir) })
    })

    afterAll(async () => {
      await proxy?.stop()
      await app?.close()
      rmSync(dir, { recursive: true, force: true })
    })

    it('answers a client-side route with index.html, not cached, with the security headers', async () => {
      const res = await fetch(`${proxy.url}/providers/42/edit`)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toMatch(/text\/html/)
      expect(await res.text()).toContain('switchboard-ui')
      expect(res.headers.get('cache-control')).toBe('no-cache')
      expectSecurityHeaders(res)
      const csp = res.headers.get('content-security-policy') ?? ''
      expect(csp).toContain("script-src 'self'")
      expect(csp).toContain("frame-ancestors 'none'")
    })

    it('caches hashed assets for a year and compresses them', async () => {
      const res = await fetch(`${proxy.url}/assets/app-3f9a1c.js`, { headers: { 'accept-encoding': 'gzip' } })
      expect(res.status).toBe(200)
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
      expect(res.headers.get('content-encoding')).toBe('gzip')
      expect(await res.text()).toContain('lorem ipsum')
      expectSecurityHeaders(res)
    })

    it('answers 404 for a missing asset instead of index.html', async () => {
      const res = await fetch(`${proxy.url}/assets/gone-000000.js`)
      expect(res.status).toBe(404)
      expect(await res.text()).not.toContain('switchboard-ui')
    })

    it('proxies /api to the backend, request bodies included', async () => {
      const created = await fetch(`${proxy.url}/api/providers`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Local', base_url: 'http://127.0.0.1:9/v1', models: ['m1'] }),
      })
      expect(created.status).toBe(201)
      const { id } = (await created.json()) as { id: number }
      const res = await fetch(`${proxy.url}/api/providers/${id}`, {
        headers: { 'x-request-id': 'nginx-test-1' },
      })
      expect(res.status).toBe(200)
      expect(await res.json()).toMatchObject({ id, name: 'Local' })
      expect(res.headers.get('x-request-id')).toBe('nginx-test-1')
      expectSecurityHeaders(res)
      const missing = await fetch(`${proxy.url}/api/providers/999999`)
      expect(missing.status).toBe(404)
      expect(missing.headers.get('content-type')).toMatch(/application\/problem\+json/)
      expectSecurityHeaders(missing)
    })

    it('proxies /ping, /openapi.json, /docs and /metrics to the backend, never to the UI', async () => {
      const ping = await fetch(`${proxy.url}/ping`)
      expect(await ping.json()).toMatchObject({ status: 'ok' })
      const spec = await fetch(`${proxy.url}/openapi.json`)
      expect(((await spec.json()) as { openapi?: string }).openapi).toMatch(/^3\./)
      const docs = await fetch(`${proxy.url}/docs/`, { redirect: 'manual' })
      expect(await docs.text()).not.toContain('switchboard-ui')
      expect(docs.status).toBeLessThan(500)
      const metrics = await fetch(`${proxy.url}/metrics`)
      expect(await metrics.text()).not.toContain('switchboard-ui')
    })
  })

  describe('in front of a backend with an admin token', () => {
    // Issue 11, item 1: nginx matches locations on the decoded, normalised path but forwards the
    // path as the client sent it; the backend must refuse every spelling that reaches it.
    it('lets no spelling of a protected path through without credentials, and changes nothing', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'switchboard-nginx-auth-'))
      const upstream = await fakeUpstream(ok())
      const gw = await startGateway()
      const proxy = await startNginx(bin, {
        upstreams: [`127.0.0.1:${(gw.app.server.address() as AddressInfo).port}`],
        root: fakeDist(dir),
      })
      try {
        const providerId = await gw.addProvider(upstream, { name: 'Existing', models: ['gpt-test'] })
        const before = (await gw.admin('GET', '/api/providers')).body
        const chat = JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] })
        const targets: { method: string; path: string; body?: string }[] = [
          { method: 'GET', path: '/api/providers' },
          { method: 'POST', path: '/api/keys', body: '{"name":"stolen"}' },
          { method: 'DELETE', path: `/api/providers/${providerId}` },
          { method: 'GET', path: '/api/admin/providers/export' },
          { method: 'GET', path: '/metrics' },
          { method: 'POST', path: '/v1/chat/completions', body: chat },
        ]
        const seen = new Set<number>()
        for (const target of targets) {
          for (const path of [target.path, ...spellingsOf(target.path)]) {
            const res = await rawRequest(proxy.port, { method: target.method, path, body: target.body })
            const what = `${target.method} ${path} answered ${res.status}: ${res.text.slice(0, 120)}`
            seen.add(res.status)
            // the backend's 401/404, nginx's own 400 for a path it will not normalise, or nginx's
            // SPA fallback for what no proxied location matches: the UI page (GET) or 405 (other
            // methods on a static file), never the backend and never data
            if (res.status === 200) expect(res.text, what).toContain('switchboard-ui')
            else expect([400, 401, 404, 405], what).toContain(res.status)
            expect(res.text, what).not.toContain('Existing')
          }
        }
        expect(seen.has(401)).toBe(true)
        expect(upstream.requests).toHaveLength(0)
        expect((await gw.admin('GET', '/api/providers')).body).toEqual(before)
        expect((await gw.admin('GET', '/api/keys')).body).toEqual([])
        const authorized = await rawRequest(proxy.port, {
          method: 'POST',
          path: '/%76%31/chat/completions',
          body: chat,
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        })
        expect(authorized.status).toBe(200)
        expect(authorized.headers['x-frame-options']).toBe('DENY')
      } finally {
        await proxy.stop()
        rmSync(dir, { recursive: true, force: true })
      }
    })
  })

  describe('in front of a streaming /v1 answer', () => {
    let sse: Server
    let proxy: RunningNginx
    let dir = ''
    let release: () => void = () => {}

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'switchboard-nginx-sse-'))
      // Writes one event, then holds the stream open until the test has seen that event arrive
      // through nginx: a buffering proxy would hold it back and the test would time out.
      sse = createServer((req, res) => {
        req.resume()
        req.on('end', () => {
          res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
          res.write('data: {"choices":[{"delta":{"content":"first"}}]}\n\n')
          const held = new Promise<void>((resolve) => {
            release = resolve
          })
          void held.then(() => {
            res.write('data: {"choices":[{"delta":{},"finish_reason":"stop"}]}\n\n')
            res.end('data: [DONE]\n\n')
          })
        })
      })
      await new Promise<void>((resolve) => sse.listen(0, '127.0.0.1', resolve))
      const { port } = sse.address() as AddressInfo
      proxy = await startNginx(bin, { upstreams: [`127.0.0.1:${port}`], root: fakeDist(dir) })
    })

    afterAll(async () => {
      release()
      await proxy?.stop()
      sse?.closeAllConnections()
      await new Promise<void>((resolve) => sse?.close(() => resolve()) ?? resolve())
      rmSync(dir, { recursive: true, force: true })
    })

    it('delivers each server-sent event as it is written, not buffered until the end', async () => {
      const res = await fetch(`${proxy.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'accept-encoding': 'gzip' },
        body: JSON.stringify({ model: 'm', stream: true, messages: [] }),
      })
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toMatch(/text\/event-stream/)
      expect(res.headers.get('content-encoding')).toBeNull()
      const reader = res.body!.getReader()
      const decoder = new TextDecoder()
      let received = ''
      let done = false
      const pump = (async () => {
        for (;;) {
          const chunk = await reader.read()
          if (chunk.done) break
          received += decoder.decode(chunk.value, { stream: true })
        }
        done = true
      })()
      await waitFor(() => received.includes('"first"'), 5000, 'the first event through nginx')
      expect(received).not.toContain('[DONE]')
      release()
      await pump
      expect(done).toBe(true)
      expect(received).toContain('finish_reason')
      expect(received.trimEnd().endsWith('data: [DONE]')).toBe(true)
    })
  })
})
