import { describe, expect, it } from 'vitest'
import { BACKOFF_BASE_MS, BACKOFF_CAP_MS, decideRetry, retryAfterMsOf } from './retry.js'
import { nodePolicy, policyErrors } from './route-policy.js'

const serverError = { outcome: 'server_error', status: 500, retryAfterMs: null } as const

describe('decideRetry', () => {
  it('retries a 429 after the wait it asked for when that fits the budget', () => {
    const failed = { outcome: 'rate_limited', status: 429, retryAfterMs: 2000 } as const
    expect(decideRetry(failed, 0, 1, 10_000)).toEqual({ retry: true, waitMs: 2000 })
  })

  it('moves on when the wait asked for does not fit what is left of the budget', () => {
    const failed = { outcome: 'server_error', status: 503, retryAfterMs: 5000 } as const
    expect(decideRetry(failed, 0, 3, 4999)).toEqual({ retry: false, reason: 'wait_over_budget' })
  })

  it('moves on from a 429 that names no wait', () => {
    const failed = { outcome: 'rate_limited', status: 429, retryAfterMs: null } as const
    expect(decideRetry(failed, 0, 3, 10_000)).toEqual({ retry: false, reason: 'not_retryable' })
  })

  it('does not retry timeouts or client errors on the same node', () => {
    for (const outcome of ['timeout', 'client_error'] as const) {
      expect(decideRetry({ outcome, status: null, retryAfterMs: null }, 0, 3, 10_000).retry).toBe(false)
    }
  })

  it('stops after the configured number of retries', () => {
    expect(decideRetry(serverError, 2, 2, 10_000)).toEqual({ retry: false, reason: 'no_retries_left' })
  })

  it('backs off exponentially with jitter in the upper half, capped', () => {
    const waits = (random: number) =>
      [0, 1, 2, 3, 4, 5].map((n) => {
        const d = decideRetry(serverError, n, 10, 60_000, () => random)
        return d.retry ? d.waitMs : -1
      })
    expect(waits(0)).toEqual([100, 200, 400, 800, 1000, 1000])
    expect(waits(0.999_999).map(Math.round)).toEqual([200, 400, 800, 1600, 2000, 2000])
    expect(BACKOFF_BASE_MS).toBe(200)
    expect(BACKOFF_CAP_MS).toBe(2000)
  })
})

describe('retryAfterMsOf', () => {
  const now = Date.parse('2026-01-01T00:00:00Z')
  it.each([
    ['150.5', undefined, 150.5],
    [undefined, '2', 2000],
    ['', '0', 0],
    [undefined, 'Thu, 01 Jan 2026 00:00:03 GMT', 3000],
    [undefined, 'soon', null],
    [undefined, '-1', null],
    [undefined, undefined, null],
    ['x', '1', 1000],
  ])('retry-after-ms %s, Retry-After %s → %s', (ms, header, expected) => {
    expect(retryAfterMsOf(ms, header, now)).toBe(expected)
  })
})

describe('route policy', () => {
  it('reads the route config with node metadata over it, in ms', () => {
    const config = { retries: 2, max_retry_wait: 5, first_token_timeout: 'adaptive', idle_timeout: 7 }
    expect(nodePolicy(config, { retries: 0, headers_timeout: 1.5 })).toEqual({
      retries: 0,
      maxRetryWaitMs: 5000,
      headersTimeoutMs: 1500,
      firstTokenTimeout: 'adaptive',
      firstTokenTimeoutMaxMs: null,
      idleTimeoutMs: 7000,
    })
    expect(nodePolicy(undefined, undefined)).toMatchObject({ retries: 0, maxRetryWaitMs: 10_000 })
  })

  it('names each bad key with its field', () => {
    const errors = policyErrors(
      { retries: 1.5, max_retry_wait: -1, first_token_timeout: 'slow', idle_timeout: 0, headers_timeout: 2 },
      'config',
    )
    expect(errors.map((e) => e.field)).toEqual([
      'config.retries',
      'config.max_retry_wait',
      'config.first_token_timeout',
      'config.idle_timeout',
    ])
    expect(errors[2]?.message).toContain("'adaptive'")
  })
})
