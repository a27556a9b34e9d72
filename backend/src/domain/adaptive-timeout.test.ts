import { describe, expect, it } from 'vitest'
import { FirstTokenTimes, MIN_SAMPLES, WINDOW } from './adaptive-timeout.js'
import { attemptTimeouts, nodePolicy } from './route-policy.js'

const rule = { multiplier: 4, floorMs: 2000 }

describe('adaptive first-token timeout', () => {
  it('waits the maximum until enough samples were seen', () => {
    const times = new FirstTokenTimes(rule)
    for (let i = 0; i < MIN_SAMPLES - 1; i++) times.record(1, 'm', 300)
    expect(times.timeoutMs(1, 'm', 60_000)).toBe(60_000)
    times.record(1, 'm', 300)
    expect(times.timeoutMs(1, 'm', 60_000)).toBe(2000) // 4 × 300 ms is under the floor
  })

  it('gives a slow node a multiple of its p99, capped by the maximum', () => {
    const times = new FirstTokenTimes(rule)
    // 99 answers at 5 s, one at 9 s: the p99 (nearest rank) is 5 s
    for (let i = 0; i < 99; i++) times.record(2, 'reasoner', 5000)
    times.record(2, 'reasoner', 9000)
    expect(times.p99(2, 'reasoner')).toBe(5000)
    expect(times.timeoutMs(2, 'reasoner', 60_000)).toBe(20_000)
    expect(times.timeoutMs(2, 'reasoner', 15_000)).toBe(15_000)
  })

  it('keeps each provider and model apart and forgets samples older than the window', () => {
    const times = new FirstTokenTimes(rule)
    for (let i = 0; i < WINDOW; i++) times.record(3, 'a', 10_000)
    expect(times.timeoutMs(3, 'b', 60_000)).toBe(60_000)
    for (let i = 0; i < WINDOW; i++) times.record(3, 'a', 100)
    expect(times.p99(3, 'a')).toBe(100)
  })
})

describe('attemptTimeouts', () => {
  const globals = { headersTimeoutMs: 60_000, firstTokenTimeoutMs: 60_000, idleTimeoutMs: 30_000 }

  it('is the globals themselves for a node that sets none', () => {
    expect(attemptTimeouts(nodePolicy({ retries: 1 }, {}), globals, () => 1)).toBe(globals)
    expect(attemptTimeouts(undefined, globals, () => 1)).toBe(globals)
  })

  it("puts the node's over the route's over the globals", () => {
    const policy = nodePolicy({ headers_timeout: 10, first_token_timeout: 5 }, { first_token_timeout: 20 })
    expect(attemptTimeouts(policy, globals, () => 1)).toEqual({
      headersTimeoutMs: 10_000,
      firstTokenTimeoutMs: 20_000,
      idleTimeoutMs: 30_000,
    })
  })

  it('asks the adaptive rule with the configured maximum as its ceiling', () => {
    const seen: number[] = []
    const adaptive = (max: number) => {
      seen.push(max)
      return 1234
    }
    const withMax = nodePolicy({ first_token_timeout: 'adaptive', first_token_timeout_max: 90 }, {})
    expect(attemptTimeouts(withMax, globals, adaptive).firstTokenTimeoutMs).toBe(1234)
    attemptTimeouts(nodePolicy({ first_token_timeout: 'adaptive' }, {}), globals, adaptive)
    expect(seen).toEqual([90_000, 60_000])
  })
})
