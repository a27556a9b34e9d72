/**
 * Deleting a provider while a route that uses it is being created (issue 11, item 7): each request
 * answers as if the two had run one after the other — never a 500, never a node left pointing at
 * a provider that is gone.
 */
import type { FastifyInstance } from 'fastify'
import pino from 'pino'
import { describe, expect, it, onTestFinished } from 'vitest'
import { buildTestApp, sampleProvider } from '../../../test/helpers.js'
import { buildApp } from '../../app.js'

const RACES = 40

async function race(creator: FastifyInstance, deleter: FastifyInstance, i: number) {
  const provider = await creator.inject({
    method: 'POST',
    url: '/api/providers',
    payload: { ...sampleProvider, name: `race-${i}` },
  })
  expect(provider.statusCode).toBe(201)
  const id = provider.json().id as number
  const [created, deleted] = await Promise.all([
    creator.inject({
      method: 'POST',
      url: '/api/model-routes',
      payload: { name: `route-${i}`, mode: 'auto', nodes: [{ api_id: id }] },
    }),
    deleter.inject({ method: 'DELETE', url: `/api/providers/${id}` }),
  ])
  const outcome = `create ${created.statusCode} ${created.body} / delete ${deleted.statusCode} ${deleted.body}`
  if (deleted.statusCode === 204) {
    // the delete came first: the route names a provider that no longer exists
    expect(created.statusCode, outcome).toBe(422)
    expect(created.json().errors, outcome).toEqual([
      { field: 'nodes[0].api_id', message: `No provider has id ${id}` },
    ])
  } else {
    // the route came first: the delete is refused naming it
    expect(deleted.statusCode, outcome).toBe(409)
    expect(created.statusCode, outcome).toBe(201)
    expect(deleted.json().routes, outcome).toEqual([{ id: created.json().id, name: `route-${i}` }])
  }
}

/** Every node names a provider that exists. */
async function expectConsistent(app: FastifyInstance) {
  const providers = (await app.inject({ method: 'GET', url: '/api/providers' })).json() as { id: number }[]
  const routes = (await app.inject({ method: 'GET', url: '/api/model-routes' })).json() as {
    nodes: { api_id: number }[]
  }[]
  const ids = new Set(providers.map((p) => p.id))
  for (const node of routes.flatMap((r) => r.nodes)) expect(ids.has(node.api_id)).toBe(true)
}

describe('deleting a provider while a route that uses it is created', () => {
  it('answers 204 + 422 or 409 + 201, never 500, on one replica', async () => {
    const { app } = await buildTestApp()
    for (let i = 0; i < RACES; i++) await race(app, app, i)
    await expectConsistent(app)
  })

  it('answers the same when the two requests reach two replicas of one database', async () => {
    const { app, settings } = await buildTestApp()
    const other = await buildApp(settings, { logger: pino({ level: 'silent' }) })
    onTestFinished(() => other.close())
    await other.ready()
    for (let i = 0; i < RACES; i++) await race(app, other, i)
    await expectConsistent(app)
  })

  it('with ?force=true removes the provider and any node created meanwhile, never 500', async () => {
    const { app } = await buildTestApp()
    for (let i = 0; i < RACES; i++) {
      const provider = await app.inject({
        method: 'POST',
        url: '/api/providers',
        payload: { ...sampleProvider, name: `force-${i}` },
      })
      const id = provider.json().id as number
      const [created, deleted] = await Promise.all([
        app.inject({
          method: 'POST',
          url: '/api/model-routes',
          payload: { name: `route-${i}`, mode: 'auto', nodes: [{ api_id: id }] },
        }),
        app.inject({ method: 'DELETE', url: `/api/providers/${id}?force=true` }),
      ])
      expect(deleted.statusCode, deleted.body).toBe(204)
      expect([201, 422], created.body).toContain(created.statusCode)
    }
    await expectConsistent(app)
  })
})
