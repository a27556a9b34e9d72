/**
 * SQL for several replicas on one database: what a replica polls to see the others' changes, and
 * the lock that makes one of them the health prober.
 */
import type { Kysely } from 'kysely'
import type pg from 'pg'
import type { DatabaseConfig } from '../settings.js'
import type { Database, ReplicasTable } from './schema.js'

/** The health columns routing and passive checks depend on, per provider. */
export interface HealthFlags {
  id: number
  is_healthy: number
  consecutive_failures: number
  health_override: string | null
}

export function createReplicasRepo(db: Kysely<Database>) {
  return {
    /** One small query: a few integers per provider, ordered by id. */
    async healthFlags(): Promise<HealthFlags[]> {
      return db
        .selectFrom('providers')
        .select(['id', 'is_healthy', 'consecutive_failures', 'health_override'])
        .orderBy('id')
        .execute()
    },

    /** Registers this server (or refreshes it): one row per process, keyed by its own id. */
    async announce(row: ReplicasTable): Promise<void> {
      await db
        .insertInto('replicas')
        .values(row)
        .onConflict((oc) => oc.column('id').doUpdateSet({ seen_at: row.seen_at, secret_ids: row.secret_ids }))
        .execute()
    },

    async remove(id: string): Promise<void> {
      await db.deleteFrom('replicas').where('id', '=', id).execute()
    },

    /** The servers seen at or after `since` (ISO-8601): the ones still running. */
    async seenSince(since: string): Promise<ReplicasTable[]> {
      return db
        .selectFrom('replicas')
        .selectAll()
        .where('seen_at', '>=', since)
        .orderBy('started_at')
        .execute()
    },
  }
}

export type ReplicasRepo = ReturnType<typeof createReplicasRepo>

export interface LeaderLock {
  /** True while this process holds the lock (taking it when it is free). */
  tryHold(): Promise<boolean>
  /** Gives the lock up (closes its connection); tryHold may take it again later. */
  release(): Promise<void>
}

/**
 * PostgreSQL: a session advisory lock on a connection of its own, held for as long as the process
 * lives. The holder probes every cycle; the others skip theirs until the holder goes away (its
 * connection closes, PostgreSQL frees the lock, the next replica to try takes it). An advisory lock
 * taken per cycle inside a transaction would not do: the replicas' timers are not aligned, so each
 * would find it free a moment after the other released it, and both would probe.
 *
 * The key includes the current schema, so separate installations (or test schemas) sharing one
 * database do not block each other. SQLite: one process, always the holder.
 */
export function createLeaderLock(config: DatabaseConfig, name: string): LeaderLock {
  if (config.engine !== 'postgres') {
    return { tryHold: async () => true, release: async () => {} }
  }
  let client: pg.Client | null = null
  let held = false

  function forget(): void {
    client = null
    held = false
  }

  return {
    async tryHold(): Promise<boolean> {
      if (held && client) return true
      if (!client) {
        const { Client } = (await import('pg')).default
        const fresh = new Client({ connectionString: config.url })
        // A lost connection frees the lock on the server; try again at the next cycle.
        fresh.on('error', forget)
        fresh.on('end', forget)
        try {
          await fresh.connect()
        } catch (error) {
          fresh.removeAllListeners()
          throw error
        }
        client = fresh
      }
      const result = await client.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_lock(hashtext($1 || current_schema())) AS locked',
        [`switchboard:${name}:`],
      )
      held = result.rows[0]?.locked === true
      return held
    },

    async release(): Promise<void> {
      const current = client
      forget()
      if (current) {
        current.removeAllListeners('end')
        await current.end().catch(() => {})
      }
    },
  }
}
