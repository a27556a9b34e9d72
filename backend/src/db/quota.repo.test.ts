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
  return createQuotaRepo(db.kysely)
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
