import { readFileSync, writeFileSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'
import { describe, expect, it } from 'vitest'
import {
  buildTestApp,
  createProviders,
  createRouteId,
  providersWithSharedModel,
} from '../../../test/helpers.js'

async function selectProvider(app: FastifyInstance, routeId: number): Promise<number> {
  const res = await app.inject({ method: 'POST', url: `/api/model-routes/${routeId}/select` })
  expect(res.statusCode, res.body).toBe(200)
  return res.json().provider_id
}

describe('deleting a provider that routes use', () => {
  it('answers 409 naming every route that uses it, and changes nothing', async () => {
    const { app } = await buildTestApp()
    const [a, b] = await createProviders(app, providersWithSharedModel(2))
    await createRouteId(app, { name: 'first', mode: 'auto', nodes: [{ api_id: a }, { api_id: b }] })
    await createRouteId(app, { name: 'unrelated', mode: 'auto', nodes: [{ api_id: b }] })
    await createRouteId(app, {
      name: 'second',
      mode: 'multi',
      nodes: [{ api_id: a }, { api_id: a, models: ['m1'] }],
    })
    const res = await app.inject({ method: 'DELETE', url: `/api/providers/${a}` })
    expect(res.statusCode).toBe(409)
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/)
    expect(res.json().routes).toEqual([
      { id: 1, name: 'first' },
      { id: 3, name: 'second' },
    ])
    expect(res.json().detail).toContain('"first"')
    expect(res.json().detail).toContain('"second"')
    expect((await app.inject({ method: 'GET', url: `/api/providers/${a}` })).statusCode).toBe(200)
    expect((await app.inject({ method: 'GET', url: '/api/model-routes/1' })).json().nodes).toHaveLength(2)
  })

  it('with ?force=true removes the provider and its nodes; selection carries on over the rest', async () => {
    const { app, settings } = await buildTestApp()
    const [a, b, c] = await createProviders(app, providersWithSharedModel(3))
    const rr = await createRouteId(app, {
      name: 'rr',
      mode: 'auto',
      nodes: [{ api_id: a }, { api_id: b }, { api_id: c }],
    })
    const onlyA = await createRouteId(app, { name: 'only-a', mode: 'auto', nodes: [{ api_id: a }] })
    // leave the round-robin position past the node about to disappear
    expect([await selectProvider(app, rr), await selectProvider(app, rr)]).toEqual([a, b])

    const res = await app.inject({ method: 'DELETE', url: `/api/providers/${b}?force=true` })
    expect(res.statusCode).toBe(204)
    expect((await app.inject({ method: 'GET', url: `/api/model-routes/${rr}` })).json().nodes).toMatchObject([
      { api_id: a },
      { api_id: c },
    ])
    const counts = new Map<number, number>()
    for (let i = 0; i < 100; i++) {
      const id = await selectProvider(app, rr)
      counts.set(id, (counts.get(id) ?? 0) + 1)
    }
    expect(Object.fromEntries(counts)).toEqual({ [a!]: 50, [c!]: 50 })

    await app.inject({ method: 'DELETE', url: `/api/providers/${a}?force=true` })
    const emptied = await app.inject({ method: 'POST', url: `/api/model-routes/${onlyA}/select` })
    expect(emptied.statusCode).toBe(503)
    expect(emptied.json().route_name).toBe('only-a')
    // the backup follows: the deleted providers' nodes are gone from it too
    const backup = JSON.parse(readFileSync(settings.backupFile, 'utf8'))
    const backupNodes = backup.routes.flatMap((r: { nodes: { api_id: number }[] }) => r.nodes)
    expect(backupNodes.map((n: { api_id: number }) => n.api_id)).toEqual([c])
  })
})

