/** SQL for the response-id → provider bindings (one row per Responses response the gateway saw made). */
import type { Kysely } from 'kysely'
import type { Database } from './schema.js'

export function createResponseBindingsRepo(db: Kysely<Database>) {
  return {
    /** One statement for many rows; an id seen again keeps its first provider. */
    async insertMany(
      rows: { response_id: string; provider_id: number; created_at: string }[],
    ): Promise<void> {
      if (rows.length === 0) return
      const unique = [...new Map(rows.map((r) => [r.response_id, r])).values()]
      await db
        .insertInto('response_bindings')
        .values(unique)
        .onConflict((c) => c.column('response_id').doNothing())
        .execute()
    },
    /** The provider of a binding made at or after `notBefore` (older ones are past the retention). */
    async providerOf(responseId: string, notBefore: string): Promise<number | null> {
      const row = await db
        .selectFrom('response_bindings')
        .select('provider_id')
        .where('response_id', '=', responseId)
        .where('created_at', '>=', notBefore)
        .executeTakeFirst()
      return row ? Number(row.provider_id) : null
    },
    /** Deletes bindings made before `cutoff`; returns how many. */
    async pruneBefore(cutoff: string): Promise<number> {
      const result = await db
        .deleteFrom('response_bindings')
        .where('created_at', '<', cutoff)
        .executeTakeFirst()
      return Number(result.numDeletedRows)
    },
  }
}

export type ResponseBindingsRepo = ReturnType<typeof createResponseBindingsRepo>
