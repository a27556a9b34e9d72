/**
 * The cluster's quota counters (db/quota.repo.ts) on a real database: SQLite in the sqlite run,
 * PostgreSQL (a pool of connections racing for one row) in the postgres run.
 */
import { describe, expect, it, onTestFinished } from 'vitest'
import { tempDir, testDatabaseUrl } from '../../test/helpers.js'
import { parseDatabaseUrl } from '../settings.js'
import { openDatabase } from './database.js'
import { createQuotaRepo, type QuotaKey } from './quota.repo.js'

async function repo() {
  const db = await openDatabase(parseDatabaseUrl(await testDatabaseUrl(tempDir()))!)
  onTestFinished(() => db.close())
  return createQuotaRepo(db.kysely, db.engine)
}

const KEY: QuotaKey = { keyId: 1, kind: 'requests', period: 'm100' }

describe('quota leases', () => {
  it('grants chunks until the limit, then the rest, then nothing', async () => {
    const quota = await repo()
    expect(await quota.lease(KEY, 4, 10)).toEqual({ granted: 4, leased: 4 })
    expect(await quota.lease(KEY, 4, 10)).toEqual({ granted: 4, leased: 8 })
    expect(await quota.lease(KEY, 4, 10)).toEqual({ granted: 2, leased: 10 })
    expect(await quota.lease(KEY, 4, 10)).toEqual({ granted: 0, leased: 10 })
    // another window, counter or key is a row of its own
    expect((await quota.lease({ ...KEY, period: 'm101' }, 4, 10)).granted).toBe(4)
    expect((await quota.lease({ ...KEY, kind: 'tokens' }, 4, 10)).granted).toBe(4)
    expect((await quota.lease({ ...KEY, keyId: 2 }, 4, 10)).granted).toBe(4)
  })

  it('never grants past the limit to 60 leases racing at once', async () => {
    const quota = await repo()
    const grants = await Promise.all(Array.from({ length: 60 }, () => quota.lease(KEY, 7, 100)))
    expect(grants.reduce((sum, g) => sum + g.granted, 0)).toBe(100)
    expect(Math.max(...grants.map((g) => g.leased))).toBe(100)
  })

  it('takes back what is given back, never below zero, and charges usage past the limit', async () => {
    const quota = await repo()
    await quota.lease(KEY, 10, 10)
    await quota.giveBack(KEY, 3)
    expect(await quota.lease(KEY, 10, 10)).toEqual({ granted: 3, leased: 10 })
    await quota.giveBack(KEY, 50)
    expect((await quota.leased(['m100']))[0]?.leased).toBe(0)
    expect(await quota.charge(KEY, 12)).toBe(12)
    expect((await quota.lease(KEY, 1, 10)).granted).toBe(0)
  })

  it('keeps fractions of the spend counter and prunes the windows that are over', async () => {
    const quota = await repo()
    const spend: QuotaKey = { keyId: 1, kind: 'spend', period: 'd2026-12-03' }
    expect((await quota.lease(spend, 0.25, 1)).granted).toBeCloseTo(0.25)
    expect((await quota.lease(spend, 0.9, 1)).granted).toBeCloseTo(0.75)
    await quota.lease({ ...spend, period: 'd2026-12-02' }, 1, 1)
    await quota.pruneOthers(spend)
    expect((await quota.leased(['d2026-12-02', 'd2026-12-03'])).map((r) => r.period)).toEqual(['d2026-12-03'])
  })
})

describe('concurrency slot leases', () => {
  const NOW = '2026-12-03T10:00:00.000Z'
  const LATER = '2026-12-03T10:00:30.000Z'
  const slot = (replica: string, keep: number, want: number, limit = 10) => ({
    keyId: 1,
    replica,
    keep,
    want,
    limit,
    now: NOW,
    expiresAt: LATER,
  })

  it('grants each replica what the others leave below the limit, never less than it keeps', async () => {
    const quota = await repo()
    expect(await quota.leaseSlots(slot('a', 0, 6))).toBe(6)
    expect(await quota.leaseSlots(slot('b', 0, 6))).toBe(4)
    expect(await quota.leaseSlots(slot('b', 4, 6))).toBe(4)
    // a request in flight is kept even when the limit was lowered under it
    expect(await quota.leaseSlots(slot('b', 4, 5, 8))).toBe(4)
    await quota.setSlots(1, 'a', 2)
    expect(await quota.leaseSlots(slot('b', 4, 8))).toBe(8)
    await quota.dropSlots('a')
    expect(await quota.leaseSlots(slot('b', 0, 10))).toBe(10)
  })

  it('never grants past the limit to 40 replicas leasing at once', async () => {
    const quota = await repo()
    const grants = await Promise.all(
      Array.from({ length: 40 }, (_, i) => quota.leaseSlots(slot(`r${i}`, 0, 3, 20))),
    )
    expect(grants.reduce((sum, n) => sum + n, 0)).toBe(20)
  })

  it('stops counting a replica whose lease was not renewed, and renews only forward', async () => {
    const quota = await repo()
    expect(await quota.leaseSlots(slot('a', 0, 10))).toBe(10)
    await quota.renewSlots('a', NOW, '2026-12-03T10:00:20.000Z')
    expect(await quota.leaseSlots(slot('b', 0, 10))).toBe(0)
    expect(await quota.leaseSlots({ ...slot('b', 0, 10), now: LATER })).toBe(10)
    await quota.renewSlots('b', LATER, '2026-12-03T10:01:00.000Z')
    // the expired lease of a is gone; a asks again and finds nothing left
    expect(await quota.leaseSlots({ ...slot('a', 0, 10), now: LATER })).toBe(0)
  })
})
