/**
 * GET /api/usage: requests, errors, tokens, cost and p50/p95 latency and TTFT per group and time
 * bucket, read from the rollups the request log keeps on write (never a scan of the log).
 * Percentiles come from the rollups' histogram columns (bounds in db/migrations.ts): they are
 * estimates, exact to the bucket they fall in and interpolated inside it.
 */
import { fieldError } from '../../core/errors.js'
import { HISTOGRAM_COLUMNS } from '../../db/migrations.js'
import type { RequestsRepo, UsageGroup, UsageSums } from '../../db/requests.repo.js'
import { isoTime } from './requests.js'
import { type BucketSize, bucketOf, percentileOf } from './rollup.js'

export const GROUPS = { key: 'key_id', route: 'route', provider: 'provider_id', model: 'model' } as const
export type GroupBy = keyof typeof GROUPS
export type Interval = BucketSize

const COUNTERS = [
  'requests',
  'errors',
  'input_tokens',
  'output_tokens',
  'cached_input_tokens',
  'reasoning_tokens',
  'cost',
] as const
const LATENCY = Array.from({ length: HISTOGRAM_COLUMNS }, (_, i) => `latency_${i}`)
const TTFT = Array.from({ length: HISTOGRAM_COLUMNS }, (_, i) => `ttft_${i}`)
const COLUMNS = [...COUNTERS, ...LATENCY, ...TTFT]

/** The longest range one answer may cover, per interval (the number of points stays bounded). */
const MAX_RANGE_MS: Record<Interval, number> = {
  minute: 7 * 86_400_000,
  hour: 400 * 86_400_000,
  day: 400 * 86_400_000,
}

export interface UsageFigures {
  requests: number
  errors: number
  input_tokens: number
  output_tokens: number
  cached_input_tokens: number
  reasoning_tokens: number
  cost: number
  latency_p50_ms: number | null
  latency_p95_ms: number | null
  ttft_p50_ms: number | null
  ttft_p95_ms: number | null
}

/** A group's value: a key id, route name, provider id or model; 0 / '' stand for none → null. */
export interface UsageGroupValue {
  key: string | number | null
  /** group_by=provider: the provider's name as last recorded. */
  provider_name?: string
}

export interface UsagePoint extends UsageGroupValue, UsageFigures {
  bucket: string
}

export interface UsageAnswer {
  group_by: GroupBy
  interval: Interval
  from: string
  to: string
  data: UsagePoint[]
  totals: (UsageGroupValue & UsageFigures)[]
}

type Sums = Record<string, number>

function add(into: Sums, row: Sums): void {
  for (const c of COLUMNS) into[c] = (into[c] ?? 0) + Number(row[c] ?? 0)
}

function figures(sums: Sums): UsageFigures {
  const latency = LATENCY.map((c) => sums[c] ?? 0)
  const ttft = TTFT.map((c) => sums[c] ?? 0)
  return {
    requests: sums.requests ?? 0,
    errors: sums.errors ?? 0,
    input_tokens: sums.input_tokens ?? 0,
    output_tokens: sums.output_tokens ?? 0,
    cached_input_tokens: sums.cached_input_tokens ?? 0,
    reasoning_tokens: sums.reasoning_tokens ?? 0,
    cost: sums.cost ?? 0,
    latency_p50_ms: percentileOf(latency, 0.5),
    latency_p95_ms: percentileOf(latency, 0.95),
    ttft_p50_ms: percentileOf(ttft, 0.5),
    ttft_p95_ms: percentileOf(ttft, 0.95),
  }
}

function groupValue(groupBy: GroupBy, row: UsageSums): UsageGroupValue {
  const raw = row.group
  const key =
    raw === 0 || raw === '' || raw === '0'
      ? null
      : groupBy === 'route' || groupBy === 'model'
        ? String(raw)
        : Number(raw)
  return groupBy === 'provider' ? { key, provider_name: String(row.provider) } : { key }
}

function bucketTime(bucket: string, interval: Interval): string {
  if (interval === 'day') return `${bucket}T00:00:00.000Z`
  return interval === 'minute' ? `${bucket}:00.000Z` : `${bucket}:00:00.000Z`
}

export function createUsage(deps: { repo: RequestsRepo; now?: () => number }) {
  const now = deps.now ?? Date.now
  return {
    async query(q: {
      group_by: GroupBy
      interval?: Interval
      from?: string
      to?: string
    }): Promise<UsageAnswer> {
      const interval = q.interval ?? 'hour'
      const to = isoTime('to', q.to) ?? new Date(now()).toISOString()
      const from = isoTime('from', q.from) ?? new Date(Date.parse(to) - 86_400_000).toISOString()
      const span = Date.parse(to) - Date.parse(from)
      if (span <= 0) throw fieldError('from', 'must be before to')
      if (span > MAX_RANGE_MS[interval])
        throw fieldError(
          'interval',
          `${interval} buckets cover at most ${MAX_RANGE_MS[interval] / 86_400_000} days`,
        )
      const lastBucket = bucketOf(new Date(Date.parse(to) - 1).toISOString(), interval)
      const rows = await deps.repo.usage(
        interval,
        GROUPS[q.group_by] as UsageGroup,
        bucketOf(from, interval),
        lastBucket,
        COLUMNS,
      )
      const totals = new Map<string, { value: UsageGroupValue; sums: Sums }>()
      const data = rows.map((row) => {
        const value = groupValue(q.group_by, row)
        const id = String(value.key)
        let total = totals.get(id)
        if (!total) {
          total = { value, sums: {} }
          totals.set(id, total)
        }
        add(total.sums, row)
        const sums: Sums = {}
        add(sums, row)
        return { bucket: bucketTime(row.bucket, interval), ...value, ...figures(sums) }
      })
      const summed = [...totals.values()]
        .map((t) => ({ ...t.value, ...figures(t.sums) }))
        .sort((a, b) => b.cost - a.cost || b.requests - a.requests)
      return { group_by: q.group_by, interval, from, to, data, totals: summed }
    },
  }
}

export type UsageService = ReturnType<typeof createUsage>
