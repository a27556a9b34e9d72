/**
 * Whether a failed attempt is tried again on the same node, and after how long (issue 16 item 1).
 *
 * - A 429 or 503 that says when to come back (`retry-after-ms`, else `Retry-After` in seconds or
 *   as an HTTP date) is retried after exactly that wait when it fits what is left of the request's
 *   wait budget (`max_retry_wait`); a longer wait moves on to the next node at once.
 * - A 429 without a wait moves on (the node is cooling down, cooldowns.ts).
 * - Other 5xx answers, connection errors and streams that ended before any content are retried
 *   after a jittered exponential backoff (200 ms · 2ⁿ, capped at 2 s, each drawn from its upper
 *   half), again only while it fits the budget: never a tight loop.
 * - Timeouts and client errors are not retried on the same node (a slow node is slow again).
 * Every retry is an attempt: it counts toward BACKEND_GATEWAY_MAX_ATTEMPTS and x-switchboard-attempts.
 */

export const BACKOFF_BASE_MS = 200
export const BACKOFF_CAP_MS = 2000

export type RetryableOutcome =
  | 'success'
  | 'client_error'
  | 'rate_limited'
  | 'server_error'
  | 'timeout'
  | 'connection_error'
  | 'stream_error'
  | 'aborted'
  | 'diverged'

export interface FailedAttempt {
  outcome: RetryableOutcome
  status: number | null
  /** The wait the upstream asked for, in ms; null when it named none. */
  retryAfterMs: number | null
}

export type RetryDecision =
  | { retry: true; waitMs: number }
  | { retry: false; reason: 'no_retries_left' | 'not_retryable' | 'wait_over_budget' }

export function decideRetry(
  failed: FailedAttempt,
  retriesDone: number,
  retries: number,
  /** What is left of the request's wait budget, in ms. */
  budgetMs: number,
  random: () => number = Math.random,
): RetryDecision {
  if (retriesDone >= retries) return { retry: false, reason: 'no_retries_left' }
  const asksToWait = failed.outcome === 'rate_limited' || failed.status === 503
  let waitMs: number
  if (asksToWait && failed.retryAfterMs !== null) waitMs = failed.retryAfterMs
  else if (failed.outcome === 'rate_limited') return { retry: false, reason: 'not_retryable' }
  else if (
    failed.outcome === 'server_error' ||
    failed.outcome === 'connection_error' ||
    failed.outcome === 'stream_error'
  ) {
    const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** retriesDone)
    waitMs = ceiling / 2 + random() * (ceiling / 2)
  } else return { retry: false, reason: 'not_retryable' }
  if (waitMs > budgetMs) return { retry: false, reason: 'wait_over_budget' }
  return { retry: true, waitMs }
}

/**
 * The wait an answer asks for, in ms: `retry-after-ms` (OpenAI's, fractional ms) first, then
 * `Retry-After` as seconds or an HTTP date; null when neither is there or readable.
 */
export function retryAfterMsOf(
  retryAfterMs: string | undefined,
  retryAfter: string | undefined,
  now = Date.now(),
): number | null {
  if (retryAfterMs !== undefined && retryAfterMs.trim() !== '') {
    const ms = Number(retryAfterMs)
    if (Number.isFinite(ms) && ms >= 0) return ms
  }
  if (retryAfter === undefined || retryAfter.trim() === '') return null
  const seconds = Number(retryAfter)
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : null
  if (!/[a-z]/i.test(retryAfter)) return null
  const at = Date.parse(retryAfter)
  return Number.isFinite(at) ? Math.max(0, at - now) : null
}
