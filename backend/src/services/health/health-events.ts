/**
 * The health timeline (issue 16 item 5): every change of a provider's state, with its reason and
 * time — a probe result that differs from the last, the health flag turning, a circuit opening,
 * going half-open or closing, a 429 cooldown starting (with its end), an override set or released
 * (with the credential that did it). Sources call `record` on their own path (the gateway's hot
 * path among them): events are queued in memory and written in batches off it, at most
 * MAX_QUEUED waiting (past that they are dropped and counted, never blocking a request).
 */
import type { Logger } from 'pino'
import { providerNotFound, validationFailed } from '../../core/errors.js'
import type { HealthEventRow, HealthEventsRepo } from '../../db/health-events.repo.js'

export const HEALTH_EVENT_KINDS = ['probe', 'health', 'circuit', 'cooldown', 'override'] as const
export type HealthEventKind = (typeof HEALTH_EVENT_KINDS)[number]

/** Who set or released an override: the admin token, or nobody (development mode, no token set). */
export type Actor = 'admin_token' | 'no_auth'

export interface HealthEvent {
  providerId: number
  kind: HealthEventKind
  state: string
  reason: string
  model?: string | null
  /** Epoch ms a cooldown ends. */
  until?: number | null
  actor?: Actor | null
}

/** An event as GET /api/providers/{id}/events shows it. */
export interface PublicHealthEvent {
  id: number
  at: string
  kind: HealthEventKind
  state: string
  reason: string
  model: string | null
  until: string | null
  actor: string | null
}

const MAX_QUEUED = 10_000

const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '+00:00')

export function createHealthEvents(deps: {
  repo: HealthEventsRepo
  log: Logger
  providerExists: (id: number) => Promise<boolean>
  now?: () => number
}) {
  const now = deps.now ?? Date.now
  let queue: HealthEventRow[] = []
  let flushing: Promise<void> = Promise.resolve()
  let isScheduled = false
  let dropped = 0
  let closed = false

  function flush(): Promise<void> {
    isScheduled = false
    const batch = queue
    queue = []
    flushing = flushing.then(async () => {
      if (batch.length === 0) return
      try {
        await deps.repo.insert(batch)
      } catch (error) {
        dropped += batch.length
        deps.log.error({ err: error, events: batch.length }, 'saving health events failed')
      }
    })
    return flushing
  }

  return {
    record(event: HealthEvent): void {
      if (closed) return
      if (queue.length >= MAX_QUEUED) {
        dropped += 1
        return
      }
      queue.push({
        provider_id: event.providerId,
        at: iso(now()),
        kind: event.kind,
        state: event.state,
        reason: event.reason,
        model: event.model ?? null,
        until: event.until == null ? null : iso(event.until),
        actor: event.actor ?? null,
      })
      if (isScheduled) return
      isScheduled = true
      setTimeout(() => void flush(), 0).unref()
    },

    /** Newest first; 404 for an unknown provider. */
    async list(providerId: number, limit: number): Promise<{ events: PublicHealthEvent[] }> {
      if (!Number.isInteger(limit) || limit < 1) throw validationFailed('limit must be a positive integer')
      if (!(await deps.providerExists(providerId))) throw providerNotFound(providerId)
      await flush()
      const rows = await deps.repo.recent(providerId, limit)
      return {
        events: rows.map((r) => ({
          id: r.id,
          at: r.at,
          kind: r.kind as HealthEventKind,
          state: r.state,
          reason: r.reason,
          model: r.model,
          until: r.until,
          actor: r.actor,
        })),
      }
    },

    get dropped(): number {
      return dropped
    },

    /** Writes what is queued; nothing is recorded afterwards. */
    async close(): Promise<void> {
      closed = true
      await flush()
    },
  }
}

export type HealthEvents = ReturnType<typeof createHealthEvents>
