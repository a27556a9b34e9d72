import { describe, expect, it } from 'vitest'
import { buildTestApp } from '../../test/helpers.js'

interface Operation {
  tags?: string[]
  summary?: string
  requestBody?: unknown
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>
}

describe('/openapi.json', () => {
  it('documents every /api endpoint with a tag, a summary, its response schemas and the 401', async () => {
    const { app } = await buildTestApp({ BACKEND_ADMIN_TOKEN: 'docs-admin-token' })
    const spec = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, Operation>>
    }
    const operations = Object.entries(spec.paths)
      .filter(([path]) => path.startsWith('/api/') || path === '/metrics')
      .flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })))
    expect(operations.length).toBeGreaterThanOrEqual(24)
    for (const { path, method, op } of operations) {
      const where = `${method.toUpperCase()} ${path}`
      expect(op.tags?.length, where).toBeGreaterThan(0)
      expect(op.summary, where).toBeTruthy()
      expect(op.responses?.['401'], where).toBeDefined()
      if (path === '/metrics') continue // Prometheus text, not JSON
      const success = Object.keys(op.responses ?? {}).find((code) => code.startsWith('2'))
      expect(success, where).toBeDefined()
      if (success !== '204') {
        expect(op.responses?.[success ?? '']?.content?.['application/json']?.schema, where).toBeDefined()
      }
      if (['post', 'patch'].includes(method) && !/\/\{id\}\/(test|models)$/.test(path)) {
        expect(op.requestBody, where).toBeDefined()
      }
    }
    const exported = spec.paths['/api/admin/providers/export']?.get?.responses?.['200']?.content
    expect(JSON.stringify(exported)).toContain('api_key_encrypted')
  })

  it('documents /v1 and /ping with request and answer schemas, not "Default Response"', async () => {
    const { app } = await buildTestApp({ BACKEND_ADMIN_TOKEN: 'docs-admin-token' })
    const spec = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, Operation>>
    }
    const json = (op: Operation | undefined) => op?.responses?.['200']?.content?.['application/json']?.schema
    for (const endpoint of ['chat/completions', 'completions', 'embeddings']) {
      const op = spec.paths[`/v1/${endpoint}`]?.post
      expect(op?.requestBody, endpoint).toMatchObject({ content: { 'application/json': { schema: {} } } })
      expect(json(op), endpoint).toBeDefined()
      expect(op?.responses?.['4XX'] ?? op?.responses?.['4xx'], endpoint).toBeDefined()
    }
    expect(
      spec.paths['/v1/chat/completions']?.post?.responses?.['200']?.content?.['text/event-stream'],
    ).toBeDefined()
    expect(json(spec.paths['/v1/models']?.get)).toEqual({ $ref: '#/components/schemas/ModelList' })
    expect(json(spec.paths['/ping']?.get)).toEqual({ $ref: '#/components/schemas/Ping' })
    expect(JSON.stringify(spec.paths['/v1/chat/completions'])).not.toContain('Default Response')
  })

  it('names its schemas once in components and refers to them from each operation', async () => {
    const { app } = await buildTestApp({ BACKEND_ADMIN_TOKEN: 'docs-admin-token' })
    const text = (await app.inject({ method: 'GET', url: '/openapi.json' })).body
    const spec = JSON.parse(text) as {
      components: { schemas: Record<string, unknown> }
      paths: Record<string, Record<string, Operation>>
    }
    const names = Object.keys(spec.components.schemas)
    expect(names).toEqual(
      expect.arrayContaining(['Provider', 'NewProvider', 'ModelRoute', 'RouteNode', 'Stats', 'Problem']),
    )
    expect(names.filter((name) => name.startsWith('def-'))).toEqual([])
    // every reference resolves, and the same answer is not spelled out inline per operation
    for (const [, name] of text.matchAll(/"#\/components\/schemas\/([^"]+)"/g)) {
      expect(names, name).toContain(name)
    }
    const getProvider = spec.paths['/api/providers/{id}']?.get?.responses?.['200']
    expect(getProvider?.content?.['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/Provider',
    })
    expect(spec.paths['/api/providers']?.post?.requestBody).toMatchObject({
      content: { 'application/json': { schema: { $ref: '#/components/schemas/NewProvider' } } },
    })
  })

  it('is the same document on every build, so the generated frontend types are stable', async () => {
    const first = await buildTestApp({ BACKEND_ADMIN_TOKEN: 'docs-admin-token' })
    const second = await buildTestApp({ BACKEND_ADMIN_TOKEN: 'docs-admin-token' })
    const read = async (t: typeof first) => (await t.app.inject({ method: 'GET', url: '/openapi.json' })).body
    expect(await read(second)).toBe(await read(first))
  })
})
