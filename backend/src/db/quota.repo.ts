/**
 * SQL for the cluster's quota counters (issue 15 item 6): a replica leases a chunk of a key's
 * counter for a window in ONE statement (an upsert whose update clamps the grant to what is left
 * below the limit), so the grants of every replica together never pass the limit; it gives back
 * what it did not use, and charges usage beyond its reservation. The same SQL runs on SQLite and
 * PostgreSQL (CASE instead of LEAST/MIN; every SET reads the row as it was before the statement).
 *
 * Concurrency is not a counter of a window but a level: each replica holds slots of a key
 * (`key_concurrency`, one row per key and replica) until a time it renews; a lease sums the other
 * replicas' live slots, so it needs them to stand still while it reads. On PostgreSQL it first
 * writes the key's lock row (`replica = ''`), whose row lock queues every other lease of the key
 * until this one commits. On SQLite the one statement is enough: a write statement takes the
 * database's write lock before it reads (and a transaction held across an await would make a second
 * connection in the same process wait in better-sqlite3's synchronous busy handler, blocking the
 * very event loop that would commit it).
 */
import { type Kysely, sql } from 'kysely'
import type { Database, Engine } from './schema.js'

export type QuotaKind = 'requests' | 'tokens' | 'spend'

export interface SlotLease {
  keyId: number
  replica: string
  /** Slots in use on this replica: it keeps them whatever the others hold. */
  keep: number
  /** Slots it asks for (keep included); it gets what is left below the limit, down to `keep`. */
  want: number
  limit: number
  /** Other replicas' slots count until their `expires_at` passes this time (ISO-8601). */
  now: string
  expiresAt: string
}

export interface QuotaKey {
  keyId: number
  kind: QuotaKind
  period: string
}

const asFloat = (n: number) => sql<number>`CAST(${n} AS DOUBLE PRECISION)`
const asInt = (n: number) => sql<number>`CAST(${n} AS INTEGER)`

/** Sets this replica's slots of a key to what the others' live leases leave (one statement). */
async function grantSlots(db: Kysely<Database>, lease: SlotLease): Promise<number> {
  const { keyId, replica } = lease
  const left = sql`${asInt(lease.limit)} - o.others`
  const result = await sql<{ held: number }>`
    INSERT INTO key_concurrency (key_id, replica, held, expires_at)
    SELECT ${asInt(keyId)}, ${replica},
      CASE WHEN ${left} >= ${asInt(lease.want)} THEN ${asInt(lease.want)}
        WHEN ${left} > ${asInt(lease.keep)} THEN ${left} ELSE ${asInt(lease.keep)} END,
      ${lease.expiresAt}
    FROM (SELECT coalesce(sum(held), 0) AS others FROM key_concurrency
      WHERE key_id = ${asInt(keyId)} AND replica <> ${replica} AND expires_at > ${lease.now}) AS o
    WHERE 1 = 1
    ON CONFLICT (key_id, replica) DO UPDATE SET held = excluded.held, expires_at = excluded.expires_at
    RETURNING held`.execute(db)
  return Number(result.rows[0]?.held ?? lease.keep)
}

