/**
 * Migrations live in code (not files found at run time) so the built `dist/` and the tests run the
 * same list. They run at start-up on both engines; add new ones at the end, never edit shipped ones.
 */
import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely'
import type { Engine } from './schema.js'

type Builder = (db: Kysely<unknown>, engine: Engine) => Promise<void>

function idColumn(engine: Engine) {
  return engine === 'postgres' ? ('serial' as const) : ('integer' as const)
}

function floatType(engine: Engine) {
  return engine === 'postgres' ? sql`double precision` : sql`real`
}

const initial: Builder = async (db, engine) => {
  const id = idColumn(engine)
  await db.schema
    .createTable('providers')
    .addColumn('id', id, (c) => (engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('base_url', 'text', (c) => c.notNull())
    .addColumn('api_key_sealed', 'text')
    .addColumn('api_key_hint', 'text')
    .addColumn('models', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('health_check_path', 'text', (c) => c.notNull().defaultTo('/models'))
    .addColumn('status', 'text')
    .addColumn('status_code', 'integer')
    .addColumn('latency_ms', floatType(engine))
    .addColumn('last_tested_at', 'text')
    .addColumn('last_detail', 'text')
    .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('is_healthy', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('health_override', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('model_routes')
    .addColumn('id', id, (c) => (engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('config', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('route_nodes')
    .addColumn('id', id, (c) => (engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('route_id', 'integer', (c) => c.notNull().references('model_routes.id').onDelete('cascade'))
    .addColumn('api_id', 'integer', (c) => c.notNull().references('providers.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('models', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('strategy', 'text', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('metadata', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute()
  await db.schema.createIndex('route_nodes_route_id').on('route_nodes').column('route_id').execute()
  await db.schema.createIndex('route_nodes_api_id').on('route_nodes').column('api_id').execute()

  await db.schema
    .createTable('client_keys')
    .addColumn('id', id, (c) => (engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .execute()

  await db.schema
    .createTable('health_checks')
    .addColumn('id', id, (c) => (engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('provider_id', 'integer', (c) => c.notNull().references('providers.id').onDelete('cascade'))
    .addColumn('checked_at', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('latency_ms', floatType(engine))
    .addColumn('detail', 'text')
    .execute()
  await db.schema
    .createIndex('health_checks_provider_time')
    .on('health_checks')
    .columns(['provider_id', 'id'])
    .execute()

  await db.schema
    .createTable('meta')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute()
}

/** The tables whose ids the API hands out; every one is an `integer` (PostgreSQL: int4 serial). */
export const ID_TABLES = ['providers', 'model_routes', 'route_nodes', 'client_keys'] as const

/**
 * Ids stay within 1..2^31-1 on both engines (domain/fields.ts MAX_ID). PostgreSQL's serial already
 * stops there (its sequence is an int4); SQLite would go on to 2^31 and beyond, ids the API can no
 * longer address, so an insert past it is aborted the same way (db/errors.ts isIdSpaceExhausted).
 */
const idRange: Builder = async (db, engine) => {
  if (engine !== 'sqlite') return
  for (const table of ID_TABLES) {
    await sql`CREATE TRIGGER ${sql.raw(`${table}_id_range`)} AFTER INSERT ON ${sql.table(table)}
      WHEN NEW.id > 2147483647
      BEGIN SELECT RAISE(ABORT, 'switchboard: id space exhausted'); END`.execute(db)
  }
}

/** Issue 13: a provider's wire protocol (existing rows speak OpenAI's) and an optional narrowing of its endpoints (JSON list, null: all of the kind's). */
const providerKind: Builder = async (db) => {
  await db.schema
    .alterTable('providers')
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('openai'))
    .execute()
  await db.schema.alterTable('providers').addColumn('endpoints', 'text').execute()
}

/** Issue 17: a node's share under the weighted strategy; existing nodes get 1 (an even split). */
const routeStrategy: Builder = async (db) => {
  await db.schema
    .alterTable('route_nodes')
    .addColumn('weight', 'integer', (c) => c.notNull().defaultTo(1))
    .execute()
}

/** Histogram columns of the usage rollups: upper bounds in ms (the last bucket has none). */
export const LATENCY_BUCKETS_MS = [100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000] as const
export const HISTOGRAM_COLUMNS = LATENCY_BUCKETS_MS.length + 1

/**
 * The request log (one row per gateway request, no bodies), the usage rollups kept on write (per
 * minute and per hour, one row per bucket × key × route × provider × model) and the prices per
 * provider model. Empty key, route and model are 0 / '' in the rollups so the upsert's unique key
 * holds (NULLs never conflict).
 */
const requestLog: Builder = async (db, engine) => {
  const id = idColumn(engine)
  const float = floatType(engine)
  await db.schema
    .createTable('request_log')
    .addColumn('id', id, (c) => (engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('key_id', 'integer')
    .addColumn('endpoint', 'text', (c) => c.notNull())
    .addColumn('route', 'text')
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('provider_id', 'integer')
    .addColumn('provider', 'text')
    .addColumn('served_model', 'text')
    .addColumn('stream', 'integer', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('error_code', 'text')
    .addColumn('attempts', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('latency_ms', float, (c) => c.notNull())
    .addColumn('ttft_ms', float)
    .addColumn('overhead_ms', float)
    .addColumn('input_tokens', 'integer')
    .addColumn('output_tokens', 'integer')
    .addColumn('cached_input_tokens', 'integer')
    .addColumn('reasoning_tokens', 'integer')
    .addColumn('cost', float)
    .execute()
  await db.schema.createIndex('request_log_at').on('request_log').columns(['at', 'id']).execute()
  await db.schema.createIndex('request_log_key_at').on('request_log').columns(['key_id', 'at']).execute()

  let rollups = db.schema
    .createTable('usage_rollups')
    .addColumn('bucket_size', 'text', (c) => c.notNull())
    .addColumn('bucket', 'text', (c) => c.notNull())
    .addColumn('key_id', 'integer', (c) => c.notNull())
    .addColumn('route', 'text', (c) => c.notNull())
    .addColumn('provider_id', 'integer', (c) => c.notNull())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('requests', 'integer', (c) => c.notNull())
    .addColumn('errors', 'integer', (c) => c.notNull())
    .addColumn('input_tokens', 'integer', (c) => c.notNull())
    .addColumn('output_tokens', 'integer', (c) => c.notNull())
    .addColumn('cached_input_tokens', 'integer', (c) => c.notNull())
    .addColumn('reasoning_tokens', 'integer', (c) => c.notNull())
    .addColumn('cost', float, (c) => c.notNull())
  for (let i = 0; i < HISTOGRAM_COLUMNS; i++) {
    rollups = rollups
      .addColumn(`latency_${i}`, 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn(`ttft_${i}`, 'integer', (c) => c.notNull().defaultTo(0))
  }
  await rollups
    .addPrimaryKeyConstraint('usage_rollups_pk', [
      'bucket_size',
      'bucket',
      'key_id',
      'route',
      'provider_id',
      'model',
    ])
    .execute()

  await db.schema
    .createTable('prices')
    .addColumn('provider_id', 'integer', (c) => c.notNull().references('providers.id').onDelete('cascade'))
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('input_per_million', float, (c) => c.notNull())
    .addColumn('output_per_million', float, (c) => c.notNull())
    .addColumn('cached_input_per_million', float)
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('prices_pk', ['provider_id', 'model'])
    .execute()
}

/**
 * The servers running on this database (issue 19 item 11): each registers at start, refreshes
 * `seen_at` while it runs and removes itself on close, so `switchboard rotate-secret` can tell that
 * a rotation would cut servers off. `secret_ids` are short fingerprints of the secrets a server opens
 * keys with (never the secrets).
 */
const ops: Builder = async (db) => {
  await db.schema
    .createTable('replicas')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('hostname', 'text', (c) => c.notNull())
    .addColumn('pid', 'integer', (c) => c.notNull())
    .addColumn('secret_ids', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('seen_at', 'text', (c) => c.notNull())
    .execute()
}

/** Which provider made which Responses response id (services/gateway/response-bindings.ts). */
const responseBindings: Builder = async (db) => {
  await db.schema
    .createTable('response_bindings')
    .addColumn('response_id', 'text', (c) => c.primaryKey())
    .addColumn('provider_id', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('response_bindings_created_at')
    .on('response_bindings')
    .column('created_at')
    .execute()
}

/**
 * Client-key policies and the cluster's quota counters (issue 15 items 5 and 6): a key's policy is
 * one JSON column (domain/key-policy.ts); `key_quota` holds, per key, counter (`requests`, `tokens`,
 * `spend`) and window (`period`: a UTC minute, day or month), how much the replicas have leased
 * (db/quota.repo.ts). `granted` is what the last lease got, read back in the same statement.
 */
const keyLimits: Builder = async (db, engine) => {
  const float = floatType(engine)
  await db.schema
    .alterTable('client_keys')
    .addColumn('policy', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute()
  await db.schema
    .createTable('key_quota')
    .addColumn('key_id', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('leased', float, (c) => c.notNull())
    .addColumn('granted', float, (c) => c.notNull())
    .addPrimaryKeyConstraint('key_quota_pk', ['key_id', 'kind', 'period'])
    .execute()
}

/**
 * The health timeline (issue 16 item 5): every change of a provider's state — probe result, health
 * flag, circuit, cooldown, override — with its reason and time; the newest EVENTS_KEPT per provider
 * are kept (db/health-events.repo.ts).
 */
const healthEvents: Builder = async (db, engine) => {
  const id = idColumn(engine)
  await db.schema
    .createTable('health_events')
    .addColumn('id', id, (c) => (engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('provider_id', 'integer', (c) => c.notNull().references('providers.id').onDelete('cascade'))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('model', 'text')
    .addColumn('until', 'text')
    .addColumn('actor', 'text')
    .execute()
  await db.schema
    .createIndex('health_events_provider_id')
    .on('health_events')
    .columns(['provider_id', 'id'])
    .execute()
}

/**
 * Day rollups for long ranges, then, on PostgreSQL, the request log becomes a table partitioned by day on `at` (issue 15, scale), so
 * retention drops a day's partition in one step instead of deleting its rows. `at` is ISO-8601 text
 * compared in the "C" collation (byte order, which is time order for these strings, whatever the
 * database's locale). The primary key must hold the partition key: (id, at); ids keep their sequence.
 * A DEFAULT partition takes what no day partition covers (a clock far off, a day not created yet).
 * Rows already there are copied in this migration's transaction: an install keeps its log, and a
 * failure leaves the old table as it was. SQLite keeps one table (retention deletes in batches).
 * Day partitions are created ahead by the writer's maintenance (db/requests.repo.ts).
 */
const UTC_TODAY = sql`(now() AT TIME ZONE 'UTC')::date`

const requestLogScale: Builder = async (db, engine) => {
  // Day rollups (both engines): a month's usage reads 30 buckets per group instead of 720. Those
  // of the traffic already logged are the sums of its hour rollups.
  const histogram = Array.from({ length: HISTOGRAM_COLUMNS }, (_, i) => [`latency_${i}`, `ttft_${i}`]).flat()
  const counts = [
    'requests',
    'errors',
    'input_tokens',
    'output_tokens',
    'cached_input_tokens',
    'reasoning_tokens',
    'cost',
    ...histogram,
  ]
  await sql`
    INSERT INTO usage_rollups (bucket_size, bucket, key_id, route, provider_id, provider, model, ${sql.join(counts.map((c) => sql.ref(c)))})
    SELECT 'day', substr(bucket, 1, 10), key_id, route, provider_id, max(provider), model,
      ${sql.join(counts.map((c) => sql`sum(${sql.ref(c)})`))}
    FROM usage_rollups WHERE bucket_size = 'hour'
    GROUP BY substr(bucket, 1, 10), key_id, route, provider_id, model`.execute(db)
  if (engine !== 'postgres') return
  await sql`ALTER TABLE request_log RENAME TO request_log_unpartitioned`.execute(db)
  // its indexes go (the table goes at the end); "C" on the old column costs no rewrite without them
  await sql`DROP INDEX request_log_at`.execute(db)
  await sql`DROP INDEX request_log_key_at`.execute(db)
  await sql`ALTER TABLE request_log_unpartitioned ALTER COLUMN at TYPE text COLLATE "C"`.execute(db)
  await sql`ALTER TABLE request_log_unpartitioned RENAME CONSTRAINT request_log_pkey TO request_log_unpartitioned_pkey`.execute(
    db,
  )
  // LIKE: every column as it is now (with the id's sequence default), whatever added one before
  await sql`CREATE TABLE request_log (LIKE request_log_unpartitioned INCLUDING DEFAULTS) PARTITION BY RANGE (at)`.execute(
    db,
  )
  await sql`ALTER TABLE request_log ADD CONSTRAINT request_log_pkey PRIMARY KEY (id, at)`.execute(db)
  await sql`CREATE TABLE request_log_default PARTITION OF request_log DEFAULT`.execute(db)
  // one partition per day that holds records, and today and the next two
  const days = await sql<{ day: string }>`
    SELECT to_char(d, 'YYYY-MM-DD') AS day FROM generate_series(
      least(coalesce((SELECT min(left(at, 10))::date FROM request_log_unpartitioned), ${UTC_TODAY}), ${UTC_TODAY}),
      ${UTC_TODAY} + 2, interval '1 day') AS d`.execute(db)
  for (const { day } of days.rows) await sql.raw(partitionDdl(day)).execute(db)
  await sql`INSERT INTO request_log SELECT * FROM request_log_unpartitioned`.execute(db)
  await sql`ALTER SEQUENCE request_log_id_seq OWNED BY request_log.id`.execute(db)
  await sql`DROP TABLE request_log_unpartitioned`.execute(db)
  await sql`CREATE INDEX request_log_at ON request_log (at, id)`.execute(db)
  await sql`CREATE INDEX request_log_key_at ON request_log (key_id, at)`.execute(db)
}

/** `2026-12-03` → the DDL of that day's partition of request_log (PostgreSQL). */
export function partitionDdl(day: string): string {
  const next = nextDay(day)
  return `CREATE TABLE IF NOT EXISTS ${partitionName(day)} PARTITION OF request_log FOR VALUES FROM ('${day}') TO ('${next}')`
}

export function partitionName(day: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`not a day: ${day}`)
  return `request_log_p${day.replace(/-/g, '')}`
}

/** `2026-12-31` → `2027-01-01`. */
export function nextDay(day: string): string {
  partitionName(day) // checks the shape: these strings go into DDL
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)
}

/** Responses answered by translation with store: true (issue 14): previous_response_id, GET, input_items. */
const storedResponses: Builder = async (db) => {
  await db.schema
    .createTable('stored_responses')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('previous_response_id', 'text')
    .addColumn('response', 'text', (c) => c.notNull())
    .addColumn('input_items', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('stored_responses_created_at')
    .on('stored_responses')
    .column('created_at')
    .execute()
  await db.schema
    .createTable('stored_response_items')
    .addColumn('item_id', 'text', (c) => c.primaryKey())
    .addColumn('response_id', 'text', (c) => c.notNull())
    .addColumn('item', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('stored_response_items_response_id')
    .on('stored_response_items')
    .column('response_id')
    .execute()
}

/**
 * Concurrency slots leased per replica (issue 15 item 6, docs/limits.md): how many requests in
 * flight of a key each replica may hold (`held`), until `expires_at` (ISO-8601; the replica renews
 * it in the background). A replica that dies stops renewing: its slots count no longer after
 * `expires_at`. The row with `replica = ''` holds nothing: on PostgreSQL a lease writes it first,
 * so leases of one key queue behind its row lock (db/quota.repo.ts).
 */
const keyConcurrency: Builder = async (db) => {
  await db.schema
    .createTable('key_concurrency')
    .addColumn('key_id', 'integer', (c) => c.notNull())
    .addColumn('replica', 'text', (c) => c.notNull())
    .addColumn('held', 'integer', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('key_concurrency_pk', ['key_id', 'replica'])
    .execute()
}

/** Issue 16: how a provider continues a stream cut mid-answer (prefill | restart; null: prefill until a 400 says otherwise). */
const providerContinuation: Builder = async (db) => {
  await db.schema.alterTable('providers').addColumn('continuation', 'text').execute()
}

const builders: Record<string, Builder> = {
  '0001_initial': initial,
  '0002_id_range': idRange,
  '0003_provider_kind': providerKind,
  '0004_response_bindings': responseBindings,
  '0005_route_strategy': routeStrategy,
  '0006_ops': ops,
  '0007_request_log': requestLog,
  '0008_key_limits': keyLimits,
  '0009_health_events': healthEvents,
  '0010_stored_responses': storedResponses,
  '0011_request_log_scale': requestLogScale,
  '0012_key_concurrency': keyConcurrency,
  '0013_provider_continuation': providerContinuation,
}

/** Runs every migration (`upTo`: only as far as that one, for the tests of a migration). */
export async function migrate(db: Kysely<unknown>, engine: Engine, upTo?: string): Promise<void> {
  const provider: MigrationProvider = {
    async getMigrations() {
      const migrations: Record<string, Migration> = {}
      for (const [name, build] of Object.entries(builders)) {
        migrations[name] = { up: (tx) => build(tx, engine) }
      }
      return migrations
    },
  }
  // Kysely looks for its own tables in every schema unless told which: name ours, so a database
  // holding another Switchboard schema (tests, side-by-side installs) still migrates this one.
  const migrationTableSchema =
    engine === 'postgres'
      ? (await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(db)).rows[0]?.schema
      : undefined
  // Numbers are handed out to work in progress and land in any order (0011 landed before 0008): a
  // database that already ran a later one still runs an earlier one that arrives after it. Each
  // migration touches only its own tables and columns, so their order between them does not matter.
  const migrator = new Migrator({ db, provider, migrationTableSchema, allowUnorderedMigrations: true })
  const { error, results } = await (upTo ? migrator.migrateTo(upTo) : migrator.migrateToLatest())
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown'
    throw new Error(
      `database migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`,
    )
  }
}
