import type { FastifyInstance } from 'fastify'
import { describe, expect, it } from 'vitest'
import { ok, rateLimited, startGateway } from '../../../test/fake-openai.js'
import { fakeUpstream } from '../../../test/fake-upstream.js'
import { buildTestApp, createProviders, createRouteId } from '../../../test/helpers.js'

function selectOnce(app: FastifyInstance, routeId: number, body?: object) {
  return app.inject({
    method: 'POST',
    url: `/api/model-routes/${routeId}/select`,
    ...(body ? { payload: body } : {}),
  })
}

async function selectProvider(app: FastifyInstance, routeId: number, body?: object): Promise<number> {
  const res = await selectOnce(app, routeId, body)
  expect(res.statusCode, res.body).toBe(200)
  return res.json().provider_id
}

/** Holds a provider's health flag through the API, as an operator would (DESIGN.md §4). */
async function holdHealth(app: FastifyInstance, providerId: number, isHealthy: boolean): Promise<void> {
  const res = await app.inject({
    method: 'PATCH',
    url: `/api/providers/${providerId}/health`,
    payload: { is_healthy: isHealthy },
  })
  expect(res.statusCode, res.body).toBe(200)
  expect(res.json()).toMatchObject({
    is_healthy: isHealthy,
    health_override: isHealthy ? 'healthy' : 'unhealthy',
  })
}

function setActive(app: FastifyInstance, providerId: number, isActive: boolean) {
  return app.inject({
    method: 'PATCH',
    url: `/api/providers/${providerId}`,
    payload: { is_active: isActive },
  })
}

