/** SQL for the prices per provider model; the one mapping between rows and the API's Price. */
import type { Kysely, Selectable, Transaction } from 'kysely'
import type { PriceInput } from '../domain/usage.js'
import type { Database, PricesTable } from './schema.js'

export interface PriceRecord extends PriceInput {
  cached_input_per_million: number | null
  updated_at: string
}

function rowToPrice(row: Selectable<PricesTable>): PriceRecord {
  return {
    provider_id: row.provider_id,
    model: row.model,
    input_per_million: row.input_per_million,
    output_per_million: row.output_per_million,
    cached_input_per_million: row.cached_input_per_million,
    updated_at: row.updated_at,
  }
}

function values(price: PriceInput, at: string) {
  return {
    provider_id: price.provider_id,
    model: price.model,
    input_per_million: price.input_per_million,
    output_per_million: price.output_per_million,
    cached_input_per_million: price.cached_input_per_million ?? null,
    updated_at: at,
  }
}

async function upsertAll(db: Kysely<Database> | Transaction<Database>, prices: PriceInput[], at: string) {
  for (let i = 0; i < prices.length; i += 500) {
    await db
      .insertInto('prices')
      .values(prices.slice(i, i + 500).map((p) => values(p, at)))
      .onConflict((oc) =>
        oc.columns(['provider_id', 'model']).doUpdateSet((eb) => ({
          input_per_million: eb.ref('excluded.input_per_million'),
          output_per_million: eb.ref('excluded.output_per_million'),
          cached_input_per_million: eb.ref('excluded.cached_input_per_million'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute()
  }
}

export function createPricesRepo(db: Kysely<Database>) {
  return {
    async list(): Promise<PriceRecord[]> {
      const rows = await db.selectFrom('prices').selectAll().orderBy('provider_id').orderBy('model').execute()
      return rows.map(rowToPrice)
    },
    /** Sets the prices given (one transaction), leaving the others. */
    async upsert(prices: PriceInput[], at: string): Promise<void> {
      await db.transaction().execute((tx) => upsertAll(tx, prices, at))
    },
    async delete(providerId: number, model: string): Promise<boolean> {
      const result = await db
        .deleteFrom('prices')
        .where('provider_id', '=', providerId)
        .where('model', '=', model)
        .executeTakeFirst()
      return Number(result.numDeletedRows) > 0
    },
    async providerIds(): Promise<Set<number>> {
      const rows = await db.selectFrom('providers').select('id').execute()
      return new Set(rows.map((r) => r.id))
    },
  }
}

/** Restore: the document's prices replace every price (inside the restore's transaction). */
export async function replacePrices(
  tx: Transaction<Database>,
  prices: PriceInput[],
  at: string,
): Promise<void> {
  await tx.deleteFrom('prices').execute()
  await upsertAll(tx, prices, at)
}

export type PricesRepo = ReturnType<typeof createPricesRepo>
