/**
 * Restore validates every provider and route with the rules of create and PATCH, keeps ids inside
 * the column, and lets a sealed key go only to the origin it was sealed for (issue 11, items 2 and 5).
 */
import { describe, expect, it } from 'vitest'
import { fakeUpstream } from '../../../test/fake-upstream.js'
import { buildTestApp, sampleProvider, TEST_SECRET } from '../../../test/helpers.js'
import { createKeyBox } from '../../core/crypto.js'
import { MAX_ID } from '../../domain/fields.js'

type App = Awaited<ReturnType<typeof buildTestApp>>['app']
type Doc = {
  providers: Record<string, unknown>[]
  routes: Record<string, unknown>[]
  client_keys: Record<string, unknown>[]
}

// Written by the code before keys were bound to origins: createKeyBox(TEST_SECRET).seal(sampleProvider.api_key).
const LEGACY_V1 = 'v1:i7QUqjM1od79-N9g:WMOal0q2U6XgkSPUYO-sjEHPgW8nxOQn9Eu5WGlxrJJ_EHPUTz0tgw'

async function exportDoc(app: App): Promise<Doc> {
  return (await app.inject({ method: 'GET', url: '/api/admin/providers/export' })).json()
}

/** What the API shows of the configuration: compared before and after a refused restore. */
async function configuration(app: App) {
  const [providers, routes, keys] = await Promise.all(
    ['/api/providers', '/api/model-routes', '/api/keys'].map(
      async (url) => (await app.inject({ method: 'GET', url })).json() as unknown,
    ),
  )
  return { providers, routes, keys }
}

async function seeded(): Promise<App> {
  const { app } = await buildTestApp()
  const p = await app.inject({ method: 'POST', url: '/api/providers', payload: sampleProvider })
  expect(p.statusCode).toBe(201)
  const r = await app.inject({
    method: 'POST',
    url: '/api/model-routes',
    payload: { name: 'main', mode: 'auto', nodes: [{ api_id: p.json().id }] },
  })
  expect(r.statusCode).toBe(201)
  expect((await app.inject({ method: 'POST', url: '/api/keys', payload: { name: 'ci' } })).statusCode).toBe(
    201,
  )
  return app
}

/** Posts the document as a dry run and for real: both answer 422 with `field` named, and nothing changes. */
async function expectRefused(app: App, doc: unknown, field: string, message?: RegExp) {
  const before = await configuration(app)
  for (const dryRun of [true, false]) {
    const res = await app.inject({
      method: 'POST',
      url: `/api/admin/providers/restore?dry_run=${dryRun}`,
      payload: doc as object,
    })
    expect(res.statusCode, `dry_run=${dryRun}: ${res.body}`).toBe(422)
    const errors = res.json().errors as { field: string; message: string }[]
    expect(errors.map((e) => e.field)).toContain(field)
    if (message) expect(errors.find((e) => e.field === field)?.message).toMatch(message)
  }
  expect(await configuration(app)).toEqual(before)
}

describe('restore applies the URL policy of create and PATCH', () => {
  it.each([
    ['a link-local metadata address', 'http://169.254.169.254/latest/meta-data'],
    ['a cloud metadata host name', 'http://metadata.google.internal/'],
    ['a file URL', 'file:///etc/passwd'],
    ['credentials in the URL', 'http://user:pass@127.0.0.1:8080/v1'],
    ['a text that is no URL', 'not a url'],
  ])('refuses %s with 422 naming providers[0].base_url', async (_label, baseUrl) => {
    const app = await seeded()
    const doc = await exportDoc(app)
    doc.providers[0] = { ...doc.providers[0], base_url: baseUrl, api_key_encrypted: null }
    await expectRefused(app, doc, 'providers[0].base_url')
  })
})

