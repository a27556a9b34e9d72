/** 0003_provider_kind: providers stored before it speak OpenAI's protocol with every endpoint. */
import { join } from 'node:path'
import SQLite from 'better-sqlite3'
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { isPostgresRun, tempDir, tempPostgresUrl } from '../../test/helpers.js'
import type { DatabaseConfig } from '../settings.js'
import { openDatabase } from './database.js'
import { migrate } from './migrations.js'
import { createProvidersRepo, rowToProvider } from './providers.repo.js'

async function databaseConfig(): Promise<DatabaseConfig> {
  if (isPostgresRun()) return { engine: 'postgres', url: await tempPostgresUrl() }
  return { engine: 'sqlite', path: join(tempDir(), 'old.db') }
}

function rawKysely(config: DatabaseConfig): Kysely<unknown> {
  if (config.engine === 'sqlite')
    return new Kysely({ dialect: new SqliteDialect({ database: new SQLite(config.path) }) })
  return new Kysely({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: config.url }) }) })
}

describe('migration 0003_provider_kind', () => {
  it('turns the providers of an older database into openai providers serving every endpoint', async () => {
    const config = await databaseConfig()
    const old = rawKysely(config)
    await migrate(old, config.engine, '0002_id_range')
    const now = new Date().toISOString()
    await (old as Kysely<Record<string, Record<string, unknown>>>)
      .insertInto('providers')
      .values({
        name: 'old',
        base_url: 'http://127.0.0.1:9/v1',
        models: '["m"]',
        created_at: now,
        updated_at: now,
      })
      .execute()
    await old.destroy()

    const db = await openDatabase(config)
    try {
      const row = await createProvidersRepo(db.kysely, config.engine).findByName('old')
      expect(row && rowToProvider(row)).toMatchObject({ name: 'old', kind: 'openai', endpoints: null })
    } finally {
      await db.close()
    }
  })
})

describe('migration 0008_key_limits', () => {
  it('runs on a database that already ran a later migration (numbers land out of order)', async () => {
    const config = await databaseConfig()
    const db = rawKysely(config)
    await migrate(db, config.engine)
    // as a database migrated before 0008 landed: 0011 ran, 0008 did not
    await sql`DROP TABLE key_quota`.execute(db)
    await sql`ALTER TABLE client_keys DROP COLUMN policy`.execute(db)
    await sql`DELETE FROM kysely_migration WHERE name = '0008_key_limits'`.execute(db)
    await migrate(db, config.engine)
    const names = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(db)
    expect(names.rows.map((r) => r.name)).toContain('0008_key_limits')
    await sql`INSERT INTO key_quota (key_id, kind, period, leased, granted) VALUES (1, 'requests', 'm1', 1, 1)`.execute(
      db,
    )
    await db.destroy()
  })
})
