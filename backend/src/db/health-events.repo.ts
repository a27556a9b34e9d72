/**
 * SQL for the health timeline (`health_events`): events are written in batches (one transaction)
 * and each provider keeps its newest EVENTS_KEPT, so the table stays bounded however long a
 * provider flaps.
 */
import type { Kysely } from 'kysely'
import type { Database } from './schema.js'

export const EVENTS_KEPT = 500

export interface HealthEventRow {
  provider_id: number
  at: string
  kind: string
  state: string
  reason: string
  model: string | null
  until: string | null
  actor: string | null
}

export function createHealthEventsRepo(db: Kysely<Database>) {
  return {
    /** Inserts the events of providers that still exist, then trims each provider's history. */
    async insert(events: readonly HealthEventRow[]): Promise<void> {
      if (events.length === 0) return
      const ids = [...new Set(events.map((e) => e.provider_id))]
      await db.transaction().execute(async (tx) => {
        const existing = await tx.selectFrom('providers').select('id').where('id', 'in', ids).execute()
        const known = new Set(existing.map((r) => r.id))
        const rows = events.filter((e) => known.has(e.provider_id))
        if (rows.length === 0) return
        await tx.insertInto('health_events').values(rows).execute()
        for (const id of known) {
          // The id of the oldest row to keep; NULL (fewer rows than that) deletes nothing.
          const oldestKept = tx
            .selectFrom('health_events')
            .select('id')
            .where('provider_id', '=', id)
            .orderBy('id', 'desc')
            .limit(1)
            .offset(EVENTS_KEPT - 1)
          await tx
            .deleteFrom('health_events')
            .where('provider_id', '=', id)
            .where('id', '<', oldestKept)
            .execute()
        }
      })
    },

    /** Newest first. */
    async recent(providerId: number, limit: number): Promise<(HealthEventRow & { id: number })[]> {
      return db
        .selectFrom('health_events')
        .selectAll()
        .where('provider_id', '=', providerId)
        .orderBy('id', 'desc')
        .limit(limit)
        .execute()
    },
  }
}

export type HealthEventsRepo = ReturnType<typeof createHealthEventsRepo>
