/** SQL for the Responses the gateway answered by translation and keeps (store: true). */
import type { Kysely } from 'kysely'
import type { Database, StoredResponsesTable } from './schema.js'

export function createStoredResponsesRepo(db: Kysely<Database>) {
  return {
    /** The response and its output items, in one transaction. */
    async insert(row: StoredResponsesTable, items: { item_id: string; item: string }[]): Promise<void> {
      await db.transaction().execute(async (tx) => {
        await tx.insertInto('stored_responses').values(row).execute()
        if (items.length === 0) return
        await tx
          .insertInto('stored_response_items')
          .values(items.map((i) => ({ ...i, response_id: row.id })))
          .onConflict((c) => c.column('item_id').doNothing())
          .execute()
      })
    },
    /** A response made at or after `notBefore` (older ones are past the retention), or undefined. */
    async get(id: string, notBefore: string): Promise<StoredResponsesTable | undefined> {
      return db
        .selectFrom('stored_responses')
        .selectAll()
        .where('id', '=', id)
        .where('created_at', '>=', notBefore)
        .executeTakeFirst()
    },
    /** The stored output items among `ids` (of responses within the retention). */
    async items(ids: string[], notBefore: string): Promise<Map<string, string>> {
      if (ids.length === 0) return new Map()
      const rows = await db
        .selectFrom('stored_response_items as i')
        .innerJoin('stored_responses as r', 'r.id', 'i.response_id')
        .select(['i.item_id', 'i.item'])
        .where('i.item_id', 'in', ids)
        .where('r.created_at', '>=', notBefore)
        .execute()
      return new Map(rows.map((r) => [r.item_id, r.item]))
    },
    /** Deletes a response and its items; whether it was there. */
    async delete(id: string): Promise<boolean> {
      return db.transaction().execute(async (tx) => {
        await tx.deleteFrom('stored_response_items').where('response_id', '=', id).execute()
        const result = await tx.deleteFrom('stored_responses').where('id', '=', id).executeTakeFirst()
        return Number(result.numDeletedRows) > 0
      })
    },
    /** Deletes responses made before `cutoff` and their items; returns how many responses. */
    async pruneBefore(cutoff: string): Promise<number> {
      return db.transaction().execute(async (tx) => {
        const old = tx.selectFrom('stored_responses').select('id').where('created_at', '<', cutoff)
        await tx.deleteFrom('stored_response_items').where('response_id', 'in', old).execute()
        const result = await tx
          .deleteFrom('stored_responses')
          .where('created_at', '<', cutoff)
          .executeTakeFirst()
        return Number(result.numDeletedRows)
      })
    },
  }
}

export type StoredResponsesRepo = ReturnType<typeof createStoredResponsesRepo>
