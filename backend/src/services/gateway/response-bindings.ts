/**
 * Which provider made which Responses response id. A follow-up (`previous_response_id`) and the
 * lookups (`GET/DELETE /v1/responses/{id}`, cancel, input_items) must go to that provider: the
 * conversation lives there. The binding is in the database so every replica agrees; a small
 * in-process map answers this replica's own follow-ups without waiting for the write. Rows older
 * than BACKEND_RESPONSE_BINDING_RETENTION_DAYS are pruned every hour (and at start).
 *
 * The only database queries on the gateway path: a batched insert (every 100 ms) of the ids
 * answered meanwhile, one select per follow-up or lookup this replica did not bind itself.
 */

import type { Logger } from 'pino'
import { periodic } from '../../core/periodic.js'
import type { ResponseBindingsRepo } from '../../db/response-bindings.repo.js'

export interface ResponseBindings {
  /** Remembers the binding; the write happens in the background (failures are logged). */
  record(responseId: string, providerId: number): void
  lookup(responseId: string): Promise<number | null>
}

const RECENT_MAX = 10_000
const PRUNE_EVERY_MS = 60 * 60 * 1000
const FLUSH_EVERY_MS = 100
const FLUSH_MAX = 500

export function createResponseBindings(deps: {
  repo: ResponseBindingsRepo
  retentionDays: number
  log: Pick<Logger, 'warn'>
  now?: () => number
}) {
  const now = deps.now ?? Date.now
  const retentionMs = deps.retentionDays * 86_400_000
  const recent = new Map<string, { providerId: number; at: number }>()
  const writes = new Set<Promise<void>>()
  // writes are batched (one multi-row insert every FLUSH_EVERY_MS): one insert per answer would cost
  // more than the rest of the request; this replica answers its own follow-ups from `recent` meanwhile
  let queued: { response_id: string; provider_id: number; created_at: string }[] = []
  let flushTimer: NodeJS.Timeout | null = null

  function flush(): void {
    if (flushTimer) clearTimeout(flushTimer)
    flushTimer = null
    if (queued.length === 0) return
    const rows = queued
    queued = []
    const write = deps.repo
      .insertMany(rows)
      .catch((error) => deps.log.warn({ err: error }, 'could not store response bindings'))
      .finally(() => writes.delete(write))
    writes.add(write)
  }

  async function prune(): Promise<number> {
    const cutoff = now() - retentionMs
    for (const [id, entry] of recent) if (entry.at < cutoff) recent.delete(id)
    return deps.repo.pruneBefore(new Date(cutoff).toISOString())
  }

  const pruning = periodic(prune, Math.min(PRUNE_EVERY_MS, retentionMs), (error) =>
    deps.log.warn({ err: error }, 'pruning response bindings failed'),
  )

  return {
    record(responseId: string, providerId: number): void {
      const at = now()
      recent.delete(responseId)
      recent.set(responseId, { providerId, at })
      if (recent.size > RECENT_MAX) recent.delete(recent.keys().next().value as string)
      queued.push({
        response_id: responseId,
        provider_id: providerId,
        created_at: new Date(at).toISOString(),
      })
      if (queued.length >= FLUSH_MAX) flush()
      else if (!flushTimer) {
        flushTimer = setTimeout(flush, FLUSH_EVERY_MS)
        flushTimer.unref()
      }
    },
    async lookup(responseId: string): Promise<number | null> {
      const entry = recent.get(responseId)
      if (entry) return entry.at >= now() - retentionMs ? entry.providerId : null
      return deps.repo.providerOf(responseId, new Date(now() - retentionMs).toISOString())
    },
    prune,
    start: () => pruning.start(),
    /** Stops the pruning and waits for the writes in flight (before the database closes). */
    async stop(): Promise<void> {
      pruning.stop()
      flush()
      await Promise.all([...writes])
    },
  }
}
