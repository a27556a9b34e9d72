/** Opens the database named by the settings (SQLite file or PostgreSQL URL) and migrates it. */
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import SQLite from 'better-sqlite3'
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely'
import pg from 'pg'
import type { DatabaseConfig } from '../settings.js'
import { migrate } from './migrations.js'
import type { Database } from './schema.js'

export type Engine = DatabaseConfig['engine']

export interface Db {
  kysely: Kysely<Database>
  engine: Engine
  close(): Promise<void>
}

function openSqlite(path: string): Kysely<Database> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const sqlite = new SQLite(path)
  // WAL + busy timeout: concurrent writers (the CLI while the server runs) wait instead of failing.
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('busy_timeout = 5000')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('synchronous = NORMAL')
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) })
}

function openPostgres(url: string): Kysely<Database> {
  const pool = new pg.Pool({ connectionString: url, max: 10 })
  // An idle client that loses its connection must not crash the process; the next query reconnects.
  pool.on('error', () => {})
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
}

export async function openDatabase(config: DatabaseConfig): Promise<Db> {
  const kysely = config.engine === 'sqlite' ? openSqlite(config.path) : openPostgres(config.url)
  try {
    await migrate(kysely as unknown as Kysely<unknown>, config.engine)
  } catch (error) {
    await kysely.destroy()
    throw error
  }
  return { kysely, engine: config.engine, close: () => kysely.destroy() }
}
