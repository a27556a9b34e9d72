/**
 * The attempts of one request as a queue the proxy walks in order: the plan's nodes, with a node
 * queued again right after itself when domain/retry.ts says a failure is worth a retry there.
 * The wait budget (`max_retry_wait`) is the request's: every wait, on any node, spends from it.
 */
import type { ServerResponse } from 'node:http'
import type { Provider } from '../../domain/model.js'
import { decideRetry } from '../../domain/retry.js'
import { DEFAULT_POLICY, type NodePolicy } from '../../domain/route-policy.js'
import type { Attempt } from '../../domain/routing.js'
import type { Settlement } from './upstream-exchange.js'

export interface QueuedAttempt<P extends Provider> extends Attempt<P> {
  /** 0 for the plan's attempt, n for its n-th retry. */
  retry: number
  /** How long to wait before sending it (a retry's backoff or Retry-After). */
  waitMs: number
}

export class AttemptQueue<P extends Provider> implements Iterable<QueuedAttempt<P>> {
  // an array's iterator reads by index, so an attempt inserted after the current one is reached
  readonly #items: QueuedAttempt<P>[]
  #waitedMs = 0

  constructor(
    attempts: readonly Attempt<P>[],
    readonly random: () => number = Math.random,
  ) {
    this.#items = attempts.map((a) => ({ ...a, retry: 0, waitMs: 0 }))
  }

  [Symbol.iterator](): Iterator<QueuedAttempt<P>> {
    return this.#items[Symbol.iterator]()
  }

  /** Queues `attempt`'s node again when its failure is retried there; true when it was. */
  retryAfter(attempt: QueuedAttempt<P>, settlement: Settlement): boolean {
    if (settlement.kind !== 'failed' || !settlement.retry) return false
    const policy: NodePolicy = attempt.policy ?? DEFAULT_POLICY
    const decision = decideRetry(
      {
        outcome: settlement.outcome,
        status: settlement.status,
        retryAfterMs: settlement.failure.retryAfterMs ?? null,
      },
      attempt.retry,
      policy.retries,
      policy.maxRetryWaitMs - this.#waitedMs,
      this.random,
    )
    if (!decision.retry) return false
    this.#waitedMs += decision.waitMs
    const at = this.#items.indexOf(attempt)
    this.#items.splice(at + 1, 0, { ...attempt, retry: attempt.retry + 1, waitMs: decision.waitMs })
    return true
  }
}

/** Waits `ms`; resolves false at once when the client goes away first. */
export function waitForClient(res: ServerResponse, ms: number): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false)
  return new Promise((resolve) => {
    const done = (stillThere: boolean) => {
      clearTimeout(timer)
      res.off('close', onClose)
      resolve(stillThere)
    }
    const onClose = () => done(false)
    const timer = setTimeout(() => done(true), ms)
    res.once('close', onClose)
  })
}
