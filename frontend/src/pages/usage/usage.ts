/**
 * The Usage page's rules, apart from the page so they can be tested: which range and interval a
 * choice means, how a group is named, and how the answer of GET /api/usage becomes one line per
 * group over evenly spaced buckets.
 */
import type { UsageAnswer, UsagePoint, UsageTotals } from '../../api/types'
import type { UsageQuery } from '../../api/usage'

export type RangeChoice = '1h' | '6h' | '24h' | '7d' | '30d'
export type GroupBy = UsageQuery['group_by']

const HOUR = 3_600_000
const MINUTE = 60_000

/** Each range with the interval that keeps its points few: minutes up to 6 h, hours beyond. */
export const RANGES: Record<RangeChoice, { label: string; ms: number; interval: 'minute' | 'hour' }> = {
  '1h': { label: 'Last hour', ms: HOUR, interval: 'minute' },
  '6h': { label: 'Last 6 hours', ms: 6 * HOUR, interval: 'minute' },
  '24h': { label: 'Last 24 hours', ms: 24 * HOUR, interval: 'hour' },
  '7d': { label: 'Last 7 days', ms: 7 * 24 * HOUR, interval: 'hour' },
  '30d': { label: 'Last 30 days', ms: 30 * 24 * HOUR, interval: 'hour' },
}

/** The query for a range ending now; `to` is the end of the current bucket so it is included. */
export function usageQuery(groupBy: GroupBy, range: RangeChoice, now: number): Required<UsageQuery> {
  const { ms, interval } = RANGES[range]
  const step = interval === 'minute' ? MINUTE : HOUR
  const to = Math.floor(now / step) * step + step
  return {
    group_by: groupBy,
    interval,
    from: new Date(to - ms).toISOString(),
    to: new Date(to).toISOString(),
  }
}

export type Metric =
  | 'requests'
  | 'tokens'
  | 'cost'
  | 'errors'
  | 'latency_p50_ms'
  | 'latency_p95_ms'
  | 'ttft_p50_ms'
  | 'ttft_p95_ms'

export const METRICS: { value: Metric; label: string }[] = [
  { value: 'requests', label: 'Requests' },
  { value: 'tokens', label: 'Tokens (input + output)' },
  { value: 'cost', label: 'Cost' },
  { value: 'errors', label: 'Errors' },
  { value: 'latency_p50_ms', label: 'Latency p50 (ms)' },
  { value: 'latency_p95_ms', label: 'Latency p95 (ms)' },
  { value: 'ttft_p50_ms', label: 'Time to first token p50 (ms)' },
  { value: 'ttft_p95_ms', label: 'Time to first token p95 (ms)' },
]

/** A bucket with no traffic counts zero; a percentile of no traffic is unknown (a gap in the line). */
export function metricOf(point: UsagePoint | UsageTotals, metric: Metric): number | null {
  if (metric === 'tokens') return point.input_tokens + point.output_tokens
  return point[metric]
}

const isCount = (metric: Metric) =>
  metric === 'requests' || metric === 'tokens' || metric === 'cost' || metric === 'errors'

export interface Names {
  keys: Map<number, string>
  providers: Map<number, string>
}

/** What a group is called: a key's name, a provider's name, a route or model; none has its own word. */
export function groupName(
  groupBy: GroupBy,
  group: Pick<UsageTotals, 'key' | 'provider_name'>,
  names: Names,
): string {
  const { key } = group
  if (groupBy === 'key') {
    if (key === null) return 'Admin token / no key'
    return names.keys.get(Number(key)) ?? `Key #${key} (revoked)`
  }
  if (groupBy === 'provider') {
    if (key === null) return 'No provider'
    return group.provider_name ?? names.providers.get(Number(key)) ?? `Provider #${key}`
  }
  if (key === null || key === '') return groupBy === 'route' ? 'No route (a model asked directly)' : '—'
  return String(key)
}

export interface Line {
  id: string
  name: string
  /** [epoch ms, value] per bucket of the range, oldest first. */
  points: [number, number | null][]
}

const groupId = (key: UsageTotals['key']) => (key === null ? '∅' : String(key))

/**
 * One line per group (at most `limit`, in the answer's order: by cost, then requests), one point per
 * bucket of the range so a quiet bucket shows as zero instead of a line drawn across it.
 */
export function linesOf(answer: UsageAnswer, metric: Metric, names: Names, limit = 8): Line[] {
  const step = answer.interval === 'minute' ? MINUTE : HOUR
  const from = Date.parse(answer.from)
  const to = Date.parse(answer.to)
  const buckets: number[] = []
  for (let t = Math.ceil(from / step) * step; t < to; t += step) buckets.push(t)
  const byGroup = new Map<string, Map<number, UsagePoint>>()
  for (const point of answer.data) {
    const id = groupId(point.key)
    let points = byGroup.get(id)
    if (!points) {
      points = new Map()
      byGroup.set(id, points)
    }
    points.set(Date.parse(point.bucket), point)
  }
  const empty = isCount(metric) ? 0 : null
  return answer.totals.slice(0, limit).map((total) => {
    const points = byGroup.get(groupId(total.key)) ?? new Map<number, UsagePoint>()
    return {
      id: groupId(total.key),
      name: groupName(answer.group_by as GroupBy, total, names),
      points: buckets.map((t): [number, number | null] => {
        const point = points.get(t)
        return [t, point ? metricOf(point, metric) : empty]
      }),
    }
  })
}

/** Cost has no currency (prices are in the operator's own); small amounts keep their digits. */
export function formatCost(cost: number): string {
  if (cost === 0) return '0'
  if (Math.abs(cost) < 1) return String(Number(cost.toPrecision(3)))
  return cost.toFixed(2)
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US')
}
