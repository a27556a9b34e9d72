/** Opens the database named by the settings (SQLite file or PostgreSQL URL) and migrates it. */
import { dirname } from 'node:path'
import SQLite from 'better-sqlite3'
import { Kysely, PostgresDialect, type SqliteDatabase, SqliteDialect } from 'kysely'
import { LRUCache } from 'lru-cache'
import type { Logger } from 'pino'
import { createPrivateFile, ensurePrivateDir, narrowToPrivate } from '../core/file-modes.js'
import type { DatabaseConfig } from '../settings.js'
import { migrate } from './migrations.js'
import type { Database, Engine } from './schema.js'

export interface Db {
  kysely: Kysely<Database>
  engine: Engine
  /**
   * SQLite only: the connection under Kysely, for the request log's batch writes (requests.repo.ts).
   * Use it only inside `kysely.connection().execute(…)`, which holds Kysely's lock on it.
   */
  sqlite?: SQLite.Database
  close(): Promise<void>
}

/**
 * The file holds encrypted provider keys and client-key hashes: it is created 0600 before SQLite
 * opens it, and SQLite gives its -wal and -shm files the database file's mode. Files an older
 * version created 0644 are narrowed (and the caller is told which).
 */
function prepareSqliteFiles(path: string, log?: Logger): void {
  ensurePrivateDir(dirname(path))
  createPrivateFile(path)
  for (const { file, from, error } of narrowToPrivate([
    path,
    `${path}-wal`,
    `${path}-shm`,
    `${path}-journal`,
  ])) {
    if (error)
      log?.warn(
        { file, mode: from, error },
        'a database file is readable by others and could not be made 0600',
      )
    else
      log?.warn({ file, from, to: '0600' }, 'narrowed the mode of a database file: it holds encrypted keys')
  }
}

/** Statements kept per connection: the usual queries are far fewer, so every one stays prepared. */
const STATEMENT_CACHE_SIZE = 500

/**
 * better-sqlite3 as Kysely's SQLite dialect takes it, with its statements kept by SQL text: Kysely
 * prepares each query's SQL anew, and preparing cost more than running the request log's batch
 * insert (bench: 49 µs per logged row, 16 µs with the statement prepared once). A kept statement is
 * safe to run again; SQLite prepares it again itself if a migration changed the schema.
 */
export function keepingStatements(sqlite: SQLite.Database, max = STATEMENT_CACHE_SIZE): SqliteDatabase {
  const statements = new LRUCache<string, SQLite.Statement>({ max })
  return {
    close: () => sqlite.close(),
    prepare(sql) {
      let statement = statements.get(sql)
      if (statement === undefined) {
        statement = sqlite.prepare(sql)
        statements.set(sql, statement)
      }
      return statement
    },
  }
}

function openSqlite(path: string, log?: Logger): { kysely: Kysely<Database>; sqlite: SQLite.Database } {
  if (path !== ':memory:') prepareSqliteFiles(path, log)
  const sqlite = new SQLite(path)
  // WAL + busy timeout: concurrent writers (the CLI while the server runs) wait instead of failing.
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('busy_timeout = 5000')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('synchronous = NORMAL')
  return {
    kysely: new Kysely<Database>({ dialect: new SqliteDialect({ database: keepingStatements(sqlite) }) }),
    sqlite,
  }
}

/** The pg driver is loaded only here: a SQLite server never needs it (0.7 MB of heap). */
async function openPostgres(url: string): Promise<Kysely<Database>> {
  const { default: pg } = await import('pg')
  const pool = new pg.Pool({ connectionString: url, max: 10 })
  // An idle client that loses its connection must not crash the process; the next query reconnects.
  pool.on('error', () => {})
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
}

export async function openDatabase(config: DatabaseConfig, opts: { log?: Logger } = {}): Promise<Db> {
  const { kysely, sqlite } =
    config.engine === 'sqlite'
      ? openSqlite(config.path, opts.log)
      : { kysely: await openPostgres(config.url), sqlite: undefined }
  try {
    await migrate(kysely as unknown as Kysely<unknown>, config.engine)
  } catch (error) {
    await kysely.destroy()
    throw error
  }
  return { kysely, engine: config.engine, sqlite, close: () => kysely.destroy() }
}
