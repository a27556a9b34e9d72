/** 0003_provider_kind: providers stored before it speak OpenAI's protocol with every endpoint; 0011: day rollups. */
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

describe('migration 0011_request_log_scale', () => {
  it('adds day rollups summing the hour rollups already kept', async () => {
    const config = await databaseConfig()
    const old = rawKysely(config)
    await migrate(old, config.engine, '0007_request_log')
    const hour = (bucket: string, requests: number) => ({
      bucket_size: 'hour',
      bucket,
      key_id: 1,
      route: '',
      provider_id: 2,
      provider: 'p',
      model: 'm',
      requests,
      errors: 1,
      input_tokens: 10,
      output_tokens: 5,
      cached_input_tokens: 0,
      reasoning_tokens: 0,
      cost: 0.25,
      latency_1: requests,
    })
    await (old as Kysely<Record<string, Record<string, unknown>>>)
      .insertInto('usage_rollups')
      .values([hour('2026-12-02T23', 2), hour('2026-12-03T07', 3), hour('2026-12-03T08', 4)])
      .execute()
    await old.destroy()

    const db = await openDatabase(config)
    try {
      const days = await (db.kysely as unknown as Kysely<Record<string, Record<string, unknown>>>)
        .selectFrom('usage_rollups')
        .select(['bucket', 'requests', 'errors', 'cost', 'latency_1'])
        .where('bucket_size', '=', 'day')
        .orderBy('bucket')
        .execute()
      expect(days.map((d) => [d.bucket, Number(d.requests), Number(d.errors), Number(d.latency_1)])).toEqual([
        ['2026-12-02', 2, 1, 2],
        ['2026-12-03', 7, 2, 7],
      ])
      expect(Number(days[1]?.cost)).toBeCloseTo(0.5)
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