describe('restore applies the other rules of create and PATCH', () => {
  const cases: [string, (doc: Doc) => void, string][] = [
    [
      'a blank provider name',
      (d) => Object.assign(d.providers[0] ?? {}, { name: '   ' }),
      'providers[0].name',
    ],
    [
      'a blank model',
      (d) => Object.assign(d.providers[0] ?? {}, { models: ['ok', ' '] }),
      'providers[0].models[1]',
    ],
    [
      'a health check path without a leading slash',
      (d) => Object.assign(d.providers[0] ?? {}, { health_check_path: 'models' }),
      'providers[0].health_check_path',
    ],
    ['a blank route name', (d) => Object.assign(d.routes[0] ?? {}, { name: ' ' }), 'routes[0].name'],
    [
      'a config strategy routing does not know',
      (d) => Object.assign(d.routes[0] ?? {}, { config: { strategy: 'random' } }),
      'routes[0].config.strategy',
    ],
    [
      'a config model that is not a string',
      (d) => Object.assign(d.routes[0] ?? {}, { config: { model: 7 } }),
      'routes[0].config.model',
    ],
    [
      'a blank node model',
      (d) => {
        const route = d.routes[0] as { nodes: { models: string[] }[] }
        if (route.nodes[0]) route.nodes[0].models = ['\t']
      },
      'routes[0].nodes[0].models[0]',
    ],
    [
      'a blank client key name',
      (d) => Object.assign(d.client_keys[0] ?? {}, { name: '  ' }),
      'client_keys[0].name',
    ],
  ]
  it.each(cases)('refuses %s, naming the field', async (_label, mutate, field) => {
    const app = await seeded()
    const doc = await exportDoc(app)
    mutate(doc)
    await expectRefused(app, doc, field)
  })

  it('stores names as create does (trimmed), so " main " and "main" are one duplicate name', async () => {
    const app = await seeded()
    const doc = await exportDoc(app)
    doc.routes.push({ ...doc.routes[0], id: 2, name: ' main ' })
    await expectRefused(app, doc, 'routes[1]', /duplicate route name/)
    doc.routes.pop()
    Object.assign(doc.providers[0] ?? {}, { name: '  OpenAI  ', base_url: 'https://api.openai.com/v1///' })
    const res = await app.inject({ method: 'POST', url: '/api/admin/providers/restore', payload: doc })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json().providers).toEqual({ added: [], removed: [], changed: [] })
  })
})

describe('restore keeps ids inside the database column', () => {
  const fields: [string, (doc: Doc, id: number) => void][] = [
    ['providers[0].id', (d, id) => Object.assign(d.providers[0] ?? {}, { id })],
    ['routes[0].id', (d, id) => Object.assign(d.routes[0] ?? {}, { id })],
    [
      'routes[0].nodes[0].api_id',
      (d, id) => {
        const route = d.routes[0] as { nodes: { api_id: number }[] }
        if (route.nodes[0]) route.nodes[0].api_id = id
      },
    ],
    ['client_keys[0].id', (d, id) => Object.assign(d.client_keys[0] ?? {}, { id })],
  ]
  it.each(fields)('refuses %s past 2^31-1 with 422 naming it', async (field, set) => {
    const app = await seeded()
    for (const id of [MAX_ID + 1, 2 ** 53 + 1, 0]) {
      const doc = await exportDoc(app)
      set(doc, id)
      await expectRefused(app, doc, field)
    }
  })

  it('restores the largest id, and a create after it answers 409, not 500', async () => {
    const app = await seeded()
    const doc = await exportDoc(app)
    const route = doc.routes[0] as { nodes: { api_id: number }[] }
    Object.assign(doc.providers[0] ?? {}, { id: MAX_ID })
    if (route.nodes[0]) route.nodes[0].api_id = MAX_ID
    Object.assign(doc.routes[0] ?? {}, { id: MAX_ID })
    Object.assign(doc.client_keys[0] ?? {}, { id: MAX_ID })
    const res = await app.inject({ method: 'POST', url: '/api/admin/providers/restore', payload: doc })
    expect(res.statusCode, res.body).toBe(200)
    const provider = await app.inject({ method: 'GET', url: `/api/providers/${MAX_ID}` })
    expect(provider.statusCode).toBe(200)
    const patched = await app.inject({
      method: 'PATCH',
      url: `/api/providers/${MAX_ID}`,
      payload: { models: ['gpt-4o'] },
    })
    expect(patched.statusCode).toBe(200)
    const creates: [string, object][] = [
      ['/api/providers', { ...sampleProvider, name: 'one more' }],
      ['/api/model-routes', { name: 'one more', mode: 'auto' }],
      ['/api/keys', { name: 'one more' }],
    ]
    for (const [url, payload] of creates) {
      const created = await app.inject({ method: 'POST', url, payload })
      expect(created.statusCode, `${url}: ${created.body}`).toBe(409)
      expect(created.json().type).toMatch(/id_space_exhausted$/)
    }
  })
})

