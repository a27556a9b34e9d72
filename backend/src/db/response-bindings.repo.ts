/** SQL for the response-id → provider bindings (one row per Responses response the gateway saw made). */
import type { Kysely } from 'kysely'
import type { Database } from './schema.js'

export function createResponseBindingsRepo(db: Kysely<Database>) {
  return {
    async insert(responseId: string, providerId: number, createdAt: string): Promise<void> {
      await db
        .insertInto('response_bindings')
        .values({ response_id: responseId, provider_id: providerId, created_at: createdAt })
        .onConflict((c) => c.column('response_id').doUpdateSet({ provider_id: providerId }))
        .execute()
    },
    async providerOf(responseId: string): Promise<number | null> {
      const row = await db
        .selectFrom('response_bindings')
        .select('provider_id')
        .where('response_id', '=', responseId)
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
