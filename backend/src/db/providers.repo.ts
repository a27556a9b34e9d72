/** SQL for the providers table; the one mapping between its rows and the API's objects. */
import type { Insertable, Kysely, Selectable, Updateable } from 'kysely'
import { parseJsonColumn } from '../core/json.js'
import type { ContinuationSetting, HealthOverride, ProbeStatus, ProviderWithSecret } from '../domain/model.js'
import { DEFAULT_KIND, isProviderKind, type ProviderEndpoint } from '../domain/provider-kinds.js'
import type { Database, Engine, ProvidersTable } from './schema.js'

export type ProviderRow = Selectable<ProvidersTable>
export type NewProviderRow = Insertable<ProvidersTable>
export type ProviderRowPatch = Updateable<ProvidersTable>

export function continuationOf(value: string | null): ContinuationSetting {
  return value === 'prefill' || value === 'restart' ? value : null
}

export function rowToProvider(row: ProviderRow): ProviderWithSecret & { api_key_hint: string | null } {
  return {
    id: row.id,
    name: row.name,
    base_url: row.base_url,
    kind: isProviderKind(row.kind) ? row.kind : DEFAULT_KIND,
    endpoints: row.endpoints === null ? null : parseJsonColumn<ProviderEndpoint[]>(row.endpoints, []),
    continuation: continuationOf(row.continuation),
    models: parseJsonColumn<string[]>(row.models, []),
    is_active: row.is_active === 1,
    health_check_path: row.health_check_path,
    status: row.status as ProbeStatus | null,
    latency_ms: row.latency_ms,
    last_tested_at: row.last_tested_at,
    consecutive_failures: row.consecutive_failures,
    is_healthy: row.is_healthy === 1,
    health_override: row.health_override as HealthOverride,
    created_at: row.created_at,
    updated_at: row.updated_at,
    api_key_sealed: row.api_key_sealed,
    api_key_hint: row.api_key_hint,
  }
}

export interface RouteRef {
  id: number
  name: string
}

function routesUsing(db: Kysely<Database>, id: number): Promise<RouteRef[]> {
  return db
    .selectFrom('route_nodes')
    .innerJoin('model_routes', 'model_routes.id', 'route_nodes.route_id')
    .select(['model_routes.id', 'model_routes.name'])
    .where('route_nodes.api_id', '=', id)
    .distinct()
    .orderBy('model_routes.id')
    .execute()
}

export type DeleteOutcome =
  | { outcome: 'not_found' }
  | { outcome: 'in_use'; routes: RouteRef[] }
  | { outcome: 'deleted'; routes: RouteRef[] }

export function createProvidersRepo(db: Kysely<Database>, engine: Engine) {
  return {
    async list(): Promise<ProviderRow[]> {
      return db.selectFrom('providers').selectAll().orderBy('id').execute()
    },
    async get(id: number): Promise<ProviderRow | undefined> {
      return db.selectFrom('providers').selectAll().where('id', '=', id).executeTakeFirst()
    },
    async findByName(name: string): Promise<ProviderRow | undefined> {
      return db.selectFrom('providers').selectAll().where('name', '=', name).executeTakeFirst()
    },
    async insert(row: NewProviderRow): Promise<ProviderRow> {
      return db.insertInto('providers').values(row).returningAll().executeTakeFirstOrThrow()
    },
    async update(id: number, patch: ProviderRowPatch): Promise<ProviderRow | undefined> {
      return db.updateTable('providers').set(patch).where('id', '=', id).returningAll().executeTakeFirst()
    },
    /** Routes whose nodes use the provider: a delete without force is refused naming them. */
    async routesUsing(id: number): Promise<RouteRef[]> {
      return routesUsing(db, id)
    },
    /**
     * Deletes the provider unless route nodes use it; with `force` those nodes go too. The check and
     * the delete are one transaction, and on PostgreSQL the provider row is locked first (FOR UPDATE
     * conflicts with the FOR KEY SHARE lock a node insert takes on the provider it names): a route
     * created meanwhile either committed before the check, which then sees it, or waits and then
     * fails its foreign key. SQLite runs one write transaction at a time.
     */
    async deleteChecked(id: number, opts: { force: boolean }): Promise<DeleteOutcome> {
      return db.transaction().execute(async (tx): Promise<DeleteOutcome> => {
        let find = tx.selectFrom('providers').select('id').where('id', '=', id)
        if (engine === 'postgres') find = find.forUpdate()
        if (!(await find.executeTakeFirst())) return { outcome: 'not_found' }
        const routes = await routesUsing(tx, id)
        if (routes.length > 0 && !opts.force) return { outcome: 'in_use', routes }
        if (routes.length > 0) await tx.deleteFrom('route_nodes').where('api_id', '=', id).execute()
        await tx.deleteFrom('providers').where('id', '=', id).execute()
        return { outcome: 'deleted', routes }
      })
    },
    /**
     * Replaces sealed keys in one transaction (secret rotation). Only where the row still holds the
     * value that was re-sealed: a key set meanwhile (a PATCH on the running server) is not overwritten.
     */
    async resealKeys(items: { id: number; from: string; sealed: string }[]): Promise<void> {
      await db.transaction().execute(async (tx) => {
        for (const item of items) {
          await tx
            .updateTable('providers')
            .set({ api_key_sealed: item.sealed })
            .where('id', '=', item.id)
            .where('api_key_sealed', '=', item.from)
            .execute()
        }
      })
    },
    async count(): Promise<number> {
      const row = await db
        .selectFrom('providers')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirst()
      return Number(row?.n ?? 0)
    },
  }
}

export type ProvidersRepo = ReturnType<typeof createProvidersRepo>
