import { describe, expect, it } from 'vitest'
import type { NewRequestRow } from '../../db/requests.repo.js'
import { bucketOf, percentileOf, rollupsOf } from './rollup.js'

function row(at: string, extra: Partial<NewRequestRow> = {}): NewRequestRow {
  return {
    at,
    request_id: 'r',
    key_id: 1,
    endpoint: 'chat/completions',
    route: null,
    model: 'm',
    provider_id: 2,
    provider: 'p',
    served_model: 'm',
    stream: 0,
    status: 200,
    error_code: null,
    attempts: '[]',
    latency_ms: 120,
    ttft_ms: null,
    overhead_ms: 1,
    input_tokens: 10,
    output_tokens: 5,
    cached_input_tokens: null,
    reasoning_tokens: null,
    cost: 0.5,
    ...extra,
  }
}

describe('usage rollups', () => {
  it('cuts times to their minute, hour and day buckets', () => {
    expect(bucketOf('2026-12-03T07:41:59.999Z', 'minute')).toBe('2026-12-03T07:41')
    expect(bucketOf('2026-12-03T07:41:59.999Z', 'hour')).toBe('2026-12-03T07')
    expect(bucketOf('2026-12-03T07:41:59.999Z', 'day')).toBe('2026-12-03')
  })

  it('adds a batch up per bucket and group, counting errors and histogram buckets', () => {
    const rows = [
      row('2026-12-03T07:41:01.000Z'),
      row('2026-12-03T07:41:30.000Z', { status: 502, error_code: 'upstream_error', latency_ms: 3000 }),
      row('2026-12-03T07:42:00.000Z', { stream: 1, ttft_ms: 90, status: 200, error_code: 'stream_error' }),
    ]
    const sums = rollupsOf(rows)
    const minute = sums.filter((s) => s.bucket_size === 'minute')
    const hour = sums.filter((s) => s.bucket_size === 'hour')
    expect(minute.map((s) => [s.bucket, s.requests, s.errors])).toEqual([
      ['2026-12-03T07:41', 2, 1],
      ['2026-12-03T07:42', 1, 1],
    ])
    expect(hour).toHaveLength(1)
    expect(hour[0]).toMatchObject({ requests: 3, errors: 2, input_tokens: 30, output_tokens: 15, cost: 1.5 })
    expect([hour[0]?.latency_1, hour[0]?.latency_5, hour[0]?.ttft_0]).toEqual([2, 1, 1])
    const day = sums.filter((s) => s.bucket_size === 'day')
    expect(day.map((s) => [s.bucket, s.requests, s.errors])).toEqual([['2026-12-03', 3, 2]])
  })

  it('reads percentiles from the histogram, interpolated within a bucket', () => {
    expect(percentileOf([0, 0, 0], 0.5)).toBeNull()
    // ten requests in 100–250 ms: the median is halfway
    expect(percentileOf([0, 10, 0, 0, 0, 0, 0, 0, 0, 0], 0.5)).toBe(175)
    // past the last bound: its lower bound
    expect(percentileOf([0, 0, 0, 0, 0, 0, 0, 0, 0, 4], 0.95)).toBe(60_000)
  })
})
