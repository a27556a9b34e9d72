import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { waitFor } from '../../../test/fake-upstream.js'
import { buildTestApp } from '../../../test/helpers.js'

const ADMIN = 'admin-token-keys-123'
const admin = { authorization: `Bearer ${ADMIN}` }

async function createKey(app: Awaited<ReturnType<typeof buildTestApp>>['app'], name = 'ci') {
  const res = await app.inject({ method: 'POST', url: '/api/keys', headers: admin, payload: { name } })
  expect(res.statusCode).toBe(201)
  return res.json() as { id: number; name: string; key: string; prefix: string; created_at: string }
}

describe('/api/keys', () => {
  it('creates a key shown once: sb- and at least 32 random characters, with a prefix to recognise it', async () => {
    const { app } = await buildTestApp({ BACKEND_ADMIN_TOKEN: ADMIN })
    const created = await createKey(app, 'ci runner')
    expect(created).toMatchObject({ id: 1, name: 'ci runner' })
    expect(created.key).toMatch(/^sb-[A-Za-z0-9_-]{32,}$/)
    expect(created.key.startsWith(created.prefix)).toBe(true)
    expect(created.prefix.length).toBeGreaterThanOrEqual(8)
    expect(created.created_at).toMatch(/^\d{4}-\d\d-\d\dT/)
    const other = await createKey(app, 'second')
    expect(other.key).not.toBe(created.key)
  })

  it('lists keys without the key or its hash, ordered by id', async () => {
    const { app } = await buildTestApp({ BACKEND_ADMIN_TOKEN: ADMIN })
    const first = await createKey(app, 'a')
    await createKey(app, 'b')
    const res = await app.inject({ method: 'GET', url: '/api/keys', headers: admin })
    expect(res.statusCode).toBe(200)
    const list = res.json()
    expect(list.map((k: { name: string }) => k.name)).toEqual(['a', 'b'])
    expect(list[0]).toMatchObject({
      id: first.id,
      name: 'a',
      prefix: first.prefix,
      created_at: first.created_at,
      last_used_at: null,
    })
    expect(Object.keys(list[0]).sort()).toEqual(
      [
        'id',
        'name',
        'prefix',
        'created_at',
        'last_used_at',
        // the policy (keys.policy.test.ts) and the consumption now
        'allowed_models',
        'requests_per_minute',
        'tokens_per_minute',
        'max_concurrent',
        'budget',
        'budget_period',
        'expires_at',
        'disabled',
        'usage',
      ].sort(),
    )
    expect(res.body).not.toContain(first.key)
    expect(res.body).not.toContain(createHash('sha256').update(first.key).digest('hex'))
  })

  it('stores only the SHA-256 of the key, and the backup holds the hash', async () => {
    const { app, settings } = await buildTestApp({ BACKEND_ADMIN_TOKEN: ADMIN })
    const created = await createKey(app)
    const rows = await app.core.db.kysely.selectFrom('client_keys').selectAll().execute()
    expect(rows[0]?.key_hash).toBe(createHash('sha256').update(created.key).digest('hex'))
    expect(JSON.stringify(rows)).not.toContain(created.key)
    const backup = readFileSync(settings.backupFile, 'utf8')
    expect(backup).toContain(rows[0]?.key_hash)
    expect(backup).not.toContain(created.key)
  })

  it('refuses a missing, blank or unknown-field body with 422 and changes nothing', async () => {
    const { app } = await buildTestApp({ BACKEND_ADMIN_TOKEN: ADMIN })
    for (const payload of [{}, { name: '' }, { name: '   ' }, { name: 'x', extra: 1 }, { name: 7 }]) {
      const res = await app.inject({ method: 'POST', url: '/api/keys', headers: admin, payload })
      expect(res.statusCode).toBe(422)
      expect(res.headers['content-type']).toMatch(/problem\+json/)
    }
    const list = await app.inject({ method: 'GET', url: '/api/keys', headers: admin })
    expect(list.json()).toEqual([])
  })

  it('revokes a key with 204; an unknown id answers 404', async () => {
    const { app } = await buildTestApp({ BACKEND_ADMIN_TOKEN: ADMIN })
    const created = await createKey(app)
    const del = await app.inject({ method: 'DELETE', url: `/api/keys/${created.id}`, headers: admin })
    expect(del.statusCode).toBe(204)
    const again = await app.inject({ method: 'DELETE', url: `/api/keys/${created.id}`, headers: admin })
    expect(again.statusCode).toBe(404)
    expect((await app.inject({ method: 'GET', url: '/api/keys', headers: admin })).json()).toEqual([])
  })

  it('a client key opens /v1 but nothing under /api', async () => {
    const { app } = await buildTestApp({ BACKEND_ADMIN_TOKEN: ADMIN })
    const { key } = await createKey(app)
    const bearer = { authorization: `Bearer ${key}` }
    expect((await app.inject({ method: 'GET', url: '/v1/models', headers: bearer })).statusCode).toBe(200)
    expect((await app.inject({ method: 'GET', url: '/api/keys', headers: bearer })).statusCode).toBe(401)
    expect((await app.inject({ method: 'GET', url: '/api/providers', headers: bearer })).statusCode).toBe(401)
  })

  it('refuses a revoked key from the next request on', async () => {
    const { app } = await buildTestApp({ BACKEND_ADMIN_TOKEN: ADMIN })
    const { id, key } = await createKey(app)
    const bearer = { authorization: `Bearer ${key}` }
    expect((await app.inject({ method: 'GET', url: '/v1/models', headers: bearer })).statusCode).toBe(200)
    await app.inject({ method: 'DELETE', url: `/api/keys/${id}`, headers: admin })
    const after = await app.inject({ method: 'GET', url: '/v1/models', headers: bearer })
    expect(after.statusCode).toBe(401)
    expect(after.json()).toMatchObject({ error: { type: 'authentication_error' } })
  })

  it('records last_used_at after a key is used, without a write per request', async () => {
    const { app } = await buildTestApp({ BACKEND_ADMIN_TOKEN: ADMIN })
    const { key } = await createKey(app)
    for (let i = 0; i < 5; i++) {
      await app.inject({ method: 'GET', url: '/v1/models', headers: { authorization: `Bearer ${key}` } })
    }
    let usedAt: string | null = null
    await waitFor(async () => {
      const list = (await app.inject({ method: 'GET', url: '/api/keys', headers: admin })).json()
      usedAt = list[0]?.last_used_at ?? null
      return usedAt !== null
    })
    expect(usedAt).toMatch(/^\d{4}-\d\d-\d\dT/)
  })

  it('accepts again a key brought back by a restore', async () => {
    const { app, settings } = await buildTestApp({ BACKEND_ADMIN_TOKEN: ADMIN })
    const { id, key } = await createKey(app)
    const backup = JSON.parse(readFileSync(settings.backupFile, 'utf8'))
    await app.inject({ method: 'DELETE', url: `/api/keys/${id}`, headers: admin })
    const bearer = { authorization: `Bearer ${key}` }
    expect((await app.inject({ method: 'GET', url: '/v1/models', headers: bearer })).statusCode).toBe(401)
    const restore = await app.inject({
      method: 'POST',
      url: '/api/admin/providers/restore',
      headers: admin,
      payload: backup,
    })
    expect(restore.statusCode).toBe(200)
    expect((await app.inject({ method: 'GET', url: '/v1/models', headers: bearer })).statusCode).toBe(200)
  })
})
