/**
 * Client-key limits and budgets on every /v1 call (issue 15 items 5 and 6, docs/limits.md).
 *
 * Before a call is forwarded, `admit` checks the key's policy (model allowed, concurrency) and
 * reserves from three counters: one request and the call's worst-case tokens in the current UTC
 * minute, its worst-case cost in the budget's day or month. After the call, `settle` puts back
 * what the real usage did not take (or charges what it took beyond the reservation).
 *
 * The counters belong to the cluster: each replica leases chunks of a counter from the database
 * (db/quota.repo.ts: one statement that never grants past the limit) and serves requests from its
 * local pool until the chunk is spent; a pool keeps at most one chunk and gives the rest back. The
 * same path runs on SQLite (one process).
 *
 * Concurrency holds for the cluster the same way: each replica leases slots of a key's
 * `max_concurrent` (at most one chunk beyond its requests in flight), admits requests in memory
 * within them, renews the lease in the background and gives back what it does not need; a lease
 * that is not renewed (a dead replica) stops counting after SLOT_LEASE_MS.
 */
import { randomUUID } from 'node:crypto'
import type { Logger } from 'pino'
import { AppError } from '../../core/errors.js'
import type { QuotaKind, QuotaRepo } from '../../db/quota.repo.js'
import {
  budgetWindow,
  isModelAllowed,
  type KeyPolicy,
  minuteWindow,
  type Window,
  worstCaseTokens,
} from '../../domain/key-policy.js'
import type { KeyUsage } from '../../domain/model.js'
import { costOf, type Price, type Usage } from '../../domain/usage.js'

export type RejectionReason =
  | 'disabled'
  | 'expired'
  | 'model_not_allowed'
  | 'concurrency'
  | 'requests'
  | 'tokens'
  | 'budget'

/** What `admit` reads of a prepared call. */
export interface AdmitCall {
  endpoint: string
  model: string
  body: Record<string, unknown>
  /** The body's length in characters (the input estimate). */
  textLength: number
  /** The route the call named, for its `config.default_max_tokens`. */
  route: string | null
  /** The provider models it may be served by: its worst-case cost is the dearest of them. */
  attempts: { provider: { id: number }; model: string | null }[]
}

/** How a call ended, for `settle`. */
export interface CallOutcome {
  answered: boolean
  usage: Usage | null
  providerId: number | null
  servedModel: string | null
}

export interface Admission {
  /** x-ratelimit-* headers for the answer. */
  headers: Record<string, string>
  /** Once, when the call has ended (null: it failed before an outcome was known). */
  settle(outcome: CallOutcome | null): void
}

export interface LimitsDeps {
  quota: QuotaRepo
  policyOf: (keyId: number) => KeyPolicy | undefined
  priceOf: (providerId: number, model: string) => Price | undefined
  /** A route's `config.default_max_tokens`, if set. */
  routeMaxTokens: (route: string) => number | undefined
  /** A lease takes this share of a limit (at least what the request needs). */
  leasePercent: number
  defaultMaxTokens: number
  now: () => number
  log: Pick<Logger, 'warn'>
  onRejected?: (reason: RejectionReason) => void
  /** This replica's name in the slot leases (a fresh UUID by default). */
  replica?: string
}

/** A slot lease lasts this long unless renewed; renewed every third of it. */
export const SLOT_LEASE_MS = 30_000

/** A key's concurrency slots on this replica. */
interface Slots {
  /** Leased from the cluster (the requests in flight take from them). */
  held: number
  /** The lease's end by this replica's clock: past it, no request is admitted without a new lease. */
  validUntil: number
  lock: Promise<unknown>
}

interface Pool {
  period: string
  endsAt: number
  /** Leased from the database and not yet used by this replica. */
  available: number
  /** The cluster's leased total, as the last lease read it. */
  clusterLeased: number
  lock: Promise<unknown>
}

const NO_LIMITS: Admission = { headers: {}, settle: () => {} }
const EPSILON = 1e-9

function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000))
}

