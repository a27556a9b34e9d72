/**
 * Limits for the whole cluster (issue 15 item 6): two apps on one database (two replicas on
 * PostgreSQL in the postgres run; two processes on one SQLite file in the sqlite run, the same code
 * path) share a key's counters through the leases of db/quota.repo.ts. docs/limits.md states the bound.
 */
import { describe, expect, it } from 'vitest'
import { type Gateway, ok, startGateway } from '../../../test/fake-openai.js'
import { fakeUpstream, type Handler, heldUpstream, waitFor } from '../../../test/fake-upstream.js'
import type { KeyPolicy } from '../../domain/key-policy.js'

const T0 = Date.parse('2026-12-03T10:00:05Z')
const SYNC = { BACKEND_SYNC_INTERVAL_SECONDS: '0.1' }

async function twoReplicas(handler: Handler = ok(), clock = { now: T0 }) {
  const now = () => clock.now
  const first = await startGateway(SYNC, { now })
  const second = await startGateway(
    { ...SYNC, BACKEND_DATABASE_URL: first.app.core.settings.databaseUrl },
    { now },
  )
  await first.addProvider(await fakeUpstream(handler))
  return { first, second }
}

async function createKey(gw: Gateway, policy: Record<string, unknown>) {
  const created = await gw.admin('POST', '/api/keys', { name: 'shared' })
  const { id, key } = created.body as { id: number; key: string }
  expect((await gw.admin('PATCH', `/api/keys/${id}`, policy)).status).toBe(200)
  return { id, key }
}

