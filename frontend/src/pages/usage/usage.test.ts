import { describe, expect, it } from 'vitest'
import type { UsageAnswer } from '../../api/types'
import { formatCost, groupName, linesOf, usageQuery } from './usage'

const figures = {
  requests: 0,
  errors: 0,
  input_tokens: 0,
  output_tokens: 0,
  cached_input_tokens: 0,
  reasoning_tokens: 0,
  cost: 0,
  latency_p50_ms: null,
  latency_p95_ms: null,
  ttft_p50_ms: null,
  ttft_p95_ms: null,
}
const names = { keys: new Map([[7, 'ci-bot']]), providers: new Map([[2, 'Azure']]) }

describe('usageQuery', () => {
  const now = Date.parse('2026-12-03T09:41:30.500Z')

  it('asks minutes for an hour, ending with the current minute', () => {
    expect(usageQuery('model', '1h', now)).toEqual({
      group_by: 'model',
      interval: 'minute',
      from: '2026-12-03T08:42:00.000Z',
      to: '2026-12-03T09:42:00.000Z',
    })
  })

  it('asks hours for 30 days, ending with the current hour', () => {
    const q = usageQuery('key', '30d', now)
    expect(q.interval).toBe('hour')
    expect(q.to).toBe('2026-12-03T10:00:00.000Z')
    expect(Date.parse(q.to) - Date.parse(q.from)).toBe(30 * 86_400_000)
  })
})

describe('groupName', () => {
  it('names keys and providers, and says what a missing group is', () => {
    expect(groupName('key', { key: 7 }, names)).toBe('ci-bot')
    expect(groupName('key', { key: 9 }, names)).toBe('Key #9 (revoked)')
    expect(groupName('key', { key: null }, names)).toBe('Admin token / no key')
    expect(groupName('provider', { key: 2, provider_name: 'azure-east' }, names)).toBe('azure-east')
    expect(groupName('provider', { key: 2 }, names)).toBe('Azure')
    expect(groupName('route', { key: null }, names)).toBe('No route (a model asked directly)')
    expect(groupName('model', { key: 'gpt-4o' }, names)).toBe('gpt-4o')
  })
})

describe('linesOf', () => {
  const answer: UsageAnswer = {
    group_by: 'key',
    interval: 'minute',
    from: '2026-12-03T09:00:00.000Z',
    to: '2026-12-03T09:03:00.000Z',
    data: [
      {
        bucket: '2026-12-03T09:00:00.000Z',
        key: 7,
        ...figures,
        requests: 2,
        input_tokens: 10,
        output_tokens: 4,
      },
      { bucket: '2026-12-03T09:02:00.000Z', key: 7, ...figures, requests: 1, latency_p95_ms: 120 },
      { bucket: '2026-12-03T09:01:00.000Z', key: null, ...figures, requests: 5 },
    ],
    totals: [
      { key: 7, ...figures, requests: 3, cost: 1 },
      { key: null, ...figures, requests: 5 },
    ],
  }

  it('gives one line per group in the totals order, with a point in every bucket', () => {
    const lines = linesOf(answer, 'requests', names)
    expect(lines.map((l) => l.name)).toEqual(['ci-bot', 'Admin token / no key'])
    const t0 = Date.parse('2026-12-03T09:00:00.000Z')
    expect(lines[0]?.points).toEqual([
      [t0, 2],
      [t0 + 60_000, 0],
      [t0 + 120_000, 1],
    ])
    expect(lines[1]?.points.map((p) => p[1])).toEqual([0, 5, 0])
  })

  it('adds input and output for tokens, and leaves a gap where a percentile is unknown', () => {
    expect(linesOf(answer, 'tokens', names)[0]?.points.map((p) => p[1])).toEqual([14, 0, 0])
    expect(linesOf(answer, 'latency_p95_ms', names)[0]?.points.map((p) => p[1])).toEqual([null, null, 120])
  })

  it('draws at most the first groups', () => {
    expect(linesOf(answer, 'requests', names, 1)).toHaveLength(1)
  })
})

describe('formatCost', () => {
  it('keeps the digits of small amounts and cents of large ones', () => {
    expect(formatCost(0)).toBe('0')
    expect(formatCost(0.027)).toBe('0.027')
    expect(formatCost(0.000123456)).toBe('0.000123')
    expect(formatCost(12.345)).toBe('12.35')
  })
})
