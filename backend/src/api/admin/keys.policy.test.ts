/** PATCH /api/keys/{id}: policy fields, their validation (422 naming the field, nothing changed), the backup. */
import type { FastifyInstance } from 'fastify'
import { describe, expect, it } from 'vitest'
import { buildTestApp } from '../../../test/helpers.js'

async function createKey(app: FastifyInstance, name = 'ci') {
  const res = await app.inject({ method: 'POST', url: '/api/keys', payload: { name } })
  expect(res.statusCode).toBe(201)
  return res.json() as { id: number; key: string }
}

const patch = (app: FastifyInstance, id: number, payload: unknown) =>
  app.inject({ method: 'PATCH', url: `/api/keys/${id}`, payload: payload as object })

const POLICY = {
  allowed_models: ['gpt-4o', 'claude-*'],
  requests_per_minute: 60,
  tokens_per_minute: 100_000,
  max_concurrent: 4,
  budget: 25.5,
  budget_period: 'day',
  expires_at: '2030-01-31T00:00:00.000Z',
  disabled: false,
}

describe('client-key policy', () => {
  it('a new key has no limits; PATCH sets them and the list shows them with the consumption now', async () => {
    const { app } = await buildTestApp()
    const { id } = await createKey(app)
    const before = (await app.inject({ method: 'GET', url: '/api/keys' })).json()[0]
    expect(before).toMatchObject({
      allowed_models: null,
      requests_per_minute: null,
      budget: null,
      budget_period: 'month',
      disabled: false,
      usage: { requests_this_minute: 0, tokens_this_minute: 0, in_flight: 0, spend_this_period: 0 },
    })
    const res = await patch(app, id, { ...POLICY, name: 'renamed' })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({ id, name: 'renamed', ...POLICY })
    expect(res.json()).not.toHaveProperty('key_hash')
    const listed = (await app.inject({ method: 'GET', url: '/api/keys' })).json()[0]
    expect(listed).toMatchObject({ name: 'renamed', ...POLICY })
    // a later PATCH changes only what it names; null lifts a limit
    const lifted = await patch(app, id, { requests_per_minute: null })
    expect(lifted.json()).toMatchObject({ ...POLICY, requests_per_minute: null, name: 'renamed' })
  })

  it.each([
    [{ requests_per_minute: 0 }, 'requests_per_minute'],
    [{ tokens_per_minute: 1.5 }, 'tokens_per_minute'],
    [{ max_concurrent: '3' }, 'max_concurrent'],
    [{ budget: -1 }, 'budget'],
    [{ budget_period: 'week' }, 'budget_period'],
    [{ expires_at: 'tomorrow' }, 'expires_at'],
    [{ allowed_models: [''] }, 'allowed_models[0]'],
    [{ disabled: 'yes' }, 'disabled'],
    [{ name: '   ' }, 'name'],
    [{ rpm: 5 }, 'rpm'],
  ])('refuses %j with a 422 naming %s, and changes nothing', async (body, field) => {
    const { app } = await buildTestApp()
    const { id } = await createKey(app)
    await patch(app, id, { requests_per_minute: 7 })
    const before = (await app.inject({ method: 'GET', url: '/api/keys' })).json()
    const res = await patch(app, id, { requests_per_minute: 9, ...body })
    expect(res.statusCode).toBe(422)
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/)
    expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field)
    expect((await app.inject({ method: 'GET', url: '/api/keys' })).json()).toEqual(before)
  })

  it('answers 404 for an unknown key', async () => {
    const { app } = await buildTestApp()
    const res = await patch(app, 999, { disabled: true })
    expect(res.statusCode).toBe(404)
  })

  it('a backup carries the policies and a restore brings them back, without the consumption', async () => {
    const { app } = await buildTestApp()
    const { id } = await createKey(app)
    await patch(app, id, POLICY)
    const doc = (await app.inject({ method: 'GET', url: '/api/admin/providers/export' })).json()
    expect(doc.client_keys[0].policy).toEqual(POLICY)
    expect(JSON.stringify(doc)).not.toContain('usage')
    const target = await buildTestApp()
    const restored = await target.app.inject({
      method: 'POST',
      url: '/api/admin/providers/restore',
      payload: doc,
    })
    expect(restored.statusCode, restored.body).toBe(200)
    const keys = (await target.app.inject({ method: 'GET', url: '/api/keys' })).json()
    expect(keys[0]).toMatchObject({ id, ...POLICY, usage: { requests_this_minute: 0, spend_this_period: 0 } })
  })

  it('restores a backup written before policies as keys without limits, and refuses a bad policy naming it', async () => {
    const { app } = await buildTestApp()
    await createKey(app)
    const doc = (await app.inject({ method: 'GET', url: '/api/admin/providers/export' })).json()
    const { policy: _dropped, ...oldKey } = doc.client_keys[0]
    const old = await app.inject({
      method: 'POST',
      url: '/api/admin/providers/restore',
      payload: { ...doc, client_keys: [oldKey] },
    })
    expect(old.statusCode, old.body).toBe(200)
    expect((await app.inject({ method: 'GET', url: '/api/keys' })).json()[0]).toMatchObject({
      disabled: false,
    })
    const bad = await app.inject({
      method: 'POST',
      url: '/api/admin/providers/restore',
      payload: { ...doc, client_keys: [{ ...oldKey, policy: { ...POLICY, expires_at: 'soon' } }] },
    })
    expect(bad.statusCode).toBe(422)
    expect(bad.json().errors[0].field).toBe('client_keys[0].policy.expires_at')
  })
})
