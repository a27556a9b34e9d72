import { describe, expect, it } from 'vitest'
import { hasTraffic, toChartPoints } from './history'

const points = [
  {
    timestamp: 1_700_000_040,
    gateway: { requests: 3, errors: 1, avg_duration_ms: 12.5 },
    admin: { requests: 9, errors: 4, avg_duration_ms: 2 },
  },
  {
    timestamp: 1_700_000_100,
    gateway: { requests: 0, errors: 0, avg_duration_ms: null },
    admin: { requests: 1, errors: 0, avg_duration_ms: 1 },
  },
]

describe('chart points from the server history', () => {
  it('takes the chosen kind of traffic, minute by minute', () => {
    expect(toChartPoints(points, 'gateway')).toEqual([
      { at: 1_700_000_040_000, requests: 3, errors: 1, avgMs: 12.5 },
      { at: 1_700_000_100_000, requests: 0, errors: 0, avgMs: null },
    ])
    expect(toChartPoints(points, 'admin')[0]).toMatchObject({ requests: 9, errors: 4 })
  })

  it('knows a window without traffic', () => {
    expect(hasTraffic(toChartPoints(points, 'gateway'))).toBe(true)
    expect(hasTraffic(toChartPoints([points[1] as (typeof points)[number]], 'gateway'))).toBe(false)
  })
})