describe('routes in the backup', () => {
  it('writes every route with its nodes into the backup file after each change', async () => {
    const { app, settings } = await buildTestApp()
    const [a, b] = await createProviders(app, providersWithSharedModel(2))
    await createRouteId(app, {
      name: 'chat',
      mode: 'specific',
      is_active: false,
      config: { model: 'shared' },
      nodes: [
        { api_id: b, models: ['m2'], strategy: 'failover', priority: 4, metadata: { team: 'x' } },
        { api_id: a },
      ],
    })
    const doc = JSON.parse(readFileSync(settings.backupFile, 'utf8'))
    expect(doc.routes).toEqual([
      {
        id: 1,
        name: 'chat',
        mode: 'specific',
        is_active: false,
        config: { model: 'shared' },
        created_at: expect.any(String),
        nodes: [
          {
            api_id: b,
            models: ['m2'],
            strategy: 'failover',
            priority: 4,
            weight: 1,
            metadata: { team: 'x' },
          },
          { api_id: a, models: [], strategy: 'round-robin', priority: 0, weight: 1, metadata: {} },
        ],
      },
    ])
    await app.inject({ method: 'DELETE', url: '/api/model-routes/1' })
    expect(JSON.parse(readFileSync(settings.backupFile, 'utf8')).routes).toEqual([])
  })

  it('restores routes and nodes from a posted document; dry_run only tells what would change', async () => {
    const source = await buildTestApp()
    const [a, b, c] = await createProviders(source.app, providersWithSharedModel(3))
    await createRouteId(source.app, {
      name: 'rr',
      mode: 'auto',
      nodes: [{ api_id: a }, { api_id: b }, { api_id: c }],
    })
    await createRouteId(source.app, {
      name: 'tiers',
      mode: 'multi',
      nodes: [
        { api_id: c, priority: 1 },
        { api_id: a, priority: 0, models: ['m1'] },
      ],
    })
    const doc = JSON.parse(readFileSync(source.settings.backupFile, 'utf8'))

    // another installation with a different route under the same id
    const { app } = await buildTestApp()
    const [x] = await createProviders(app, providersWithSharedModel(1))
    await createRouteId(app, { name: 'old', mode: 'auto', nodes: [{ api_id: x }] })
    expect(await selectProvider(app, 1)).toBe(x)

    const dry = await app.inject({
      method: 'POST',
      url: '/api/admin/providers/restore?dry_run=true',
      payload: doc,
    })
    expect(dry.statusCode).toBe(200)
    expect(dry.json()).toMatchObject({
      dry_run: true,
      routes: { added: ['rr', 'tiers'], removed: ['old'], changed: [] },
    })
    expect(
      (await app.inject({ method: 'GET', url: '/api/model-routes' }))
        .json()
        .map((r: { name: string }) => r.name),
    ).toEqual(['old'])

    const real = await app.inject({ method: 'POST', url: '/api/admin/providers/restore', payload: doc })
    expect(real.statusCode).toBe(200)
    expect(real.json()).toMatchObject({
      dry_run: false,
      routes: { added: ['rr', 'tiers'], removed: ['old'] },
    })
    const routes = (await app.inject({ method: 'GET', url: '/api/model-routes' })).json()
    expect(routes).toMatchObject([
      { id: 1, name: 'rr', mode: 'auto', nodes: [{ api_id: a }, { api_id: b }, { api_id: c }] },
      {
        id: 2,
        name: 'tiers',
        mode: 'multi',
        nodes: [
          { api_id: c, priority: 1 },
          { api_id: a, priority: 0, models: ['m1'] },
        ],
      },
    ])

    // selection runs on the restored configuration at once, from a fresh position
    expect(app.core.roundRobin.stateOf(1)).toEqual({ round_robin_indices: {} })
    const picks: number[] = []
    for (let i = 0; i < 4; i++) picks.push(await selectProvider(app, 1))
    expect(picks).toEqual([a, b, c, a])
    const tier = await app.inject({ method: 'POST', url: '/api/model-routes/2/select' })
    expect(tier.json()).toMatchObject({ provider_id: a, model: 'm1' })
    // and new routes get fresh ids after the restored ones
    expect(await createRouteId(app, { name: 'after', mode: 'auto' })).toBe(3)
  })

  it('restores routes from BACKEND_BACKUP_FILE when the request has no body', async () => {
    const { app, settings } = await buildTestApp()
    const [a] = await createProviders(app, providersWithSharedModel(1))
    await createRouteId(app, { name: 'kept', mode: 'auto', nodes: [{ api_id: a }] })
    const saved = readFileSync(settings.backupFile, 'utf8')
    await app.inject({ method: 'DELETE', url: '/api/model-routes/1' })
    await createRouteId(app, { name: 'newer', mode: 'auto' })
    writeFileSync(settings.backupFile, saved)

    const res = await app.inject({ method: 'POST', url: '/api/admin/providers/restore' })
    expect(res.statusCode).toBe(200)
    expect(res.json().routes).toEqual({ added: ['kept'], removed: ['newer'], changed: [] })
    expect(await selectProvider(app, 1)).toBe(a)
    expect((await app.inject({ method: 'POST', url: '/api/model-routes/2/select' })).statusCode).toBe(404)
  })

  it('refuses a document whose route node names a provider it does not hold, changing nothing', async () => {
    const { app, settings } = await buildTestApp()
    const [a] = await createProviders(app, providersWithSharedModel(1))
    await createRouteId(app, { name: 'r', mode: 'auto', nodes: [{ api_id: a }] })
    const doc = JSON.parse(readFileSync(settings.backupFile, 'utf8'))
    doc.routes[0].nodes.push({ api_id: 99, models: [], strategy: 'failover', priority: 0, metadata: {} })
    doc.routes.push({ id: 2, name: 'new', mode: 'auto', is_active: true, config: {}, nodes: [] })
    const res = await app.inject({ method: 'POST', url: '/api/admin/providers/restore', payload: doc })
    expect(res.statusCode).toBe(422)
    expect(res.json().errors).toContainEqual({
      field: 'routes[0].nodes[1].api_id',
      message: 'No provider has id 99',
    })
    expect((await app.inject({ method: 'GET', url: '/api/model-routes' })).json()).toHaveLength(1)
    expect(await selectProvider(app, 1)).toBe(a)
  })
})
