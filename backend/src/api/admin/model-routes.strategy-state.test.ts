/** Issue 17 item 3: the strategy state of a route, and `select?dry_run=true` explaining a choice without moving it. */
import type { FastifyInstance } from 'fastify'
import { describe, expect, it } from 'vitest'
import { buildTestApp, createProviders, createRouteId } from '../../../test/helpers.js'

function select(app: FastifyInstance, routeId: number, query = '', body: object = {}) {
  return app.inject({ method: 'POST', url: `/api/model-routes/${routeId}/select${query}`, payload: body })
}

async function state(app: FastifyInstance, routeId: number) {
  const res = await app.inject({ method: 'GET', url: `/api/model-routes/${routeId}/state` })
  expect(res.statusCode, res.body).toBe(200)
  return res.json().state
}

async function holdUnhealthy(app: FastifyInstance, providerId: number) {
  const res = await app.inject({
    method: 'PATCH',
    url: `/api/providers/${providerId}/health`,
    payload: { is_healthy: false },
  })
  expect(res.statusCode, res.body).toBe(200)
}

describe('GET /api/model-routes/{id}/state', () => {
  it('shows the weighted credits, the strategy and the providers of each group', async () => {
    const { app } = await buildTestApp()
    const ids = await createProviders(app, [['m'], ['m']])
    const route = await createRouteId(app, {
      name: 'w',
      mode: 'auto',
      config: { strategy: 'weighted' },
      nodes: [
        { api_id: ids[0], weight: 2 },
        { api_id: ids[1], weight: 1 },
      ],
    })
    expect((await select(app, route)).json().provider_id).toBe(ids[0])
    const s = await state(app, route)
    // after one pick of 2:1 — credits 2-3 = -1 and 1
    expect(s.groups).toEqual([
      {
        key: String(route),
        strategy: 'weighted',
        position: 0,
        nodes: [
          { node_id: expect.any(Number), provider_id: ids[0], weight: 2, credit: -1, affinity_bindings: 0 },
          { node_id: expect.any(Number), provider_id: ids[1], weight: 1, credit: 1, affinity_bindings: 0 },
        ],
      },
    ])
    expect(s.providers).toEqual([
      {
        provider_id: ids[0],
        provider_name: expect.any(String),
        in_flight: 0,
        ewma_ms: null,
        samples: 0,
        latency_cost: 0,
        affinity_bindings: 0,
      },
      {
        provider_id: ids[1],
        provider_name: expect.any(String),
        in_flight: 0,
        ewma_ms: null,
        samples: 0,
        latency_cost: 0,
        affinity_bindings: 0,
      },
    ])
    expect(s.affinity).toEqual({
      enabled: false,
      sources: [],
      hash_messages: false,
      ttl_seconds: 300,
      bindings: 0,
    })
  })

  it('shows the affinity settings of a route that turns it on', async () => {
    const { app } = await buildTestApp()
    const ids = await createProviders(app, [['m']])
    const route = await createRouteId(app, {
      name: 'sticky',
      mode: 'auto',
      config: { affinity: { enabled: true, sources: ['user', 'x-session-id'], hash_messages: true } },
      nodes: [{ api_id: ids[0] }],
    })
    expect((await state(app, route)).affinity).toEqual({
      enabled: true,
      sources: ['user', 'x-session-id'],
      hash_messages: true,
      ttl_seconds: 300,
      bindings: 0,
    })
  })

  it('shows one strategy per priority group in multi mode', async () => {
    const { app } = await buildTestApp()
    const ids = await createProviders(app, [['m'], ['m'], ['m']])
    const route = await createRouteId(app, {
      name: 'mu',
      mode: 'multi',
      config: { strategy: 'round-robin', group_strategies: { '10': 'latency' } },
      nodes: [
        { api_id: ids[0], priority: 0 },
        { api_id: ids[1], priority: 0 },
        { api_id: ids[2], priority: 10 },
      ],
    })
    const groups = (await state(app, route)).groups.map((g: { key: string; strategy: string }) => [
      g.key,
      g.strategy,
    ])
    expect(groups).toEqual([
      ['0', 'round-robin'],
      ['10', 'latency'],
    ])
  })
})

