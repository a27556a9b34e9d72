/** How one request record adds to its minute, hour and day rollups (pure; the writer batches them). */

import { HISTOGRAM_COLUMNS, LATENCY_BUCKETS_MS } from '../../db/migrations.js'
import type { NewRequestRow, RollupRow } from '../../db/requests.repo.js'

export type BucketSize = 'minute' | 'hour' | 'day'
export const BUCKET_SIZES: readonly BucketSize[] = ['minute', 'hour', 'day']
const BUCKET_WIDTH: Record<BucketSize, number> = { minute: 16, hour: 13, day: 10 }

/** The bucket a time falls in: ISO text cut to the minute, hour or day (`2026-12-03T07:41`, `…T07`, `2026-12-03`). */
export function bucketOf(iso: string, size: BucketSize): string {
  return iso.slice(0, BUCKET_WIDTH[size])
}

export function histogramIndex(ms: number): number {
  const i = LATENCY_BUCKETS_MS.findIndex((bound) => ms <= bound)
  return i === -1 ? LATENCY_BUCKETS_MS.length : i
}

/** A request is an error when its status is not 2xx (a stream cut after the commit counts too). */
export function isError(row: Pick<NewRequestRow, 'status' | 'error_code'>): boolean {
  return row.status < 200 || row.status >= 300 || (row.error_code !== null && row.error_code !== undefined)
}

/** The batch's rows summed per bucket × key × route × provider × model, minute, hour and day. */
export function rollupsOf(rows: NewRequestRow[]): RollupRow[] {
  const byKey = new Map<string, RollupRow>()
  for (const row of rows) {
    for (const size of BUCKET_SIZES) {
      const bucket = bucketOf(row.at, size)
      const keyId = row.key_id ?? 0
      const route = row.route ?? ''
      const providerId = row.provider_id ?? 0
      const model = row.served_model ?? row.model
      const key = `${size}|${bucket}|${keyId}|${route}|${providerId}|${model}`
      let sum = byKey.get(key)
      if (!sum) {
        sum = {
          bucket_size: size,
          bucket,
          key_id: keyId,
          route,
          provider_id: providerId,
          provider: row.provider ?? '',
          model,
          requests: 0,
          errors: 0,
          input_tokens: 0,
          output_tokens: 0,
          cached_input_tokens: 0,
          reasoning_tokens: 0,
          cost: 0,
        } as RollupRow
        for (let i = 0; i < HISTOGRAM_COLUMNS; i++) {
          sum[`latency_${i}`] = 0
          sum[`ttft_${i}`] = 0
        }
        byKey.set(key, sum)
      }
      sum.requests += 1
      if (isError(row)) sum.errors += 1
      sum.input_tokens += row.input_tokens ?? 0
      sum.output_tokens += row.output_tokens ?? 0
      sum.cached_input_tokens += row.cached_input_tokens ?? 0
      sum.reasoning_tokens += row.reasoning_tokens ?? 0
      sum.cost += row.cost ?? 0
      const latency = `latency_${histogramIndex(row.latency_ms)}` as const
      sum[latency] = (sum[latency] ?? 0) + 1
      if (row.ttft_ms !== null && row.ttft_ms !== undefined) {
        const ttft = `ttft_${histogramIndex(row.ttft_ms)}` as const
        sum[ttft] = (sum[ttft] ?? 0) + 1
      }
    }
  }
  return [...byKey.values()]
}

/**
 * A percentile read from a histogram: the upper bound of the bucket it falls in, interpolated
 * linearly inside it (the last bucket, past 60 s, answers its lower bound). Null when empty.
 */
export function percentileOf(counts: number[], q: number): number | null {
  const total = counts.reduce((a, b) => a + b, 0)
  if (total === 0) return null
  const rank = q * total
  let seen = 0
  for (let i = 0; i < counts.length; i++) {
    const n = counts[i] ?? 0
    if (n > 0 && seen + n >= rank) {
      const lower = i === 0 ? 0 : (LATENCY_BUCKETS_MS[i - 1] ?? 0)
      const upper = LATENCY_BUCKETS_MS[i]
      if (upper === undefined) return lower
      return lower + ((upper - lower) * (rank - seen)) / n
    }
    seen += n
  }
  return LATENCY_BUCKETS_MS[LATENCY_BUCKETS_MS.length - 1] ?? null
}
