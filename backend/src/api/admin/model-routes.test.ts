import type { FastifyInstance } from 'fastify'
import { describe, expect, it } from 'vitest'
import { buildTestApp, createProviders, providersWithSharedModel } from '../../../test/helpers.js'

function createRoute(app: FastifyInstance, payload: unknown) {
  return app.inject({ method: 'POST', url: '/api/model-routes', payload: payload as object })
}

describe('/api/model-routes CRUD', () => {
  it('creates a route with defaults filled in and answers 201 with its nodes', async () => {
    const { app } = await buildTestApp()
    const [a, b] = await createProviders(app, providersWithSharedModel(2))
    const res = await createRoute(app, {
      name: 'chat',
      mode: 'auto',
      nodes: [
        { api_id: a },
        { api_id: b, models: ['m2'], strategy: 'failover', priority: 5, metadata: { x: 1 } },
      ],
    })
    expect(res.statusCode).toBe(201)
    const body = res.json()
    expect(body).toMatchObject({
      id: 1,
      name: 'chat',
      mode: 'auto',
      is_active: true,
      config: {},
      nodes: [
        { api_id: a, models: [], strategy: 'round-robin', priority: 0, metadata: {} },
        { api_id: b, models: ['m2'], strategy: 'failover', priority: 5, metadata: { x: 1 } },
      ],
    })
    expect(body.nodes[0].id).toEqual(expect.any(Number))
    expect(body.created_at).toMatch(/^\d{4}-\d\d-\d\dT/)
    expect(body.updated_at).toBe(body.created_at)
  })

  it('lists routes ordered by id with nodes in their order, and gets one by id', async () => {
    const { app } = await buildTestApp()
    const [a, b, c] = await createProviders(app, providersWithSharedModel(3))
    await createRoute(app, { name: 'z', mode: 'auto', nodes: [{ api_id: c }, { api_id: a }, { api_id: b }] })
    await createRoute(app, { name: 'a', mode: 'multi', config: { strategy: 'failover' } })
    const list = await app.inject({ method: 'GET', url: '/api/model-routes' })
    expect(list.statusCode).toBe(200)
    expect(list.json().map((r: { name: string }) => r.name)).toEqual(['z', 'a'])
    expect(list.json()[0].nodes.map((n: { api_id: number }) => n.api_id)).toEqual([c, a, b])
    const one = await app.inject({ method: 'GET', url: '/api/model-routes/2' })
    expect(one.json()).toMatchObject({
      name: 'a',
      mode: 'multi',
      config: { strategy: 'failover' },
      nodes: [],
    })
  })

  it('patches only the fields sent and keeps the nodes when nodes is absent', async () => {
    const { app } = await buildTestApp()
    const [a, b] = await createProviders(app, providersWithSharedModel(2))
    await createRoute(app, { name: 'chat', mode: 'auto', nodes: [{ api_id: a }, { api_id: b }] })
    const res = await app.inject({
      method: 'PATCH',
      url: '/api/model-routes/1',
      payload: { is_active: false, config: { strategy: 'failover' } },
    })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({
      name: 'chat',
      mode: 'auto',
      is_active: false,
      config: { strategy: 'failover' },
      nodes: [{ api_id: a }, { api_id: b }],
    })
  })

  it('replaces every node when nodes is sent, and an empty list removes them all', async () => {
    const { app } = await buildTestApp()
    const [a, b, c] = await createProviders(app, providersWithSharedModel(3))
    await createRoute(app, { name: 'chat', mode: 'auto', nodes: [{ api_id: a }, { api_id: b }] })
    const replaced = await app.inject({
      method: 'PATCH',
      url: '/api/model-routes/1',
      payload: { nodes: [{ api_id: c, priority: 2 }, { api_id: a }] },
    })
    expect(replaced.statusCode).toBe(200)
    expect(replaced.json().nodes).toMatchObject([
      { api_id: c, priority: 2 },
      { api_id: a, priority: 0 },
    ])
    const cleared = await app.inject({ method: 'PATCH', url: '/api/model-routes/1', payload: { nodes: [] } })
    expect(cleared.json().nodes).toEqual([])
    const fetched = await app.inject({ method: 'GET', url: '/api/model-routes/1' })
    expect(fetched.json().nodes).toEqual([])
  })

  it('drops config keys set to null: null unsets them', async () => {
    const { app } = await buildTestApp()
    await createRoute(app, { name: 'r', mode: 'specific', config: { model: 'm1', strategy: 'failover' } })
    const res = await app.inject({
      method: 'PATCH',
      url: '/api/model-routes/1',
      payload: { config: { model: 'm1', strategy: null } },
    })
    expect(res.json().config).toEqual({ model: 'm1' })
  })

  it('deletes a route with its nodes (204), then answers 404 everywhere', async () => {
    const { app } = await buildTestApp()
    const [a] = await createProviders(app, providersWithSharedModel(1))
    await createRoute(app, { name: 'chat', mode: 'auto', nodes: [{ api_id: a }] })
    expect((await app.inject({ method: 'DELETE', url: '/api/model-routes/1' })).statusCode).toBe(204)
    for (const [method, url] of [
      ['GET', '/api/model-routes/1'],
      ['PATCH', '/api/model-routes/1'],
      ['DELETE', '/api/model-routes/1'],
      ['POST', '/api/model-routes/1/select'],
      ['GET', '/api/model-routes/1/state'],
    ] as const) {
      const res = await app.inject({
        method,
        url,
        ...(method === 'PATCH' ? { payload: { is_active: true } } : {}),
      })
      expect(res.statusCode, `${method} ${url}`).toBe(404)
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/)
      expect(res.json()).toMatchObject({ status: 404, detail: 'model route 1 does not exist' })
    }
    // the provider is free again: deleting it needs no force
    expect((await app.inject({ method: 'DELETE', url: `/api/providers/${a}` })).statusCode).toBe(204)
  })

  it('stores names with quotes, SQL and unicode verbatim', async () => {
    const { app } = await buildTestApp()
    const name = `route'"; DROP TABLE model_routes; -- 路由 🚦`
    const res = await createRoute(app, { name, mode: 'auto' })
    expect(res.statusCode).toBe(201)
    expect((await app.inject({ method: 'GET', url: '/api/model-routes/1' })).json().name).toBe(name)
  })
})

