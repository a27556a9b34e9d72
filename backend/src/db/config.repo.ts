/**
 * The whole configuration at once: read for the backup file, replaced in one transaction on restore.
 * Ids are kept, so route nodes, links and bookmarks survive a round trip.
 */
import { type Kysely, sql } from 'kysely'
import { nowIso } from '../core/clock.js'
import { parseJsonColumn } from '../core/json.js'
import type {
  BackupClientKey,
  BackupDocument,
  BackupProvider,
  BackupRoute,
} from '../domain/backup-document.js'
import { type KeyPolicy, policyOf } from '../domain/key-policy.js'
import { DEFAULT_KIND, type ProviderEndpoint, type ProviderKind } from '../domain/provider-kinds.js'
import { ID_TABLES } from './migrations.js'
import { replacePrices } from './prices.repo.js'
import { continuationOf } from './providers.repo.js'
import type { Database, Engine } from './schema.js'

type Config = Pick<BackupDocument, 'providers'> & {
  routes: BackupRoute[]
  client_keys: BackupClientKey[]
  prices: NonNullable<BackupDocument['prices']>
}

export function createConfigRepo(db: Kysely<Database>, engine: Engine) {
  /** Next ids follow the largest restored one; at 2^31-1 the next insert fails cleanly (isIdSpaceExhausted). */
  async function resetSequences(tx: Kysely<Database>) {
    if (engine !== 'postgres') return
    for (const table of ID_TABLES) {
      // is_called = true: the next value is MAX(id) + 1, which setval itself never has to hold
      await sql`SELECT setval(pg_get_serial_sequence(${table}, 'id'), COALESCE((SELECT MAX(id) FROM ${sql.table(table)}), 1), (SELECT MAX(id) FROM ${sql.table(table)}) IS NOT NULL)`.execute(
        tx,
      )
    }
  }

  return {
    async read(): Promise<Config> {
      const [providers, routes, nodes, keys, prices] = await Promise.all([
        db.selectFrom('providers').selectAll().orderBy('id').execute(),
        db.selectFrom('model_routes').selectAll().orderBy('id').execute(),
        db.selectFrom('route_nodes').selectAll().orderBy('route_id').orderBy('position').execute(),
        db.selectFrom('client_keys').selectAll().orderBy('id').execute(),
        db.selectFrom('prices').selectAll().orderBy('provider_id').orderBy('model').execute(),
      ])
      return {
        providers: providers.map(
          (p): BackupProvider => ({
            id: p.id,
            name: p.name,
            base_url: p.base_url,
            kind: p.kind as ProviderKind,
            endpoints: p.endpoints === null ? null : parseJsonColumn<ProviderEndpoint[]>(p.endpoints, []),
            continuation: continuationOf(p.continuation),
            api_key_encrypted: p.api_key_sealed,
            api_key_hint: p.api_key_hint,
            models: parseJsonColumn<string[]>(p.models, []),
            is_active: p.is_active === 1,
            health_check_path: p.health_check_path,
            health_override: p.health_override as BackupProvider['health_override'],
            created_at: p.created_at,
          }),
        ),
        routes: routes.map(
          (r): BackupRoute => ({
            id: r.id,
            name: r.name,
            mode: r.mode as BackupRoute['mode'],
            is_active: r.is_active === 1,
            config: parseJsonColumn(r.config, {}),
            created_at: r.created_at,
            nodes: nodes
              .filter((n) => n.route_id === r.id)
              .map((n) => ({
                api_id: n.api_id,
                models: parseJsonColumn<string[]>(n.models, []),
                strategy: n.strategy as 'round-robin' | 'failover',
                priority: n.priority,
                weight: n.weight,
                metadata: parseJsonColumn(n.metadata, {}),
              })),
          }),
        ),
        client_keys: keys.map((k) => ({
          id: k.id,
          name: k.name,
          key_hash: k.key_hash,
          prefix: k.prefix,
          created_at: k.created_at,
          policy: policyOf(parseJsonColumn<Partial<KeyPolicy>>(k.policy, {})),
        })),
        prices: prices.map((p) => ({
          provider_id: p.provider_id,
          model: p.model,
          input_per_million: p.input_per_million,
          output_per_million: p.output_per_million,
          cached_input_per_million: p.cached_input_per_million,
        })),
      }
    },

    /** Counts configuration changes; replicas poll it to know when to reload their snapshot. */
    async revision(): Promise<number> {
      const row = await db
        .selectFrom('meta')
        .select('value')
        .where('key', '=', 'config_revision')
        .executeTakeFirst()
      return row ? Number(row.value) : 0
    },

    async bumpRevision(): Promise<void> {
      await db
        .insertInto('meta')
        .values({ key: 'config_revision', value: '1' })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({ value: sql<string>`CAST(CAST(meta.value AS INTEGER) + 1 AS TEXT)` }),
        )
        .execute()
    },

    /**
     * Replaces routes, nodes and client keys; updates providers in place by id (so their health
     * history survives), inserts new ones, deletes the rest. All or nothing.
     */
    async replace(doc: BackupDocument): Promise<void> {
      const now = nowIso()
      await db.transaction().execute(async (tx) => {
        await tx.deleteFrom('route_nodes').execute()
        await tx.deleteFrom('model_routes').execute()
        await tx.deleteFrom('client_keys').execute()
        const keepIds = doc.providers.map((p) => p.id)
        let stale = tx.deleteFrom('providers')
        if (keepIds.length > 0) stale = stale.where('id', 'not in', keepIds)
        await stale.execute()
        // Names are unique: park the kept rows under temporary names so a swap of two names works.
        if (keepIds.length > 0) {
          await tx
            .updateTable('providers')
            .set({ name: sql<string>`'~restore~' || CAST(id AS TEXT)` })
            .where('id', 'in', keepIds)
            .execute()
        }
        const existing = new Set(
          (await tx.selectFrom('providers').select('id').execute()).map((row: { id: number }) => row.id),
        )
        for (const p of doc.providers) {
          const values = {
            name: p.name,
            base_url: p.base_url,
            kind: p.kind ?? DEFAULT_KIND,
            endpoints: p.endpoints ? JSON.stringify(p.endpoints) : null,
            continuation: p.continuation ?? null,
            api_key_sealed: p.api_key_encrypted,
            api_key_hint: p.api_key_hint ?? null,
            models: JSON.stringify(p.models),
            is_active: p.is_active ? 1 : 0,
            health_check_path: p.health_check_path ?? '/models',
            health_override: p.health_override ?? null,
            updated_at: now,
          }
          if (existing.has(p.id)) {
            await tx.updateTable('providers').set(values).where('id', '=', p.id).execute()
          } else {
            await tx
              .insertInto('providers')
              .values({
                ...values,
                id: p.id,
                created_at: p.created_at ?? now,
                consecutive_failures: 0,
                is_healthy: 1,
              })
              .execute()
          }
          if (p.health_override) {
            await tx
              .updateTable('providers')
              .set({ is_healthy: p.health_override === 'healthy' ? 1 : 0, consecutive_failures: 0 })
              .where('id', '=', p.id)
              .execute()
          }
        }
        for (const r of doc.routes ?? []) {
          await tx
            .insertInto('model_routes')
            .values({
              id: r.id,
              name: r.name,
              mode: r.mode,
              is_active: r.is_active ? 1 : 0,
              config: JSON.stringify(r.config),
              created_at: r.created_at ?? now,
              updated_at: now,
            })
            .execute()
          for (const [position, n] of r.nodes.entries()) {
            await tx
              .insertInto('route_nodes')
              .values({
                route_id: r.id,
                api_id: n.api_id,
                position,
                models: JSON.stringify(n.models),
                strategy: n.strategy,
                priority: n.priority,
                weight: n.weight ?? 1,
                metadata: JSON.stringify(n.metadata),
              })
              .execute()
          }
        }
        for (const k of doc.client_keys ?? []) {
          await tx
            .insertInto('client_keys')
            .values({
              id: k.id,
              name: k.name,
              key_hash: k.key_hash,
              prefix: k.prefix,
              created_at: k.created_at,
              policy: JSON.stringify(policyOf(k.policy)),
            })
            .execute()
        }
        await replacePrices(tx, doc.prices ?? [], now)
        await resetSequences(tx)
      })
    },
  }
}

export type ConfigRepo = ReturnType<typeof createConfigRepo>
