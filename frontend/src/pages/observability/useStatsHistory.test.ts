import { describe, expect, it } from 'vitest'
import type { Stats } from '../../api/types'
import { addSample, computeSample } from './useStatsHistory'

function stats(total: number, errors: number, durations: number[]): Stats {
  return {
    mode: 'production',
    uptime_seconds: 100,
    total_requests: total,
    total_errors: errors,
    error_rate: 0,
    average_duration_ms: 0,
    status_codes: {},
    endpoints: Object.fromEntries(
      durations.map((d, i) => [
        `GET /e${i}`,
        { count: 1, total_duration_ms: d, avg_duration_ms: d, error_count: 0 },
      ]),
    ),
    recent_requests: [],
    providers: {},
  }
}

describe('computeSample', () => {
  it('opens the series without interval figures', () => {
    const first = computeSample(stats(10, 1, [100]), 0, undefined)
    expect(first.requestsPerMinute).toBeNull()
    expect(first.intervalAvgMs).toBeNull()
    expect(first.totalDurationMs).toBe(100)
  })

  it('turns totals into traffic per minute and the mean response of just that interval', () => {
    const first = computeSample(stats(10, 1, [100, 900]), 0, undefined)
    // 30 s later: 6 more requests (2 errors) that took 120 ms in all, across two endpoints
    const next = computeSample(stats(16, 3, [160, 960]), 30_000, first)
    expect(next.requests).toBe(6)
    expect(next.errors).toBe(2)
    expect(next.requestsPerMinute).toBe(12)
    expect(next.errorsPerMinute).toBe(4)
    expect(next.intervalAvgMs).toBe(20)
  })

  it('has no mean response for an interval without requests', () => {
    const first = computeSample(stats(10, 0, [100]), 0, undefined)
    const idle = computeSample(stats(10, 0, [100]), 30_000, first)
    expect(idle.requestsPerMinute).toBe(0)
    expect(idle.intervalAvgMs).toBeNull()
  })

  it('widens the last interval on a quick refresh instead of plotting a one-second spike', () => {
    let series = addSample([], stats(0, 0, [0]), 0)
    series = addSample(series, stats(30, 0, [300]), 30_000)
    series = addSample(series, stats(31, 0, [310]), 32_000)
    expect(series).toHaveLength(2)
    expect(series[1]?.requests).toBe(31)
    expect(series[1]?.at).toBe(32_000)
    series = addSample(series, stats(40, 0, [400]), 62_000)
    expect(series).toHaveLength(3)
    expect(series[2]?.requestsPerMinute).toBe(18)
  })

  it('starts a fresh series when the server restarted', () => {
    let series = addSample([], stats(50, 0, [0]), 0)
    series = addSample(series, stats(3, 0, [0]), 30_000)
    expect(series).toHaveLength(1)
    expect(series[0]?.requests).toBeNull()
  })
})
