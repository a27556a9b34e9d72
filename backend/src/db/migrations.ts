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

const builders: Record<string, Builder> = {
  '0001_initial': initial,
  '0002_id_range': idRange,
  '0004_response_bindings': responseBindings,
}

export async function migrate(db: Kysely<unknown>, engine: Engine): Promise<void> {
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
  const { error, results } = await new Migrator({ db, provider, migrationTableSchema }).migrateToLatest()
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown'
    throw new Error(
      `database migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`,
    )
  }
}