describe('POST /api/model-routes/{id}/select?dry_run=true', () => {
  it('explains the choice and the skipped nodes without moving the round-robin position', async () => {
    const { app } = await buildTestApp()
    const ids = await createProviders(app, [['m'], ['m'], ['m']])
    const route = await createRouteId(app, {
      name: 'rr',
      mode: 'auto',
      config: { strategy: 'round-robin' },
      nodes: ids.map((api_id) => ({ api_id })),
    })
    await holdUnhealthy(app, ids[1]!)
    const before = await state(app, route)
    const first = await select(app, route, '?dry_run=true')
    const second = await select(app, route, '?dry_run=true')
    expect(first.statusCode, first.body).toBe(200)
    expect(first.json()).toEqual(second.json())
    expect(first.json()).toMatchObject({
      provider_id: ids[0],
      dry_run: true,
      attempts: [{ provider_id: ids[0] }, { provider_id: ids[2] }],
      groups: [{ key: String(route), strategy: 'round-robin' }],
      skipped: [{ provider_id: ids[1], group: String(route), reason: 'provider_unhealthy' }],
    })
    expect(await state(app, route)).toEqual(before)
    // the live select still starts at the first node: the dry runs moved nothing
    expect((await select(app, route)).json().provider_id).toBe(ids[0])
    expect((await select(app, route)).json().provider_id).toBe(ids[2])
  })

  it('names drained nodes and, when nothing is left, answers 503 with the skipped nodes', async () => {
    const { app } = await buildTestApp()
    const ids = await createProviders(app, [['m'], ['m']])
    const route = await createRouteId(app, {
      name: 'drain',
      mode: 'auto',
      config: { strategy: 'weighted' },
      nodes: [
        { api_id: ids[0], weight: 0 },
        { api_id: ids[1], weight: 1 },
      ],
    })
    await holdUnhealthy(app, ids[1]!)
    const res = await select(app, route, '?dry_run=true')
    expect(res.statusCode).toBe(503)
    expect(res.json().skipped.map((s: { reason: string }) => s.reason)).toEqual([
      'drained',
      'provider_unhealthy',
    ])
  })

  it('explains an affinity choice: the session source, no binding yet, the rendezvous hash', async () => {
    const { app } = await buildTestApp()
    const ids = await createProviders(app, [['m'], ['m'], ['m']])
    const route = await createRouteId(app, {
      name: 'sticky',
      mode: 'auto',
      config: { strategy: 'round-robin', affinity: { enabled: true } },
      nodes: ids.map((api_id) => ({ api_id })),
    })
    const session = { session: { body: { user: 'u-1' } } }
    const first = await select(app, route, '?dry_run=true', session)
    expect(first.statusCode, first.body).toBe(200)
    expect(first.json().affinity).toEqual({
      session_source: 'user',
      group: String(route),
      bound_provider_id: null,
      choice: 'hash',
    })
    // the hash is the session's: the same node every time, whatever round-robin's position
    await select(app, route)
    expect((await select(app, route, '?dry_run=true', session)).json().provider_id).toBe(
      first.json().provider_id,
    )
    const none = await select(app, route, '?dry_run=true')
    expect(none.json().affinity).toEqual({
      session_source: null,
      group: null,
      bound_provider_id: null,
      choice: null,
    })
  })

  it('refuses affinity settings it cannot use with a 422 naming the field', async () => {
    const { app } = await buildTestApp()
    const ids = await createProviders(app, [['m']])
    const res = await app.inject({
      method: 'POST',
      url: '/api/model-routes',
      payload: {
        name: 'bad',
        mode: 'auto',
        config: { affinity: { enabled: 'yes', sources: ['cookie'] } },
        nodes: [{ api_id: ids[0] }],
      },
    })
    expect(res.statusCode).toBe(422)
    expect(res.body).toContain('config.affinity.enabled')
    expect(res.body).toContain('config.affinity.sources')
  })

  it("answers the node's own model on an auto route asked for none, as a live select does", async () => {
    const { app } = await buildTestApp()
    const ids = await createProviders(app, [['m1']])
    const route = await createRouteId(app, { name: 'a', mode: 'auto', nodes: [{ api_id: ids[0] }] })
    const res = await select(app, route, '?dry_run=true')
    expect(res.json()).toMatchObject({ provider_id: ids[0], model: 'm1' })
  })
})