describe('POST /api/model-routes/{id}/select', () => {
  it('hands each of three healthy round-robin nodes exactly 100 of 300 selections, in turn', async () => {
    const { app } = await buildTestApp()
    const ids = await createProviders(app, [['m'], ['m'], ['m']])
    const route = await createRouteId(app, {
      name: 'rr',
      mode: 'auto',
      nodes: ids.map((api_id) => ({ api_id })),
    })
    const counts = new Map<number, number>()
    const order: number[] = []
    for (let i = 0; i < 300; i++) {
      const id = await selectProvider(app, route)
      counts.set(id, (counts.get(id) ?? 0) + 1)
      if (i < 6) order.push(id)
    }
    expect(Object.fromEntries(counts)).toEqual({ [ids[0]!]: 100, [ids[1]!]: 100, [ids[2]!]: 100 })
    expect(order).toEqual([...ids, ...ids])
  })

  it('answers provider_id, provider_name and the model, with or without a body', async () => {
    const { app } = await buildTestApp()
    const [a] = await createProviders(app, [['gpt-4o', 'gpt-4o-mini']])
    const route = await createRouteId(app, { name: 'r', mode: 'auto', nodes: [{ api_id: a }] })
    const noBody = await selectOnce(app, route)
    expect(noBody.statusCode).toBe(200)
    expect(noBody.json()).toEqual({ provider_id: a, provider_name: 'p1', model: 'gpt-4o' })
    const requested = await selectOnce(app, route, { model: 'gpt-4o-mini' })
    expect(requested.json()).toEqual({ provider_id: a, provider_name: 'p1', model: 'gpt-4o-mini' })
    const emptyJson = await app.inject({
      method: 'POST',
      url: `/api/model-routes/${route}/select`,
      headers: { 'content-type': 'application/json' },
      payload: '',
    })
    expect(emptyJson.statusCode).toBe(200)
    expect((await selectOnce(app, route, {})).statusCode).toBe(200)
  })

  it('refuses a select body with unknown fields or a model of the wrong type', async () => {
    const { app } = await buildTestApp()
    const [a] = await createProviders(app, [['m']])
    const route = await createRouteId(app, { name: 'r', mode: 'auto', nodes: [{ api_id: a }] })
    for (const body of [{ model: 5 }, { model: '' }, { modle: 'm' }]) {
      const res = await selectOnce(app, route, body)
      expect(res.statusCode, JSON.stringify(body)).toBe(422)
    }
    const broken = await app.inject({
      method: 'POST',
      url: `/api/model-routes/${route}/select`,
      headers: { 'content-type': 'application/json' },
      payload: '{"model":',
    })
    expect(broken.statusCode).toBe(400)
  })

  it('fails over: the first available node, the next while it is inactive, back when it returns', async () => {
    const { app } = await buildTestApp()
    const [a, b, c] = await createProviders(app, [['m'], ['m'], ['m']])
    const route = await createRouteId(app, {
      name: 'fo',
      mode: 'auto',
      nodes: [{ api_id: a, strategy: 'failover' }, { api_id: b }, { api_id: c }],
    })
    for (let i = 0; i < 3; i++) expect(await selectProvider(app, route)).toBe(a)
    expect((await setActive(app, a!, false)).statusCode).toBe(200)
    for (let i = 0; i < 3; i++) expect(await selectProvider(app, route)).toBe(b)
    await setActive(app, a!, true)
    expect(await selectProvider(app, route)).toBe(a)
  })

  it('fails over when a provider is held unhealthy, and takes it back when held healthy', async () => {
    const { app } = await buildTestApp()
    const [a, b] = await createProviders(app, [['m'], ['m']])
    const route = await createRouteId(app, {
      name: 'fo',
      mode: 'auto',
      config: { strategy: 'failover' },
      nodes: [{ api_id: a }, { api_id: b }],
    })
    expect(await selectProvider(app, route)).toBe(a)
    await holdHealth(app, a!, false)
    expect(await selectProvider(app, route)).toBe(b)
    await holdHealth(app, a!, true)
    expect(await selectProvider(app, route)).toBe(a)
  })

  it('keeps round-robin fair among the rest while a node is unhealthy', async () => {
    const { app } = await buildTestApp()
    const ids = await createProviders(app, [['m'], ['m'], ['m']])
    const route = await createRouteId(app, {
      name: 'rr',
      mode: 'auto',
      nodes: ids.map((api_id) => ({ api_id })),
    })
    await holdHealth(app, ids[1]!, false)
    const seen: number[] = []
    for (let i = 0; i < 100; i++) seen.push(await selectProvider(app, route))
    expect(seen.filter((id) => id === ids[0]).length).toBe(50)
    expect(seen.filter((id) => id === ids[2]).length).toBe(50)
  })

  it('in specific mode uses only nodes offering the model, and answers 404 when none does', async () => {
    const { app } = await buildTestApp()
    const [a, b, c] = await createProviders(app, [['x', 'shared'], ['y'], ['z', 'shared']])
    const route = await createRouteId(app, {
      name: 'sp',
      mode: 'specific',
      nodes: [{ api_id: a }, { api_id: b, models: ['only-b'] }, { api_id: c }],
    })
    const picks = new Set<number>()
    for (let i = 0; i < 4; i++) {
      const res = await selectOnce(app, route, { model: 'shared' })
      expect(res.json().model).toBe('shared')
      picks.add(res.json().provider_id)
    }
    expect([...picks].sort()).toEqual([a, c])
    expect(await selectProvider(app, route, { model: 'only-b' })).toBe(b)
    // a node's own models win over its provider's
    const notOffered = await selectOnce(app, route, { model: 'y' })
    expect(notOffered.statusCode).toBe(404)
    expect(notOffered.headers['content-type']).toMatch(/application\/problem\+json/)
    expect(notOffered.json()).toMatchObject({ status: 404, detail: "No node of route 'sp' offers model 'y'" })
    expect(notOffered.json().type).toMatch(/model_not_offered$/)
  })

  it('in specific mode falls back to config.model, and answers 422 on model when there is none', async () => {
    const { app } = await buildTestApp()
    const [a, b] = await createProviders(app, [['x'], ['y']])
    const withDefault = await createRouteId(app, {
      name: 'sp-default',
      mode: 'specific',
      config: { model: 'y' },
      nodes: [{ api_id: a }, { api_id: b }],
    })
    expect((await selectOnce(app, withDefault)).json()).toMatchObject({ provider_id: b, model: 'y' })
    const without = await createRouteId(app, { name: 'sp', mode: 'specific', nodes: [{ api_id: a }] })
    const res = await selectOnce(app, without)
    expect(res.statusCode).toBe(422)
    expect(res.json().errors.map((e: { field: string }) => e.field)).toEqual(['model'])
  })

  it('in multi mode uses the first priority group with an available node; lower groups take over', async () => {
    const { app } = await buildTestApp()
    const [a, b, c, d] = await createProviders(app, [['m'], ['m'], ['m'], ['m']])
    const route = await createRouteId(app, {
      name: 'multi',
      mode: 'multi',
      // node order differs from priority order on purpose
      nodes: [
        { api_id: c, priority: 2 },
        { api_id: a, priority: 1 },
        { api_id: d, priority: 2 },
        { api_id: b, priority: 1 },
      ],
    })
    const first: number[] = []
    for (let i = 0; i < 4; i++) first.push(await selectProvider(app, route))
    expect(first).toEqual([a, b, a, b])
    await holdHealth(app, a!, false)
    await setActive(app, b!, false)
    const second: number[] = []
    for (let i = 0; i < 4; i++) second.push(await selectProvider(app, route))
    expect(second).toEqual([c, d, c, d])
    await setActive(app, b!, true)
    expect(await selectProvider(app, route)).toBe(b)
  })

  it('answers 503 naming the route when no node is available, and 409 for an inactive route', async () => {
    const { app } = await buildTestApp()
    const [a] = await createProviders(app, [['m']])
    const route = await createRouteId(app, { name: 'lonely', mode: 'auto', nodes: [{ api_id: a }] })
    await holdHealth(app, a!, false)
    const down = await selectOnce(app, route)
    expect(down.statusCode).toBe(503)
    expect(down.headers['content-type']).toMatch(/application\/problem\+json/)
    expect(down.json()).toMatchObject({
      status: 503,
      title: 'Service Unavailable',
      detail: "No provider is available for route 'lonely'",
      route_id: route,
      route_name: 'lonely',
    })
    const empty = await createRouteId(app, { name: 'empty', mode: 'multi' })
    expect((await selectOnce(app, empty)).statusCode).toBe(503)

    await app.inject({ method: 'PATCH', url: `/api/model-routes/${route}`, payload: { is_active: false } })
    const inactive = await selectOnce(app, route)
    expect(inactive.statusCode).toBe(409)
    expect(inactive.json().detail).toBe("Route 'lonely' is inactive")
  })

  it('skips a provider cooling down after a 429 the gateway received, like the gateway does', async () => {
    const gw = await startGateway()
    const limited = await fakeUpstream(rateLimited('30'))
    const answering = await fakeUpstream(ok('from second'))
    const limitedId = await gw.addProvider(limited)
    const answeringId = await gw.addProvider(answering)
    const route = await gw.addRoute({
      name: 'cooled',
      mode: 'auto',
      nodes: [{ api_id: limitedId }, { api_id: answeringId }],
    })
    const res = await gw.client.chat.completions
      .create({ model: 'cooled', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse()
    expect(res.response.headers.get('x-switchboard-provider')).toBe(String(answeringId))
    expect(limited.requests).toHaveLength(1)
    const picked: number[] = []
    for (let i = 0; i < 4; i++) {
      const selected = await gw.admin('POST', `/api/model-routes/${route}/select`)
      expect(selected.status).toBe(200)
      picked.push((selected.body as { provider_id: number }).provider_id)
    }
    expect(picked).toEqual([answeringId, answeringId, answeringId, answeringId])
  })

  it('sees a route at once after its creation and a change at once after its PATCH', async () => {
    const { app } = await buildTestApp()
    const [a, b] = await createProviders(app, [['m'], ['m']])
    const route = await createRouteId(app, { name: 'r', mode: 'auto', nodes: [{ api_id: a }] })
    expect(await selectProvider(app, route)).toBe(a)
    await app.inject({
      method: 'PATCH',
      url: `/api/model-routes/${route}`,
      payload: { nodes: [{ api_id: b }] },
    })
    expect(await selectProvider(app, route)).toBe(b)
  })

  it('finds a route written by another replica that this snapshot has not loaded yet', async () => {
    const { app } = await buildTestApp()
    const [a] = await createProviders(app, [['m']])
    // as another replica would: straight into the database, no change announced here
    const stamp = new Date().toISOString()
    const inserted = await app.core.repos.routes.insert(
      { name: 'elsewhere', mode: 'auto', is_active: 1, config: '{}', created_at: stamp, updated_at: stamp },
      [{ api_id: a!, models: '[]', strategy: 'round-robin', priority: 0, metadata: '{}' }],
    )
    expect(await selectProvider(app, inserted.id)).toBe(a)
  })
})

describe('GET /api/model-routes/{id}/state', () => {
  it('shows the next round-robin index under the route id in auto mode', async () => {
    const { app } = await buildTestApp()
    const ids = await createProviders(app, [['m'], ['m'], ['m']])
    const route = await createRouteId(app, {
      name: 'rr',
      mode: 'auto',
      nodes: ids.map((api_id) => ({ api_id })),
    })
    const before = await app.inject({ method: 'GET', url: `/api/model-routes/${route}/state` })
    expect(before.statusCode).toBe(200)
    expect(before.json()).toMatchObject({
      route_id: route,
      route_name: 'rr',
      state: { round_robin_indices: {} },
    })
    await selectProvider(app, route)
    await selectProvider(app, route)
    const after = await app.inject({ method: 'GET', url: `/api/model-routes/${route}/state` })
    expect(after.json().state).toMatchObject({ round_robin_indices: { [String(route)]: 2 } })
    await selectProvider(app, route)
    const wrapped = await app.inject({ method: 'GET', url: `/api/model-routes/${route}/state` })
    expect(wrapped.json().state.round_robin_indices).toEqual({ [String(route)]: 0 })
  })

  it('keys positions by model in specific mode and by priority in multi mode', async () => {
    const { app } = await buildTestApp()
    const [a, b] = await createProviders(app, [
      ['x', 'y'],
      ['x', 'y'],
    ])
    const specific = await createRouteId(app, {
      name: 'sp',
      mode: 'specific',
      nodes: [{ api_id: a }, { api_id: b }],
    })
    await selectProvider(app, specific, { model: 'x' })
    await selectProvider(app, specific, { model: 'y' })
    await selectProvider(app, specific, { model: 'y' })
    const spState = await app.inject({ method: 'GET', url: `/api/model-routes/${specific}/state` })
    expect(spState.json().state.round_robin_indices).toEqual({ x: 1, y: 0 })

    const multi = await createRouteId(app, {
      name: 'mu',
      mode: 'multi',
      nodes: [
        { api_id: a, priority: 3 },
        { api_id: b, priority: 3 },
      ],
    })
    await selectProvider(app, multi)
    const muState = await app.inject({ method: 'GET', url: `/api/model-routes/${multi}/state` })
    expect(muState.json().state.round_robin_indices).toEqual({ '3': 1 })
  })

  it('starts afresh when the nodes are replaced, and a recreated route does not inherit positions', async () => {
    const { app } = await buildTestApp()
    const ids = await createProviders(app, [['m'], ['m']])
    const route = await createRouteId(app, {
      name: 'rr',
      mode: 'auto',
      nodes: ids.map((api_id) => ({ api_id })),
    })
    await selectProvider(app, route)
    await app.inject({
      method: 'PATCH',
      url: `/api/model-routes/${route}`,
      payload: { nodes: [...ids].reverse().map((api_id) => ({ api_id })) },
    })
    const state = await app.inject({ method: 'GET', url: `/api/model-routes/${route}/state` })
    expect(state.json().state.round_robin_indices).toEqual({})
    expect(await selectProvider(app, route)).toBe(ids[1])

    await app.inject({ method: 'DELETE', url: `/api/model-routes/${route}` })
    expect(app.core.roundRobin.stateOf(route)).toEqual({ round_robin_indices: {} })
  })
})