describe('a sealed key goes only to the origin it was sealed for', () => {
  it('refuses an export whose base_url was moved to another host, and the key never reaches it', async () => {
    const legit = await fakeUpstream()
    const capture = await fakeUpstream()
    const { app } = await buildTestApp()
    const created = await app.inject({
      method: 'POST',
      url: '/api/providers',
      payload: { ...sampleProvider, base_url: `${legit.url}/v1` },
    })
    expect(created.statusCode).toBe(201)
    const doc = await exportDoc(app)
    Object.assign(doc.providers[0] ?? {}, { base_url: `${capture.url}/v1` })
    await expectRefused(
      app,
      doc,
      'providers[0].api_key_encrypted',
      /cannot be decrypted for http:\/\/127\.0\.0\.1/,
    )

    const probe = await app.inject({ method: 'POST', url: `/api/providers/${created.json().id}/test` })
    expect(probe.json().status).toBe('online')
    expect(capture.requests).toEqual([])
    expect(legit.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${sampleProvider.api_key}`])
  })

  it("refuses a key copied onto another provider's row at another host", async () => {
    const { app } = await buildTestApp()
    await app.inject({ method: 'POST', url: '/api/providers', payload: sampleProvider })
    await app.inject({
      method: 'POST',
      url: '/api/providers',
      payload: { name: 'Local', base_url: 'http://127.0.0.1:11434/v1' },
    })
    const doc = await exportDoc(app)
    Object.assign(doc.providers[1] ?? {}, { api_key_encrypted: doc.providers[0]?.api_key_encrypted })
    await expectRefused(app, doc, 'providers[1].api_key_encrypted')
  })

  it('restores a key within its origin (another path, another letter case)', async () => {
    const { app } = await buildTestApp()
    await app.inject({ method: 'POST', url: '/api/providers', payload: sampleProvider })
    const doc = await exportDoc(app)
    Object.assign(doc.providers[0] ?? {}, { base_url: 'https://API.openai.com:443/v2' })
    const res = await app.inject({ method: 'POST', url: '/api/admin/providers/restore', payload: doc })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json().providers.changed).toEqual(['OpenAI'])
  })

  it('seals on create and PATCH for the provider origin: a PATCH within it keeps the key working', async () => {
    const upstream = await fakeUpstream()
    const { app } = await buildTestApp()
    const created = await app.inject({
      method: 'POST',
      url: '/api/providers',
      payload: { ...sampleProvider, base_url: `${upstream.url}/v1` },
    })
    const id = created.json().id
    const moved = await app.inject({
      method: 'PATCH',
      url: `/api/providers/${id}`,
      payload: { base_url: `${upstream.url}/other/v1` },
    })
    expect(moved.statusCode).toBe(200)
    await app.inject({ method: 'POST', url: `/api/providers/${id}/test` })
    expect(upstream.requests.at(-1)?.headers.authorization).toBe(`Bearer ${sampleProvider.api_key}`)
    const sealed = (await exportDoc(app)).providers[0]?.api_key_encrypted as string
    const box = createKeyBox(TEST_SECRET)
    expect(sealed).toMatch(/^v2:/)
    expect(box.open(sealed, upstream.url)).toBe(sampleProvider.api_key)
    expect(box.canOpen(sealed, 'https://api.openai.com')).toBe(false)
  })
})

describe('legacy v1 keys in a restored document', () => {
  /** A provider whose stored key is the legacy value, as a database from before v2 holds it. */
  async function withLegacyKey(): Promise<App> {
    const { app } = await buildTestApp()
    await app.inject({ method: 'POST', url: '/api/providers', payload: sampleProvider })
    await app.core.db.kysely.updateTable('providers').set({ api_key_sealed: LEGACY_V1 }).execute()
    return app
  }

  it('still open at the gateway and the probe where the database holds them', async () => {
    const upstream = await fakeUpstream()
    const { app } = await buildTestApp()
    await app.inject({
      method: 'POST',
      url: '/api/providers',
      payload: { ...sampleProvider, base_url: `${upstream.url}/v1` },
    })
    await app.core.db.kysely.updateTable('providers').set({ api_key_sealed: LEGACY_V1 }).execute()
    await app.inject({ method: 'POST', url: '/api/providers/1/test' })
    expect(upstream.requests.at(-1)?.headers.authorization).toBe(`Bearer ${sampleProvider.api_key}`)
    await app.core.snapshot.reload()
    const chat = await app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] },
    })
    expect(chat.statusCode).toBe(200)
    expect(upstream.requests.at(-1)?.url).toBe('/v1/chat/completions')
    expect(upstream.requests.at(-1)?.headers.authorization).toBe(`Bearer ${sampleProvider.api_key}`)
  })

  it('are accepted where this database holds the same value for the same origin', async () => {
    const app = await withLegacyKey()
    const doc = await exportDoc(app)
    expect(doc.providers[0]?.api_key_encrypted).toBe(LEGACY_V1)
    Object.assign(doc.providers[0] ?? {}, { models: ['gpt-4o'], base_url: 'https://api.openai.com/v2' })
    const res = await app.inject({ method: 'POST', url: '/api/admin/providers/restore', payload: doc })
    expect(res.statusCode, res.body).toBe(200)
    expect((await exportDoc(app)).providers[0]?.api_key_encrypted).toBe(LEGACY_V1)
  })

  it('are refused when moved to another origin, or into a database that does not hold them', async () => {
    const app = await withLegacyKey()
    const doc = await exportDoc(app)
    const moved = structuredClone(doc)
    Object.assign(moved.providers[0] ?? {}, { base_url: 'https://capture.example/v1' })
    await expectRefused(app, moved, 'providers[0].api_key_encrypted', /legacy v1 key/)

    const { app: fresh } = await buildTestApp()
    await expectRefused(fresh, doc, 'providers[0].api_key_encrypted', /legacy v1 key, bound to no host/)
  })
})

describe('the restore endpoint takes the largest valid document', () => {
  it('accepts 10,000 providers (about 4 MB) although other /api bodies stop at 1 MB', async () => {
    const { app, settings } = await buildTestApp()
    expect(settings.apiBodyLimitBytes).toBe(1024 * 1024)
    const box = createKeyBox(TEST_SECRET)
    const providers = Array.from({ length: 10_000 }, (_, i) => {
      const origin = `https://p${i}.example.com`
      return {
        id: i + 1,
        name: `provider-${i}`,
        base_url: `${origin}/v1`,
        api_key_encrypted: box.seal(`sk-proj-${i}-abcdefghijklmnopqrstuvwxyz`, origin),
        api_key_hint: 'sk-…wxyz',
        models: ['gpt-4o', 'gpt-4o-mini', 'text-embedding-3-small'],
        is_active: true,
        health_check_path: '/models',
        health_override: null,
        created_at: '2024-01-15T10:30:00.000Z',
      }
    })
    const body = JSON.stringify({ version: 1, exported_at: 'x', providers }, null, 2)
    expect(body.length).toBeGreaterThan(4 * 1024 * 1024)
    const res = await app.inject({
      method: 'POST',
      url: '/api/admin/providers/restore?dry_run=true',
      headers: { 'content-type': 'application/json' },
      payload: body,
    })
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200)
    expect(res.json().providers.added).toHaveLength(10_000)
  })
})
