/** The SQLite files hold encrypted keys and key hashes: 0600, and the folders made for them 0700. */
import { chmodSync, closeSync, mkdirSync, openSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import SQLite from 'better-sqlite3'
import { type Kysely, sql } from 'kysely'
import pino from 'pino'
import { describe, expect, it, onTestFinished } from 'vitest'
import { tempDir } from '../../test/helpers.js'
import { keepingStatements, openDatabase } from './database.js'
import type { Database } from './schema.js'

const modeOf = (path: string) => statSync(path).mode & 0o777

/** A write, so that SQLite creates its -wal and -shm files. */
async function write(kysely: Kysely<Database>): Promise<void> {
  await sql`CREATE TABLE IF NOT EXISTS mode_probe (x INTEGER)`.execute(kysely)
  await sql`INSERT INTO mode_probe (x) VALUES (1)`.execute(kysely)
}

describe('the SQLite database files', () => {
  it('are created 0600 (the -wal and -shm too) in folders created 0700', async () => {
    const dir = tempDir()
    const path = join(dir, 'made', 'by', 'switchboard', 'providers.db')
    const db = await openDatabase({ engine: 'sqlite', path })
    try {
      await write(db.kysely)
      const names = readdirSync(join(dir, 'made', 'by', 'switchboard')).sort()
      expect(names).toEqual(['providers.db', 'providers.db-shm', 'providers.db-wal'])
      for (const name of names) expect(modeOf(join(dir, 'made', 'by', 'switchboard', name)), name).toBe(0o600)
      for (const folder of ['made', 'made/by', 'made/by/switchboard'])
        expect(modeOf(join(dir, folder))).toBe(0o700)
    } finally {
      await db.close()
    }
  })

  it('leaves an existing folder as it is', async () => {
    const dir = tempDir()
    const folder = join(dir, 'shared')
    mkdirSync(folder, { mode: 0o755 })
    const db = await openDatabase({ engine: 'sqlite', path: join(folder, 'providers.db') })
    await db.close()
    expect(modeOf(folder)).toBe(0o755)
    expect(modeOf(join(folder, 'providers.db'))).toBe(0o600)
  })

  it('are narrowed to 0600 when an older version left them 0644, and the log says so', async () => {
    const dir = tempDir()
    const path = join(dir, 'providers.db')
    const first = await openDatabase({ engine: 'sqlite', path })
    await write(first.kysely)
    await first.close()
    chmodSync(path, 0o644)
    for (const extra of ['-wal', '-shm']) {
      closeSync(openSync(`${path}${extra}`, 'a'))
      chmodSync(`${path}${extra}`, 0o644)
    }
    const lines: Array<Record<string, unknown>> = []
    const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) })
    const db = await openDatabase({ engine: 'sqlite', path }, { log })
    try {
      for (const file of [path, `${path}-wal`, `${path}-shm`]) expect(modeOf(file), file).toBe(0o600)
      expect(lines.filter((l) => l.from === '0644').map((l) => l.file)).toEqual([
        path,
        `${path}-wal`,
        `${path}-shm`,
      ])
      const rows = await sql<{ n: number }>`SELECT count(*) AS n FROM mode_probe`.execute(db.kysely)
      expect(rows.rows[0]?.n).toBe(1)
    } finally {
      await db.close()
    }
  })
})

describe('kept SQLite statements', () => {
  it('prepare each SQL text once, and still see a schema that changed after', () => {
    const sqlite = new SQLite(':memory:')
    onTestFinished(() => {
      sqlite.close()
    })
    const db = keepingStatements(sqlite, 2)
    db.prepare('CREATE TABLE t (a INTEGER)').run([])
    const select = db.prepare('SELECT * FROM t')
    expect(db.prepare('SELECT * FROM t')).toBe(select)
    db.prepare('INSERT INTO t (a) VALUES (?)').run([1])
    db.prepare('ALTER TABLE t ADD COLUMN b TEXT').run([])
    expect(db.prepare('SELECT * FROM t').all([])).toEqual([{ a: 1, b: null }])
  })
})