function send(gw: Gateway, key: string): Promise<number> {
  return fetch(`${gw.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }], max_tokens: 5 }),
  }).then(async (res) => {
    await res.arrayBuffer()
    return res.status
  })
}

/** `total` requests to one replica, `parallel` at a time; answers the statuses. */
async function drive(gw: Gateway, key: string, total: number, parallel: number): Promise<number[]> {
  const statuses: number[] = []
  let next = 0
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < total) {
        next += 1
        statuses.push(await send(gw, key))
      }
    }),
  )
  return statuses
}

/** `n` requests at once to one replica; calls `onRefused` as each 429 arrives. */
function burst(gw: Gateway, key: string, n: number, onRefused: () => void): Promise<number[]> {
  return Promise.all(
    Array.from({ length: n }, async () => {
      const status = await send(gw, key)
      if (status === 429) onRefused()
      return status
    }),
  )
}

/**
 * Until the replica holds the key's policy in memory (its auth and limits read that, not the
 * database): a key served before its policy arrived is not limited, so a test that starts early
 * sees more accepted than the limit (CI saw 7 in flight against a max_concurrent of 6).
 */
async function waitForPolicy(gw: Gateway, id: number, isLoaded: (policy: KeyPolicy) => boolean) {
  await waitFor(
    () => {
      const policy = gw.app.core.clientKeys.policyOf(id)
      return policy !== undefined && isLoaded(policy)
    },
    10_000,
    'the replica to load the key and its policy',
  )
}

async function waitUntilServed(gw: Gateway, key: string) {
  // the other replica sees the provider and the key after its next sync
  await waitFor(async () => (await send(gw, key)) === 200, 10_000, 'the replica to sync')
}

describe('client-key limits across replicas', () => {
  it('accepts 60 of 2 × 200 requests against a 60/min key, within the documented bound', async () => {
    const { first, second } = await twoReplicas()
    // a separate key to wait for the sync, so the measured key starts untouched
    const probe = await createKey(first, {})
    await waitUntilServed(second, probe.key)
    const { id, key } = await createKey(first, { requests_per_minute: 60 })
    // (waiting on its GET /api/keys, which reads the database, let early requests meet an unknown
    // key — 401 — or a key without its policy yet on a loaded machine)
    await waitForPolicy(second, id, (policy) => policy.requests_per_minute === 60)
    const [a, b] = await Promise.all([drive(first, key, 200, 8), drive(second, key, 200, 8)])
    const accepted = [...a, ...b].filter((s) => s === 200).length
    const refused = [...a, ...b].filter((s) => s === 429).length
    // every answer is the upstream's or the limit's (any other status shows in the failure)
    expect([...a, ...b].filter((s) => s !== 200 && s !== 429)).toEqual([])
    expect(accepted + refused).toBe(400)
    // docs/limits.md: never more than N; fewer by at most (replicas − 1) × chunk (10 % of 60)
    expect(accepted).toBeLessThanOrEqual(60)
    expect(accepted).toBeGreaterThanOrEqual(60 - 6)
    expect(a.filter((s) => s === 200).length).toBeGreaterThan(0)
    expect(b.filter((s) => s === 200).length).toBeGreaterThan(0)
    const usage = await first.admin('GET', '/api/keys')
    const shown = (usage.body as { id: number; usage: { requests_this_minute: number } }[]).find(
      (k) => k.id === id,
    )
    expect(shown?.usage.requests_this_minute).toBeGreaterThanOrEqual(accepted)
    expect(shown?.usage.requests_this_minute).toBeLessThanOrEqual(60)
  }, 60_000)

  it('a policy change on one replica takes effect on the other within the sync interval', async () => {
    const { first, second } = await twoReplicas()
    const { id, key } = await createKey(first, {})
    await waitUntilServed(second, key)
    expect(await send(second, key)).toBe(200)
    expect((await first.admin('PATCH', `/api/keys/${id}`, { disabled: true })).status).toBe(200)
    await waitFor(
      async () => (await send(second, key)) === 401,
      10_000,
      'the other replica to refuse the key',
    )
    await first.admin('PATCH', `/api/keys/${id}`, { disabled: false, requests_per_minute: 1 })
    await waitFor(
      async () => (await send(second, key)) === 429,
      10_000,
      'the other replica to apply the limit',
    )
  }, 60_000)

  it('holds max_concurrent for the cluster: 2 × 12 requests held open against a limit of 6', async () => {
    const upstream = heldUpstream(ok(), { holding: false })
    const { first, second } = await twoReplicas(upstream.handler)
    const { id, key } = await createKey(first, { max_concurrent: 6 })
    await waitUntilServed(second, key)
    await waitForPolicy(second, id, (policy) => policy.max_concurrent === 6)
    upstream.hold()
    let refused = 0
    const round = () =>
      Promise.all([burst(first, key, 12, () => refused++), burst(second, key, 12, () => refused++)])
    const answers = round()
    // every request is either held upstream or refused: then the cluster's in-flight is upstream
    await waitFor(() => upstream.waiting.length + refused === 24, 20_000, 'every request upstream or refused')
    const inFlight = upstream.waiting.length
    // docs/limits.md: never more than the limit; fewer by at most (replicas − 1) × chunk (10 % of 6 → 1)
    expect(inFlight).toBeLessThanOrEqual(6)
    expect(inFlight).toBeGreaterThanOrEqual(5)
    upstream.release()
    const statuses = (await answers).flat()
    expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([])
    expect(statuses.filter((s) => s === 200)).toHaveLength(inFlight)

    // the slots come back when the requests end (in the background, after the answers): the first
    // replica alone then gets the cluster's share less what the second keeps free (one chunk)
    const db = first.app.core.db.kysely
    await waitFor(
      async () => {
        const rows = await db
          .selectFrom('key_concurrency')
          .select('held')
          .where('replica', '<>', '')
          .execute()
        return rows.reduce((sum, r) => sum + r.held, 0) <= 2
      },
      10_000,
      'both replicas to give back their slots but one each',
    )
    refused = 0
    const alone = burst(first, key, 12, () => refused++)
    await waitFor(
      () => upstream.waiting.length + refused === 12,
      20_000,
      'the second round upstream or refused',
    )
    expect(upstream.waiting.length).toBeLessThanOrEqual(6)
    expect(upstream.waiting.length).toBeGreaterThanOrEqual(5)
    expect((await first.admin('GET', '/api/keys')).status).toBe(200)
    upstream.release()
    expect((await alone).filter((s) => s !== 200 && s !== 429)).toEqual([])
  }, 60_000)

  it('counts a replica that stopped renewing its slots no longer after the lease: the overshoot is what it had in flight', async () => {
    const upstream = heldUpstream(ok(), { holding: false })
    const clock = { now: T0 }
    const { first, second } = await twoReplicas(upstream.handler, clock)
    const { id, key } = await createKey(first, { max_concurrent: 6 })
    await waitUntilServed(second, key)
    await waitForPolicy(second, id, (policy) => policy.max_concurrent === 6)
    upstream.hold()
    let refused = 0
    const held = burst(first, key, 6, () => refused++)
    await waitFor(() => upstream.waiting.length + refused === 6, 20_000, 'the first replica placing six')
    // 5 or 6 upstream: the second may keep one free slot (its chunk) from the request that saw it synced
    const silent = upstream.waiting.length
    expect(silent).toBeGreaterThanOrEqual(5)
    // 30 s on (SLOT_LEASE_MS) without a renewal, as if the first replica had lost the database
    clock.now += 30_000
    refused = 0
    const late = burst(second, key, 6, () => refused++)
    await waitFor(
      () => upstream.waiting.length + refused === silent + 6,
      20_000,
      'the second replica placing six',
    )
    // docs/limits.md: past the limit by at most what the silent replica had in flight; it admits
    // nothing new without a lease
    expect(upstream.waiting.length).toBe(silent + 6)
    expect(await send(first, key)).toBe(429)
    upstream.release()
    expect((await late).filter((s) => s === 200)).toHaveLength(6)
    expect((await held).filter((s) => s === 200)).toHaveLength(silent)
  }, 60_000)
})
