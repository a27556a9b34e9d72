/**
 * The request log's writer: the gateway's observer hands each finished request to `record`, which
 * only pushes it on a bounded queue (no I/O, no await). A timer drains the queue in batches, one
 * transaction each (records and their rollups). A failing or slow database never reaches the
 * request: the queue stays bounded, what does not fit or fails to write is dropped and counted
 * (`/metrics`: switchboard_request_log_dropped_total). Retention: see prune().
 */
import type { Logger } from 'pino'
import type { NewRequestRow, RequestsRepo } from '../../db/requests.repo.js'
import { costOf, type Price } from '../../domain/usage.js'
import type { GatewayRequestRecord, RequestDetail } from '../gateway/observer.js'
import { rollupsOf } from './rollup.js'

export const QUEUE_LIMIT = 10_000
const BATCH_SIZE = 500
/**
 * Records wait at most this long for their batch. Short on purpose: a record held for 200 ms
 * outlived the young generation's collections under load and was promoted, and the old
 * generation's work made the log cost 27 % of a JSON request's CPU (`npm run bench -- --log-compare`:
 * 307 vs 224 µs with the log off); at 25 ms it is 228 vs 200 µs, at 40–80 records per batch.
 */
const FLUSH_DELAY_MS = 25
const PRUNE_INTERVAL_MS = 60 * 60 * 1000
const PRUNE_BATCH = 5_000

export type DropReason = 'queue_full' | 'write_failed'

export interface RequestLogDeps {
  repo: RequestsRepo
  log: Pick<Logger, 'warn' | 'info' | 'debug'>
  retentionDays: number
  /** The price of a provider model, from memory (services/usage/prices.ts). */
  priceOf: (providerId: number, model: string) => Price | undefined
  now?: () => number
}

interface Pending {
  detail: RequestDetail
  status: number
  stream: boolean
  durationMs: number
  overheadMs: number | null
}

function rowOf(p: Pending, priceOf: RequestLogDeps['priceOf']): NewRequestRow {
  const { detail } = p
  const usage = detail.usage
  const price =
    detail.providerId !== null ? priceOf(detail.providerId, detail.servedModel ?? detail.model) : undefined
  return {
    at: new Date(detail.at).toISOString(),
    request_id: detail.requestId,
    key_id: detail.clientKeyId,
    endpoint: detail.endpoint,
    route: detail.route,
    model: detail.model,
    provider_id: detail.providerId,
    provider: detail.providerName,
    served_model: detail.servedModel,
    stream: p.stream ? 1 : 0,
    status: p.status,
    error_code: detail.errorCode,
    attempts: JSON.stringify(
      detail.attempts.map((a) => ({
        provider_id: a.providerId,
        provider: a.providerName,
        outcome: a.outcome,
        status: a.status,
        duration_ms: Math.round(a.durationMs * 10) / 10,
        ...(a.translated ? { translated: a.translated } : {}),
        ...(a.continuation ? { continuation: a.continuation } : {}),
      })),
    ),
    latency_ms: p.durationMs,
    ttft_ms: detail.ttftMs,
    overhead_ms: p.overheadMs,
    input_tokens: usage?.input ?? null,
    output_tokens: usage?.output ?? null,
    cached_input_tokens: usage?.cachedInput ?? null,
    reasoning_tokens: usage?.reasoning ?? null,
    cost: costOf(usage, price),
  }
}

export function createRequestLog(deps: RequestLogDeps) {
  const now = deps.now ?? Date.now
  let queue: Pending[] = []
  const dropped: Record<DropReason, number> = { queue_full: 0, write_failed: 0 }
  let written = 0
  let flushTimer: NodeJS.Timeout | null = null
  let writing: Promise<void> | null = null
  let isClosed = false
  let pruneTimer: NodeJS.Timeout | null = null
  let pruning: Promise<void> | null = null

  function enqueue(pending: Pending): void {
    if (isClosed) return
    if (queue.length >= QUEUE_LIMIT) {
      dropped.queue_full += 1
      return
    }
    queue.push(pending)
    if (!flushTimer && !writing) {
      flushTimer = setTimeout(flush, FLUSH_DELAY_MS)
      flushTimer.unref()
    }
  }

  function flush(): void {
    flushTimer = null
    if (writing || queue.length === 0) return
    writing = drain().finally(() => {
      writing = null
      if (queue.length > 0 && !isClosed) flush()
    })
  }

  async function drain(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.slice(0, BATCH_SIZE)
      queue = queue.slice(batch.length)
      try {
        const rows = batch.map((p) => rowOf(p, deps.priceOf))
        await deps.repo.insertBatch(rows, rollupsOf(rows))
        written += rows.length
      } catch (error) {
        dropped.write_failed += batch.length
        deps.log.warn({ err: error, records: batch.length }, 'request log: a batch could not be written')
        return
      }
    }
  }

  /**
   * Retention. PostgreSQL (a partition per day): makes the partitions of today and the next two
   * days, drops those of the days wholly older than the retention — one step a day, so a record
   * lives up to a day past it — and deletes by rows only what the default partition holds. SQLite:
   * deletes the old records in batches. Returns the records deleted row by row.
   */
  async function prune(): Promise<number> {
    const cutoff = new Date(now() - deps.retentionDays * 86_400_000).toISOString()
    if (deps.repo.partitioned) {
      await deps.repo.ensurePartitions(new Date(now()).toISOString().slice(0, 10))
      const dropped = await deps.repo.dropPartitionsBefore(cutoff.slice(0, 10))
      if (dropped.length > 0) deps.log.info({ partitions: dropped }, 'request log: dropped old days')
    }
    let total = 0
    for (;;) {
      const n = await deps.repo.pruneBefore(cutoff, PRUNE_BATCH)
      total += n
      if (n < PRUNE_BATCH) break
    }
    // rollups go with the records: the buckets ('…T07:41', '…T07', '2026-12-03') sort as text
    await deps.repo.pruneRollupsBefore(cutoff)
    return total
  }

  return {
    /** The gateway's observer calls this for every request it forwarded. */
    request(record: GatewayRequestRecord): void {
      if (!record.detail) return
      enqueue({
        detail: record.detail,
        status: record.status,
        stream: record.stream,
        durationMs: record.durationMs,
        overheadMs: Math.max(0, record.durationMs - record.upstreamMs),
      })
    },

    /** … and this for a request refused before any attempt. */
    rejected(detail: RequestDetail, status: number, durationMs: number): void {
      enqueue({ detail, status, stream: false, durationMs, overheadMs: durationMs })
    },

    stats: () => ({ queued: queue.length, written, dropped: { ...dropped } }),

    /** Writes what is queued now (tests, shutdown). */
    async flushNow(): Promise<void> {
      if (flushTimer) clearTimeout(flushTimer)
      flushTimer = null
      while (writing) await writing
      flush()
      while (writing) await writing
    },

    prune,

    /** Prunes at start and then every hour; failures are logged and retried at the next run. */
    startRetention(): void {
      const run = () => {
        if (pruning || isClosed) return
        pruning = prune()
          .then(() => undefined)
          .catch((error: unknown) => deps.log.warn({ err: error }, 'request log: pruning failed'))
          .finally(() => {
            pruning = null
          })
      }
      run()
      pruneTimer = setInterval(run, PRUNE_INTERVAL_MS)
      pruneTimer.unref()
    },

    /** Writes what is left (once), then takes no more. */
    async close(): Promise<void> {
      if (pruneTimer) clearInterval(pruneTimer)
      await pruning
      await this.flushNow()
      isClosed = true
    },
  }
}

export type RequestLog = ReturnType<typeof createRequestLog>
