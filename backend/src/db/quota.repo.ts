/**
 * SQL for the cluster's quota counters (issue 15 item 6): a replica leases a chunk of a key's
 * counter for a window in ONE statement (an upsert whose update clamps the grant to what is left
 * below the limit), so the grants of every replica together never pass the limit; it gives back
 * what it did not use, and charges usage beyond its reservation. The same SQL runs on SQLite and
 * PostgreSQL (CASE instead of LEAST/MIN; every SET reads the row as it was before the statement).
 */
import { type Kysely, sql } from 'kysely'
import type { Database } from './schema.js'

export type QuotaKind = 'requests' | 'tokens' | 'spend'

export interface QuotaKey {
  keyId: number
  kind: QuotaKind
  period: string
}

const asFloat = (n: number) => sql<number>`CAST(${n} AS DOUBLE PRECISION)`

export function createQuotaRepo(db: Kysely<Database>) {
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
