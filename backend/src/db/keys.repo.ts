/** SQL for client keys (only their SHA-256 is stored); the one mapping between rows and ClientKey. */
import type { Kysely, Selectable } from 'kysely'
import type { ClientKey } from '../domain/model.js'
import type { ClientKeysTable, Database } from './schema.js'

function rowToClientKey(row: Selectable<ClientKeysTable>): ClientKey {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    created_at: row.created_at,
    last_used_at: row.last_used_at,
  }
}

export function createKeysRepo(db: Kysely<Database>) {
  return {
    async list(): Promise<ClientKey[]> {
      const rows = await db.selectFrom('client_keys').selectAll().orderBy('id').execute()
      return rows.map(rowToClientKey)
    },
    /** What the gateway's verifier needs: the hash of every live key and its id. */
    async listHashes(): Promise<{ id: number; key_hash: string }[]> {
      return db.selectFrom('client_keys').select(['id', 'key_hash']).execute()
    },
    async insert(row: {
      name: string
      key_hash: string
      prefix: string
      created_at: string
    }): Promise<ClientKey> {
      const inserted = await db.insertInto('client_keys').values(row).returningAll().executeTakeFirstOrThrow()
      return rowToClientKey(inserted)
    },
    async delete(id: number): Promise<boolean> {
      const result = await db.deleteFrom('client_keys').where('id', '=', id).executeTakeFirst()
      return Number(result.numDeletedRows) > 0
    },
    async touch(id: number, at: string): Promise<void> {
      await db.updateTable('client_keys').set({ last_used_at: at }).where('id', '=', id).execute()
    },
  }
}

export type KeysRepo = ReturnType<typeof createKeysRepo>
