/** SQL for client keys (only their SHA-256 is stored); the one mapping between rows and ClientKey. */
import type { Kysely, Selectable } from 'kysely'
import { parseJsonColumn } from '../core/json.js'
import { type KeyPolicy, policyOf } from '../domain/key-policy.js'
import type { ClientKeyRecord } from '../domain/model.js'
import type { ClientKeysTable, Database } from './schema.js'

function rowToClientKey(row: Selectable<ClientKeysTable>): ClientKeyRecord {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    created_at: row.created_at,
    last_used_at: row.last_used_at,
    ...policyOf(parseJsonColumn<Partial<KeyPolicy>>(row.policy, {})),
  }
}

export function createKeysRepo(db: Kysely<Database>) {
  return {
    async list(): Promise<ClientKeyRecord[]> {
      const rows = await db.selectFrom('client_keys').selectAll().orderBy('id').execute()
      return rows.map(rowToClientKey)
    },
    async get(id: number): Promise<ClientKeyRecord | null> {
      const row = await db.selectFrom('client_keys').selectAll().where('id', '=', id).executeTakeFirst()
      return row ? rowToClientKey(row) : null
    },
    /** What the gateway's verifier needs: the hash of every live key, its id and its policy. */
    async listHashes(): Promise<{ id: number; key_hash: string; policy: KeyPolicy }[]> {
      const rows = await db.selectFrom('client_keys').select(['id', 'key_hash', 'policy']).execute()
      return rows.map((r) => ({
        id: r.id,
        key_hash: r.key_hash,
        policy: policyOf(parseJsonColumn<Partial<KeyPolicy>>(r.policy, {})),
      }))
    },
    async insert(row: {
      name: string
      key_hash: string
      prefix: string
      created_at: string
    }): Promise<ClientKeyRecord> {
      const inserted = await db.insertInto('client_keys').values(row).returningAll().executeTakeFirstOrThrow()
      return rowToClientKey(inserted)
    },
    /** Sets the name and the whole policy; false when the key does not exist. */
    async update(id: number, fields: { name: string; policy: KeyPolicy }): Promise<boolean> {
      const result = await db
        .updateTable('client_keys')
        .set({ name: fields.name, policy: JSON.stringify(fields.policy) })
        .where('id', '=', id)
        .executeTakeFirst()
      return Number(result.numUpdatedRows) > 0
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