export function createQuotaRepo(db: Kysely<Database>, engine: Engine = 'sqlite') {
  const where = (key: QuotaKey) =>
    db
      .updateTable('key_quota')
      .where('key_id', '=', key.keyId)
      .where('kind', '=', key.kind)
      .where('period', '=', key.period)

  return {
    /**
     * Leases up to `chunk` of the counter below `limit`: answers what was granted (0 when nothing
     * is left) and how much the cluster has leased now, grant included.
     */
    async lease(key: QuotaKey, chunk: number, limit: number): Promise<{ granted: number; leased: number }> {
      const first = Math.max(0, Math.min(chunk, limit))
      const grant = sql<number>`CASE WHEN key_quota.leased >= ${asFloat(limit)} THEN ${asFloat(0)} WHEN ${asFloat(limit)} - key_quota.leased < ${asFloat(chunk)} THEN ${asFloat(limit)} - key_quota.leased ELSE ${asFloat(chunk)} END`
      const row = await db
        .insertInto('key_quota')
        .values({ key_id: key.keyId, kind: key.kind, period: key.period, leased: first, granted: first })
        .onConflict((oc) =>
          oc.columns(['key_id', 'kind', 'period']).doUpdateSet({
            granted: grant,
            leased: sql<number>`key_quota.leased + ${grant}`,
          }),
        )
        .returning(['granted', 'leased'])
        .executeTakeFirstOrThrow()
      return { granted: Number(row.granted), leased: Number(row.leased) }
    },

    /** Gives back `amount` of a lease (never below zero). */
    async giveBack(key: QuotaKey, amount: number): Promise<void> {
      if (amount <= 0) return
      await where(key)
        .set({
          leased: sql<number>`CASE WHEN leased > ${asFloat(amount)} THEN leased - ${asFloat(amount)} ELSE ${asFloat(0)} END`,
        })
        .execute()
    },

    /** Charges usage beyond what was leased (it may pass the limit: the documented overshoot). */
    async charge(key: QuotaKey, amount: number): Promise<number> {
      const row = await db
        .insertInto('key_quota')
        .values({ key_id: key.keyId, kind: key.kind, period: key.period, leased: amount, granted: 0 })
        .onConflict((oc) =>
          oc.columns(['key_id', 'kind', 'period']).doUpdateSet({
            leased: sql<number>`key_quota.leased + ${asFloat(amount)}`,
          }),
        )
        .returning(['leased'])
        .executeTakeFirstOrThrow()
      return Number(row.leased)
    },

    /** What the cluster has leased of each counter in the windows given (the key list's consumption). */
    async leased(
      periods: string[],
    ): Promise<{ key_id: number; kind: string; period: string; leased: number }[]> {
      if (periods.length === 0) return []
      const rows = await db
        .selectFrom('key_quota')
        .select(['key_id', 'kind', 'period', 'leased'])
        .where('period', 'in', periods)
        .execute()
      return rows.map((r) => ({ ...r, leased: Number(r.leased) }))
    },

    /** Sets this replica's slots of a key to what the cluster leaves it; answers what it holds now. */
    async leaseSlots(lease: SlotLease): Promise<number> {
      if (engine !== 'postgres') return grantSlots(db, lease)
      return db.transaction().execute(async (tx) => {
        await tx
          .insertInto('key_concurrency')
          .values({ key_id: lease.keyId, replica: '', held: 0, expires_at: '' })
          .onConflict((oc) => oc.columns(['key_id', 'replica']).doUpdateSet({ held: 0 }))
          .execute()
        // read after the lock: each statement of the transaction sees what the others committed
        return grantSlots(tx, lease)
      })
    },

    /** Lowers this replica's slots of a key (giving them back needs no lock: nobody is refused for it). */
    async setSlots(keyId: number, replica: string, held: number): Promise<void> {
      await db
        .updateTable('key_concurrency')
        .set({ held })
        .where('key_id', '=', keyId)
        .where('replica', '=', replica)
        .execute()
    },

    /** Renews every slot this replica holds until `expiresAt`, and removes slots expired before `now`. */
    async renewSlots(replica: string, now: string, expiresAt: string): Promise<void> {
      await db
        .updateTable('key_concurrency')
        .set({ expires_at: expiresAt })
        .where('replica', '=', replica)
        .where('expires_at', '<', expiresAt) // never shortens a lease written meanwhile
        .execute()
      await db
        .deleteFrom('key_concurrency')
        .where('replica', '<>', '')
        .where('expires_at', '<', now)
        .execute()
    },

    /** Gives back every slot of this replica (at shutdown). */
    async dropSlots(replica: string): Promise<void> {
      await db.deleteFrom('key_concurrency').where('replica', '=', replica).execute()
    },

    /** Removes the key's rows of this counter for other (past) windows. */
    async pruneOthers(key: QuotaKey): Promise<void> {
      await db
        .deleteFrom('key_quota')
        .where('key_id', '=', key.keyId)
        .where('kind', '=', key.kind)
        .where('period', '<>', key.period)
        .execute()
    },
  }
}

export type QuotaRepo = ReturnType<typeof createQuotaRepo>