describe('/api/model-routes validation', () => {
  it('answers 409 naming the route for a duplicate name, on create and on rename', async () => {
    const { app } = await buildTestApp()
    await createRoute(app, { name: 'chat', mode: 'auto' })
    await createRoute(app, { name: 'other', mode: 'auto' })
    const dup = await createRoute(app, { name: 'chat', mode: 'multi' })
    expect(dup.statusCode).toBe(409)
    expect(dup.headers['content-type']).toMatch(/application\/problem\+json/)
    expect(dup.json()).toMatchObject({ status: 409, title: 'Conflict' })
    expect(dup.json().detail).toContain('"chat"')
    const rename = await app.inject({
      method: 'PATCH',
      url: '/api/model-routes/2',
      payload: { name: 'chat' },
    })
    expect(rename.statusCode).toBe(409)
    expect((await app.inject({ method: 'GET', url: '/api/model-routes/2' })).json().name).toBe('other')
  })

  it('refuses a node naming a missing provider with a 422 on nodes[i].api_id, storing nothing', async () => {
    const { app } = await buildTestApp()
    const [a] = await createProviders(app, providersWithSharedModel(1))
    const res = await createRoute(app, {
      name: 'chat',
      mode: 'auto',
      nodes: [{ api_id: a }, { api_id: 99 }, { api_id: 77 }],
    })
    expect(res.statusCode).toBe(422)
    expect(res.json().errors).toEqual([
      { field: 'nodes[1].api_id', message: 'No provider has id 99' },
      { field: 'nodes[2].api_id', message: 'No provider has id 77' },
    ])
    expect((await app.inject({ method: 'GET', url: '/api/model-routes' })).json()).toEqual([])
  })

  it('refuses a PATCH whose nodes name a missing provider and keeps the old nodes', async () => {
    const { app } = await buildTestApp()
    const [a] = await createProviders(app, providersWithSharedModel(1))
    await createRoute(app, { name: 'chat', mode: 'auto', nodes: [{ api_id: a }] })
    const res = await app.inject({
      method: 'PATCH',
      url: '/api/model-routes/1',
      payload: { name: 'renamed', nodes: [{ api_id: 42 }] },
    })
    expect(res.statusCode).toBe(422)
    expect(res.json().errors).toEqual([{ field: 'nodes[0].api_id', message: 'No provider has id 42' }])
    expect((await app.inject({ method: 'GET', url: '/api/model-routes/1' })).json()).toMatchObject({
      name: 'chat',
      nodes: [{ api_id: a }],
    })
  })

  const invalidBodies: [string, unknown, string][] = [
    ['an unknown mode', { name: 'r', mode: 'random' }, 'mode'],
    ['a missing mode', { name: 'r' }, 'mode'],
    ['a missing name', { mode: 'auto' }, 'name'],
    ['an empty name', { name: '', mode: 'auto' }, 'name'],
    ['a blank name', { name: '   ', mode: 'auto' }, 'name'],
    ['a name of the wrong type', { name: 7, mode: 'auto' }, 'name'],
    ['is_active as a string', { name: 'r', mode: 'auto', is_active: 'yes' }, 'is_active'],
    ['config that is not an object', { name: 'r', mode: 'auto', config: ['strategy'] }, 'config'],
    [
      'an unknown config.strategy',
      { name: 'r', mode: 'auto', config: { strategy: 'random' } },
      'config.strategy',
    ],
    ['an empty config.model', { name: 'r', mode: 'specific', config: { model: '' } }, 'config.model'],
    ['nodes that are not a list', { name: 'r', mode: 'auto', nodes: { api_id: 1 } }, 'nodes'],
    [
      'an unknown node strategy',
      { name: 'r', mode: 'auto', nodes: [{ api_id: 1, strategy: 'random' }] },
      'nodes[0].strategy',
    ],
    ['api_id as a string', { name: 'r', mode: 'auto', nodes: [{ api_id: '1' }] }, 'nodes[0].api_id'],
    [
      'a fractional priority',
      { name: 'r', mode: 'auto', nodes: [{ api_id: 1, priority: 1.5 }] },
      'nodes[0].priority',
    ],
    [
      'an empty model',
      { name: 'r', mode: 'auto', nodes: [{ api_id: 1, models: [''] }] },
      'nodes[0].models[0]',
    ],
    [
      'a blank model',
      { name: 'r', mode: 'auto', nodes: [{ api_id: 1, models: ['ok', ' '] }] },
      'nodes[0].models[1]',
    ],
    [
      'metadata that is not an object',
      { name: 'r', mode: 'auto', nodes: [{ api_id: 1, metadata: 'x' }] },
      'nodes[0].metadata',
    ],
    ['an unknown field', { name: 'r', mode: 'auto', owner: 'me' }, 'owner'],
    [
      'an unknown node field',
      { name: 'r', mode: 'auto', nodes: [{ api_id: 1, owner: 'me' }] },
      'nodes[0].owner',
    ],
    ['a negative weight', { name: 'r', mode: 'auto', nodes: [{ api_id: 1, weight: -1 }] }, 'nodes[0].weight'],
    [
      'an unknown group strategy',
      { name: 'r', mode: 'multi', config: { group_strategies: { '0': 'fastest' } } },
      'config.group_strategies.0',
    ],
    [
      'a group strategy keyed by something else than a priority',
      { name: 'r', mode: 'multi', config: { group_strategies: { first: 'latency' } } },
      'config.group_strategies.first',
    ],
  ]

  it.each(invalidBodies)(
    'refuses %s with a 422 naming the field, creating nothing',
    async (_, body, field) => {
      const { app } = await buildTestApp()
      await createProviders(app, providersWithSharedModel(1))
      const res = await createRoute(app, body)
      expect(res.statusCode).toBe(422)
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/)
      expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field)
      expect((await app.inject({ method: 'GET', url: '/api/model-routes' })).json()).toEqual([])
    },
  )

  it('refuses a PATCH with an unknown mode or field and changes nothing', async () => {
    const { app } = await buildTestApp()
    await createRoute(app, { name: 'r', mode: 'auto' })
    for (const payload of [{ mode: 'round-robin' }, { id: 5 }, { nodes: [{}] }, { is_active: null }]) {
      const res = await app.inject({ method: 'PATCH', url: '/api/model-routes/1', payload })
      expect(res.statusCode, JSON.stringify(payload)).toBe(422)
    }
    expect((await app.inject({ method: 'GET', url: '/api/model-routes/1' })).json()).toMatchObject({
      name: 'r',
      mode: 'auto',
      is_active: true,
    })
  })

  it('answers 400, not 500, to a body that is not JSON', async () => {
    const { app } = await buildTestApp()
    const res = await app.inject({
      method: 'POST',
      url: '/api/model-routes',
      headers: { 'content-type': 'application/json' },
      payload: '{"name": "r", "mode":',
    })
    expect(res.statusCode).toBe(400)
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/)
  })

  it('answers 422 to ids that are not positive integers', async () => {
    const { app } = await buildTestApp()
    for (const url of ['/api/model-routes/abc', '/api/model-routes/0', '/api/model-routes/1.5']) {
      expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(422)
    }
  })
})
