/** Issue 11, item 12b: the backend alone sends the headers nginx adds in front of it. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildTestApp, fakeUi, tempDir } from '../../../test/helpers.js'
import { repoRoot } from '../../settings.js'

/** `a x y; b z` → {a: 'x y', b: 'z'}, to compare policies whatever their spacing and order. */
function directives(policy: string): Record<string, string> {
  return Object.fromEntries(
    policy
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name, ...values]) => [name, values.join(' ')]),
  )
}

function nginxPolicy(): string {
  const conf = readFileSync(join(repoRoot, 'deploy', 'nginx.conf'), 'utf8')
  const match = /add_header Content-Security-Policy "([^"]+)" always;/.exec(conf)
  if (!match?.[1]) throw new Error('deploy/nginx.conf sets no Content-Security-Policy')
  return match[1]
}

describe('security headers from the backend', () => {
  it('sends CSP, X-Frame-Options, nosniff and Referrer-Policy on the UI, /docs and /api, errors included', async () => {
    const dir = tempDir()
    const { app } = await buildTestApp(
      { BACKEND_ADMIN_TOKEN: 'admin-token-headers' },
      { dir, uiDir: fakeUi(dir) },
    )
    const cases: [string, number][] = [
      ['/', 200],
      ['/providers/42/edit', 200],
      ['/assets/app-3f9a1c.js', 200],
      ['/docs/', 200],
      ['/openapi.json', 200],
      ['/api/providers', 401],
      ['/api/nope', 404],
      ['/metrics', 401],
      ['/ping', 200],
    ]
    for (const [url, status] of cases) {
      const res = await app.inject({ method: 'GET', url })
      expect(res.statusCode, url).toBe(status)
      expect(res.headers['x-frame-options'], url).toBe('DENY')
      expect(res.headers['x-content-type-options'], url).toBe('nosniff')
      expect(res.headers['referrer-policy'], url).toBe('strict-origin-when-cross-origin')
      const csp = String(res.headers['content-security-policy'])
      expect(directives(csp), url).toEqual(directives(nginxPolicy()))
      expect(csp).not.toContain('upgrade-insecure-requests')
      expect(res.headers['strict-transport-security'], url).toBeUndefined()
    }
  })

  it('spares the gateway, whose answers only programs read', async () => {
    const { app } = await buildTestApp()
    const res = await app.inject({ method: 'GET', url: '/v1/models' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-security-policy']).toBeUndefined()
  })
})