export function createLimits(deps: LimitsDeps) {
  const pools = new Map<string, Pool>()
  const inFlight = new Map<number, number>()
  const slots = new Map<number, Slots>()
  const replica = deps.replica ?? randomUUID()
  let renewal: NodeJS.Timeout | null = null

  function poolOf(keyId: number, kind: QuotaKind, window: Window): Pool {
    const name = `${keyId}:${kind}`
    let pool = pools.get(name)
    if (!pool) {
      pool = { period: '', endsAt: 0, available: 0, clusterLeased: 0, lock: Promise.resolve() }
      pools.set(name, pool)
    }
    if (pool.period !== window.period) {
      const hadPeriod = pool.period !== ''
      // a new window: what was leased of the old one is void (the window is over)
      pool.period = window.period
      pool.endsAt = window.endsAt
      pool.available = 0
      pool.clusterLeased = 0
      if (hadPeriod) {
        deps.quota
          .pruneOthers({ keyId, kind, period: window.period })
          .catch((error: unknown) =>
            deps.log.warn({ err: error, keyId }, 'limits: pruning old windows failed'),
          )
      }
    }
    return pool
  }

  const chunkOf = (limit: number) => (limit * deps.leasePercent) / 100

  /** Takes `amount` below `limit` from the pool, leasing from the database when the pool is short. */
  function take(
    keyId: number,
    kind: QuotaKind,
    window: Window,
    amount: number,
    limit: number,
  ): Promise<boolean> {
    const pool = poolOf(keyId, kind, window)
    if (pool.available + EPSILON >= amount) {
      pool.available -= amount
      return Promise.resolve(true)
    }
    const run = pool.lock.then(async () => {
      if (pool.period !== window.period) return false
      if (pool.available + EPSILON >= amount) {
        pool.available -= amount
        return true
      }
      const whole = kind === 'spend' ? (n: number) => n : Math.ceil
      const chunk = whole(Math.max(amount - pool.available, chunkOf(limit), kind === 'spend' ? 0 : 1))
      let lease: { granted: number; leased: number }
      try {
        lease = await deps.quota.lease({ keyId, kind, period: window.period }, chunk, limit)
      } catch (error) {
        throw quotaUnavailable(error, keyId)
      }
      if (pool.period !== window.period) return false
      pool.available += lease.granted
      pool.clusterLeased = lease.leased
      if (pool.available + EPSILON >= amount) {
        pool.available -= amount
        return true
      }
      return false
    })
    pool.lock = run.catch(() => undefined)
    return run
  }

  /** Puts back `amount` (keeping at most one chunk here, the rest goes back to the cluster). */
  function putBack(keyId: number, kind: QuotaKind, period: string, amount: number, limit: number): void {
    const pool = pools.get(`${keyId}:${kind}`)
    if (!pool || pool.period !== period || amount <= 0) return
    pool.available += amount
    const keep = Math.max(chunkOf(limit), kind === 'spend' ? 0 : 1)
    const extra = kind === 'spend' ? pool.available - keep : Math.floor(pool.available - keep)
    if (extra > EPSILON) {
      pool.available -= extra
      pool.clusterLeased -= extra
      afterLock(pool, () => deps.quota.giveBack({ keyId, kind, period }, extra), 'giving quota back failed')
    }
  }

  /**
   * Runs a write to the counter in the pool's queue: the pool's next lease waits for it, so what
   * this replica gave back is in the database before it asks again (no refusal for its own chunk).
   */
  function afterLock(pool: Pool, write: () => Promise<unknown>, failure: string): void {
    pool.lock = pool.lock
      .then(write)
      .catch((error: unknown) => deps.log.warn({ err: error }, `limits: ${failure}`))
  }

  /** Charges usage beyond the reservation: from the pool first, the rest straight to the database. */
  function charge(keyId: number, kind: QuotaKind, period: string, amount: number): void {
    const pool = pools.get(`${keyId}:${kind}`)
    if (!pool || pool.period !== period || amount <= 0) return
    const fromPool = Math.min(pool.available, amount)
    pool.available -= fromPool
    const rest = amount - fromPool
    if (rest <= EPSILON) return
    pool.clusterLeased += rest
    afterLock(pool, () => deps.quota.charge({ keyId, kind, period }, rest), 'charging usage failed')
  }

  function remaining(pool: Pool, limit: number): number {
    return Math.max(0, Math.floor(limit - (pool.clusterLeased - pool.available)))
  }

  const slotChunkOf = (limit: number) => Math.max(1, Math.ceil((limit * deps.leasePercent) / 100))
  const iso = (ms: number) => new Date(ms).toISOString()

  function quotaUnavailable(error: unknown, keyId: number): AppError {
    deps.log.warn({ err: error, keyId }, 'limits: leasing quota from the database failed')
    return new AppError('quota_unavailable', 'the limits of this client key cannot be checked now; retry', {
      headers: { 'retry-after': '1' },
    })
  }

  /** Counts the request in flight if the lease, still valid, has a slot free (no I/O). */
  function admitSlot(keyId: number, lease: Slots, limit: number): boolean {
    const running = inFlight.get(keyId) ?? 0
    if (running >= Math.min(lease.held, limit) || deps.now() >= lease.validUntil) return false
    inFlight.set(keyId, running + 1)
    return true
  }

  /**
   * Takes a concurrency slot (counting the request in flight): in memory while the lease has one
   * free, else one lease from the database for the requests in flight and one chunk more.
   */
  function takeSlot(keyId: number, limit: number): Promise<boolean> {
    let lease = slots.get(keyId)
    if (!lease) {
      lease = { held: 0, validUntil: 0, lock: Promise.resolve() }
      slots.set(keyId, lease)
    }
    const own = lease
    if (admitSlot(keyId, own, limit)) return Promise.resolve(true)
    if ((inFlight.get(keyId) ?? 0) >= limit) return Promise.resolve(false)
    const run = own.lock.then(async () => {
      if (admitSlot(keyId, own, limit)) return true
      const keep = inFlight.get(keyId) ?? 0
      if (keep >= limit) return false
      const at = deps.now()
      try {
        own.held = await deps.quota.leaseSlots({
          keyId,
          replica,
          keep,
          want: Math.min(limit, keep + slotChunkOf(limit)),
          limit,
          now: iso(at),
          expiresAt: iso(at + SLOT_LEASE_MS),
        })
      } catch (error) {
        throw quotaUnavailable(error, keyId)
      }
      own.validUntil = at + SLOT_LEASE_MS
      renewInBackground()
      return admitSlot(keyId, own, limit)
    })
    own.lock = run.catch(() => undefined)
    return run
  }

  /** Ends a request's slot; slots beyond one chunk free go back to the cluster (in the background). */
  function releaseSlot(keyId: number, limit: number | null): void {
    const lease = slots.get(keyId)
    if (!lease || limit === null) return
    const own = lease
    if (own.held - (inFlight.get(keyId) ?? 0) <= slotChunkOf(limit)) return
    own.lock = own.lock
      .then(async () => {
        const target = (inFlight.get(keyId) ?? 0) + slotChunkOf(limit)
        if (own.held <= target) return
        own.held = target
        await deps.quota.setSlots(keyId, replica, target)
      })
      .catch((error: unknown) => deps.log.warn({ err: error, keyId }, 'limits: giving slots back failed'))
  }

  /** Renews this replica's slot leases every third of SLOT_LEASE_MS (from its first lease on). */
  function renewInBackground(): void {
    if (renewal) return
    renewal = setInterval(() => {
      const at = deps.now()
      deps.quota
        .renewSlots(replica, iso(at), iso(at + SLOT_LEASE_MS))
        .then(() => {
          for (const lease of slots.values())
            lease.validUntil = Math.max(lease.validUntil, at + SLOT_LEASE_MS)
        })
        .catch((error: unknown) => deps.log.warn({ err: error }, 'limits: renewing slot leases failed'))
    }, SLOT_LEASE_MS / 3)
    renewal.unref()
  }

  function rejected(reason: RejectionReason, error: AppError): never {
    deps.onRejected?.(reason)
    throw error
  }

  /** The dearest price among the call's candidates (null: none has a price). */
  function dearest(call: AdmitCall): Price | null {
    let best: Price | null = null
    let bestWeight = -1
    for (const attempt of call.attempts) {
      const price = deps.priceOf(attempt.provider.id, attempt.model ?? call.model)
      if (!price) continue
      const weight = price.inputPerMillion + price.outputPerMillion
      if (weight > bestWeight) {
        best = price
        bestWeight = weight
      }
    }
    return best
  }

  function checkModel(keyId: number | null, model: string): void {
    const policy = keyId === null ? undefined : deps.policyOf(keyId)
    if (policy && model !== '' && !isModelAllowed(policy, model)) {
      rejected(
        'model_not_allowed',
        new AppError('model_not_allowed', `this client key may not use model '${model}'`),
      )
    }
  }

  return {
    /**
     * Throws the 403 for a model the key may not ask for. The gateway calls it before it plans the
     * call, so a key learns nothing of the models it may not use (not even whether they exist).
     */
    checkModel,

    /** Checks and reserves; throws the 403/429/503 to answer instead (in the caller's format). */
    async admit(keyId: number | null, call: AdmitCall): Promise<Admission> {
      if (keyId === null) return NO_LIMITS
      const policy = deps.policyOf(keyId)
      if (!policy) return NO_LIMITS
      const now = deps.now()
      checkModel(keyId, call.model)
      // the request counts in flight from here (a slot taken before the counters are awaited, so
      // requests admitted meanwhile see it), and stops counting if a counter refuses it
      const concurrent = policy.max_concurrent
      if (concurrent === null) inFlight.set(keyId, (inFlight.get(keyId) ?? 0) + 1)
      else if (!(await takeSlot(keyId, concurrent))) {
        rejected(
          'concurrency',
          new AppError(
            'rate_limit_exceeded',
            `this client key has ${inFlight.get(keyId) ?? 0} requests in flight here and reached its limit for the cluster (max_concurrent ${concurrent}); retry when one ends`,
            { headers: { 'retry-after': '1' } },
          ),
        )
      }
      const minute = minuteWindow(now)
      const headers: Record<string, string> = {}
      const endFlight = () => {
        inFlight.set(keyId, Math.max(0, (inFlight.get(keyId) ?? 1) - 1))
        releaseSlot(keyId, concurrent)
      }
      const undo: (() => void)[] = [endFlight]
      const fail = (reason: RejectionReason, error: AppError): never => {
        for (const step of undo) step()
        rejected(reason, error)
      }
      // a lease that fails (503) undoes what this request took before it, its slot included
      const reserve = (kind: QuotaKind, window: Window, amount: number, limit: number) =>
        take(keyId, kind, window, amount, limit).catch((error: unknown) => {
          for (const step of undo) step()
          throw error
        })

      const rpm = policy.requests_per_minute
      if (rpm !== null) {
        const ok = await reserve('requests', minute, 1, rpm)
        const pool = poolOf(keyId, 'requests', minute)
        const reset = seconds(minute.endsAt - now)
        headers['x-ratelimit-limit-requests'] = String(rpm)
        headers['x-ratelimit-remaining-requests'] = String(remaining(pool, rpm))
        headers['x-ratelimit-reset-requests'] = `${reset}s`
        if (!ok) {
          fail(
            'requests',
            new AppError(
              'rate_limit_exceeded',
              `this client key reached its limit of ${rpm} requests per minute; retry in ${reset} s`,
              { headers: { ...headers, 'retry-after': String(reset) } },
            ),
          )
        }
        undo.push(() => putBack(keyId, 'requests', minute.period, 1, rpm))
      }

      const tpm = policy.tokens_per_minute
      const budget = policy.budget
      // the worst case is read only for a limit that counts tokens or money: a key limited by
      // requests or concurrency alone (or only watched) pays no body walk and no pricing here
      const routeDefault = call.route !== null ? deps.routeMaxTokens(call.route) : undefined
      const worst =
        tpm !== null || budget !== null
          ? worstCaseTokens(call.endpoint, call.body, call.textLength, routeDefault ?? deps.defaultMaxTokens)
          : { input: 0, output: 0 }
      const tokens = worst.input + worst.output
      if (tpm !== null) {
        const ok = await reserve('tokens', minute, tokens, tpm)
        const pool = poolOf(keyId, 'tokens', minute)
        const reset = seconds(minute.endsAt - now)
        headers['x-ratelimit-limit-tokens'] = String(tpm)
        headers['x-ratelimit-remaining-tokens'] = String(remaining(pool, tpm))
        headers['x-ratelimit-reset-tokens'] = `${reset}s`
        if (!ok) {
          fail(
            'tokens',
            new AppError(
              'rate_limit_exceeded',
              tokens > tpm
                ? `this request may use ${tokens} tokens (input estimate + max tokens), more than this client key's limit of ${tpm} per minute`
                : `this client key reached its limit of ${tpm} tokens per minute; retry in ${reset} s`,
              { headers: { ...headers, 'retry-after': String(reset) } },
            ),
          )
        }
        undo.push(() => putBack(keyId, 'tokens', minute.period, tokens, tpm))
      }

      const price = budget !== null ? dearest(call) : null
      const worstCost =
        budget !== null
          ? (costOf(
              { input: worst.input, output: worst.output, cachedInput: 0, reasoning: null },
              price ?? undefined,
            ) ?? 0)
          : 0
      const budgetAt = budget !== null ? budgetWindow(policy.budget_period, now) : null
      if (budget !== null && budgetAt !== null) {
        const ok = await reserve('spend', budgetAt, worstCost, budget)
        if (!ok) {
          const reset = seconds(budgetAt.endsAt - now)
          fail(
            'budget',
            new AppError(
              'insufficient_quota',
              `this client key's budget of ${budget} per ${policy.budget_period} is spent (this request may cost up to ${worstCost.toPrecision(3)}); it resets in ${reset} s`,
              { headers: { ...headers, 'retry-after': String(reset) } },
            ),
          )
        }
      }

      let isSettled = false
      return {
        headers,
        settle(outcome) {
          if (isSettled) return
          isSettled = true
          endFlight()
          if (tpm === null && budget === null) return
          const usage = outcome?.usage ?? null
          const answered = outcome?.answered ?? false
          // no usage reported for an answer: its input is counted, its output is not known
          const usedTokens = usage ? (usage.input ?? 0) + (usage.output ?? 0) : answered ? worst.input : 0
          const servedPrice =
            outcome?.providerId != null
              ? deps.priceOf(outcome.providerId, outcome.servedModel ?? call.model)
              : undefined
          const usedCost = usage
            ? (costOf(usage, servedPrice) ?? 0)
            : answered
              ? (costOf(
                  { input: worst.input, output: 0, cachedInput: 0, reasoning: null },
                  price ?? undefined,
                ) ?? 0)
              : 0
          if (tpm !== null) settleCounter(keyId, 'tokens', minute.period, tokens, usedTokens, tpm)
          if (budget !== null && budgetAt !== null)
            settleCounter(keyId, 'spend', budgetAt.period, worstCost, usedCost, budget)
        },
      }
    },

    /**
     * Each key's consumption now: what the cluster has leased in the current windows less what this
     * replica's pools hold unused (other replicas' unused chunks count as used), and this replica's
     * requests in flight. Without the database, only what this replica knows (never an error).
     */
    async usage(
      keys: { id: number; budget_period: KeyPolicy['budget_period'] }[],
    ): Promise<Map<number, KeyUsage>> {
      const now = deps.now()
      const minute = minuteWindow(now)
      const day = budgetWindow('day', now)
      const month = budgetWindow('month', now)
      // the list still answers when the counters cannot be read: this replica's part only, logged
      // writes this replica queued (give-backs, charges) land first
      await Promise.all([...pools.values()].map((pool) => pool.lock))
      const rows = await deps.quota
        .leased([minute.period, day.period, month.period])
        .catch((error: unknown) => {
          deps.log.warn({ err: error }, 'limits: reading the counters for the key list failed')
          return []
        })
      const leased = new Map(rows.map((r) => [`${r.key_id}:${r.kind}:${r.period}`, r.leased]))
      const used = (keyId: number, kind: QuotaKind, period: string) => {
        const pool = pools.get(`${keyId}:${kind}`)
        const unused = pool?.period === period ? pool.available : 0
        return Math.max(0, (leased.get(`${keyId}:${kind}:${period}`) ?? 0) - unused)
      }
      return new Map(
        keys.map((key) => [
          key.id,
          {
            requests_this_minute: Math.round(used(key.id, 'requests', minute.period)),
            tokens_this_minute: Math.round(used(key.id, 'tokens', minute.period)),
            in_flight: inFlight.get(key.id) ?? 0,
            spend_this_period: used(key.id, 'spend', (key.budget_period === 'day' ? day : month).period),
          },
        ]),
      )
    },

    /** Gives back every unused lease of the current windows, and every slot (at shutdown). */
    async close(): Promise<void> {
      if (renewal) clearInterval(renewal)
      renewal = null
      await Promise.all([...pools.values(), ...slots.values()].map((pool) => pool.lock))
      if (slots.size > 0) {
        slots.clear()
        await deps.quota
          .dropSlots(replica)
          .catch((error: unknown) => deps.log.warn({ err: error }, 'limits: giving slots back failed'))
      }
      const now = deps.now()
      const returns: Promise<void>[] = []
      for (const [name, pool] of pools) {
        if (pool.available <= EPSILON || pool.endsAt <= now) continue
        const [keyId, kind] = name.split(':') as [string, QuotaKind]
        returns.push(
          deps.quota
            .giveBack({ keyId: Number(keyId), kind, period: pool.period }, pool.available)
            .catch((error: unknown) => deps.log.warn({ err: error }, 'limits: giving quota back failed')),
        )
        pool.available = 0
      }
      await Promise.all(returns)
    },
  }

  function settleCounter(
    keyId: number,
    kind: QuotaKind,
    period: string,
    reserved: number,
    used: number,
    limit: number,
  ): void {
    if (used < reserved) putBack(keyId, kind, period, reserved - used, limit)
    else if (used > reserved) charge(keyId, kind, period, used - reserved)
  }
}

export type Limits = ReturnType<typeof createLimits>
