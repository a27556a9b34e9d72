/**
 * The concurrency slots of services/gateway/limits.ts against a recording quota repo and a driven
 * clock: admission in memory within a lease, the database asked only on a lease miss, slots given
 * back beyond one chunk, and nothing admitted past a lease that could not be renewed
 * (docs/limits.md, "Concurrency slots"). The cluster behaviour is in api/gateway/limits.replicas.test.ts.
 */
import { describe, expect, it } from 'vitest'
import type { QuotaRepo, SlotLease } from '../../db/quota.repo.js'
import { DEFAULT_POLICY, type KeyPolicy } from '../../domain/key-policy.js'
import { type AdmitCall, createLimits, SLOT_LEASE_MS } from './limits.js'

const CALL: AdmitCall = {
  endpoint: 'chat/completions',
  model: 'gpt-test',
  body: {},
  textLength: 2,
  route: null,
  attempts: [],
}

function setUp(limit: number, policy: Partial<KeyPolicy> = {}) {
  const clock = { now: Date.parse('2026-12-03T10:00:05Z') }
  const leases: SlotLease[] = []
  const given: number[] = []
  let isDown = false
  let isCounterDown = false
  // the cluster leaves this replica `free` slots beyond what it keeps
  const cluster = { free: limit }
  const quota = {
    async leaseSlots(lease: SlotLease) {
      leases.push(lease)
      if (isDown) throw new Error('database down')
      return Math.max(lease.keep, Math.min(lease.want, cluster.free))
    },
    async lease(_key: unknown, chunk: number) {
      if (isCounterDown) throw new Error('database down')
      return { granted: chunk, leased: chunk }
    },
    async giveBack() {},
    async leased() {
      return []
    },
    async setSlots(_keyId: number, _replica: string, held: number) {
      given.push(held)
    },
    async renewSlots() {},
    async dropSlots() {},
  } as unknown as QuotaRepo
  const limits = createLimits({
    quota,
    policyOf: () => ({ ...DEFAULT_POLICY, max_concurrent: limit, ...policy }),
    priceOf: () => undefined,
    routeMaxTokens: () => undefined,
    leasePercent: 50,
    defaultMaxTokens: 100,
    now: () => clock.now,
    log: { warn: () => {} },
  })
  return {
    limits,
    clock,
    leases,
    given,
    cluster,
    setDown: (down: boolean) => {
      isDown = down
    },
    setCounterDown: (down: boolean) => {
      isCounterDown = down
    },
  }
}

describe('concurrency slots', () => {
  it('admits within its lease in memory and asks the database only on a lease miss', async () => {
    const { limits, leases } = setUp(10)
    const admitted = []
    for (let i = 0; i < 5; i++) admitted.push(await limits.admit(1, CALL))
    // one lease for one chunk (50 % of 10): the next four requests took its slots in memory
    expect(leases.map((l) => [l.keep, l.want])).toEqual([[0, 5]])
    admitted.push(await limits.admit(1, CALL))
    expect(leases.map((l) => [l.keep, l.want])).toEqual([
      [0, 5],
      [5, 10],
    ])
    for (const a of admitted) a.settle(null)
    await limits.close()
  })

  it('refuses when the cluster leaves no slot, and gives back what is free beyond one chunk', async () => {
    const { limits, cluster, given } = setUp(10)
    cluster.free = 3
    const admitted = [await limits.admit(1, CALL), await limits.admit(1, CALL), await limits.admit(1, CALL)]
    await expect(limits.admit(1, CALL)).rejects.toMatchObject({ code: 'rate_limit_exceeded' })
    cluster.free = 10
    admitted.push(await limits.admit(1, CALL), await limits.admit(1, CALL), await limits.admit(1, CALL))
    // 6 in flight of 10 held: as they end, the replica keeps one chunk (5) free and gives the rest back
    for (const a of admitted) a.settle(null)
    await limits.close()
    expect(given).toEqual([5])
  })

  it('admits nothing past a lease it could not renew, and answers 503 while the database is away', async () => {
    const { limits, clock, leases, setDown } = setUp(10)
    const first = await limits.admit(1, CALL)
    clock.now += SLOT_LEASE_MS
    setDown(true)
    await expect(limits.admit(1, CALL)).rejects.toMatchObject({ code: 'quota_unavailable' })
    expect(leases).toHaveLength(2)
    setDown(false)
    const second = await limits.admit(1, CALL)
    expect(leases).toHaveLength(3)
    first.settle(null)
    second.settle(null)
    await limits.close()
  })

  it('gives its slot back when a counter after it cannot be leased (503)', async () => {
    const { limits, setCounterDown } = setUp(1, { requests_per_minute: 100 })
    setCounterDown(true)
    await expect(limits.admit(1, CALL)).rejects.toMatchObject({ code: 'quota_unavailable' })
    setCounterDown(false)
    const admitted = await limits.admit(1, CALL)
    expect((await limits.usage([{ id: 1, budget_period: 'month' }])).get(1)?.in_flight).toBe(1)
    admitted.settle(null)
    await limits.close()
  })
})
