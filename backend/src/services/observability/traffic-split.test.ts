/** Gateway traffic apart from the admin API's, and the per-minute history (issue 19 items 2 and 3). */
import { describe, expect, it } from 'vitest'
import { createMetrics, trafficClassOf } from './metrics.js'
import { HISTORY_MINUTES } from './traffic-history.js'

function clockAt(start: number) {
  const clock = { ms: start, now: () => clock.ms }
  return clock
}

const http = (route: string | null, path: string, statusCode: number, durationMs = 10) => ({
  method: 'GET',
  route,
  path,
  statusCode,
  durationMs,
})

const MINUTE = 60_000
const T0 = 1_700_000_040_000 // a minute's start

describe('gateway and admin traffic', () => {
  it('counts /v1 as gateway traffic, whether a route matched or not, and the rest as admin', () => {
    expect(trafficClassOf('/v1/chat/completions', '/v1/chat/completions')).toBe('gateway')
    expect(trafficClassOf(null, '/v1/nope')).toBe('gateway')
    expect(trafficClassOf('/api/providers', '/api/providers')).toBe('admin')
    expect(trafficClassOf(null, '/v1nope')).toBe('admin')
    expect(trafficClassOf('/metrics', '/metrics')).toBe('admin')
  })

  it("keeps the sign-in page's 401s out of the gateway's error rate", () => {
    const metrics = createMetrics({ providers: () => [] })
    for (let i = 0; i < 4; i++) metrics.recordHttp(http('/api/providers', '/api/providers', 401))
    metrics.recordHttp(http('/v1/chat/completions', '/v1/chat/completions', 200, 30))
    const stats = metrics.stats()
    expect(stats.error_rate).toBe(80)
    expect(stats.gateway).toEqual({
      total_requests: 1,
      total_errors: 0,
      error_rate: 0,
      average_duration_ms: 30,
      status_codes: { '200': 1 },
    })
    expect(stats.admin).toMatchObject({ total_requests: 4, total_errors: 4, error_rate: 100 })
  })
})

describe('per-minute history', () => {
  it('gives one point per minute, oldest first, with empty minutes as zeros', () => {
    const clock = clockAt(T0)
    const metrics = createMetrics({ providers: () => [], now: clock.now })
    metrics.recordHttp(http('/v1/chat/completions', '/v1/chat/completions', 200, 10))
    metrics.recordHttp(http('/v1/chat/completions', '/v1/chat/completions', 502, 30))
    metrics.recordHttp(http('/api/providers', '/api/providers', 401, 2))
    clock.ms += 2 * MINUTE + 5_000
    metrics.recordHttp(http('/v1/models', '/v1/models', 200, 4))

    const { resolution_seconds, points } = metrics.statsHistory(3)
    expect(resolution_seconds).toBe(60)
    expect(points.map((p) => p.timestamp)).toEqual([T0 / 1000, T0 / 1000 + 60, T0 / 1000 + 120])
    expect(points[0]).toEqual({
      timestamp: T0 / 1000,
      gateway: { requests: 2, errors: 1, avg_duration_ms: 20 },
      admin: { requests: 1, errors: 1, avg_duration_ms: 2 },
    })
    expect(points[1]?.gateway).toEqual({ requests: 0, errors: 0, avg_duration_ms: null })
    expect(points[2]?.gateway).toEqual({ requests: 1, errors: 0, avg_duration_ms: 4 })
  })

  it('keeps 24 hours at one-minute resolution and forgets what is older', () => {
    const clock = clockAt(T0)
    const metrics = createMetrics({ providers: () => [], now: clock.now })
    metrics.recordHttp(http('/v1/models', '/v1/models', 200))
    clock.ms += (HISTORY_MINUTES - 1) * MINUTE
    let points = metrics.statsHistory(HISTORY_MINUTES).points
    expect(points).toHaveLength(HISTORY_MINUTES)
    expect(points[0]).toMatchObject({ timestamp: T0 / 1000, gateway: { requests: 1 } })

    // one minute later the first minute has left the window, and its slot is reused cleanly
    clock.ms += MINUTE
    metrics.recordHttp(http('/v1/models', '/v1/models', 200))
    points = metrics.statsHistory(HISTORY_MINUTES).points
    expect(points.reduce((sum, p) => sum + p.gateway.requests, 0)).toBe(1)
    expect(points.at(-1)).toMatchObject({ gateway: { requests: 1 } })
    expect(metrics.statsHistory(100_000).points).toHaveLength(HISTORY_MINUTES)
  })
})
