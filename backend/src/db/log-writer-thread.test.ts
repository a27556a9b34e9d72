// The request log's writer thread on a real SQLite file (SQLite only: PostgreSQL's writes are async already).
import { execFile } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { sql } from 'kysely'
import { describe, expect, it, onTestFinished } from 'vitest'
import { tempDir } from '../../test/helpers.js'
import { requestRow } from '../../test/request-rows.js'
import { rollupsOf } from '../services/usage/rollup.js'
import { openDatabase } from './database.js'
import { createLogWriterThread } from './log-writer-thread.js'
import { createRequestsRepo, type NewRequestRow } from './requests.repo.js'

/** Fifty records spread over one minute; every tenth failed; 3 tokens in, 5 out. */
function row(n: number): NewRequestRow {
  const at = new Date(Date.UTC(2026, 11, 3, 7, 41, n % 60)).toISOString()
  return requestRow(at, n, { status: n % 10 === 0 ? 502 : 200, input_tokens: 3, output_tokens: 5 })
}

/** A SQLite file, and the repository writing its batches through a writer thread. */
async function openFile() {
  const path = join(tempDir(), 'log.db')
  const db = await openDatabase({ engine: 'sqlite', path })
  onTestFinished(() => db.close())
  const writer = createLogWriterThread(path)
  onTestFinished(() => writer.close())
  return { path, db, writer, repo: createRequestsRepo(db.kysely, 'sqlite', db.sqlite, writer) }
}

describe('request log writer thread (SQLite)', () => {
  it('writes each batch and its rollups on its own connection, seen by the main one', async () => {
    const { db, writer, repo } = await openFile()
    const first = Array.from({ length: 30 }, (_, i) => row(i))
    const second = Array.from({ length: 20 }, (_, i) => row(30 + i))
    await repo.insertBatch(first, rollupsOf(first))
    await repo.insertBatch(second, rollupsOf(second))
    await writer.close()
    const records = await db.kysely.selectFrom('request_log').select(['request_id']).orderBy('id').execute()
    expect(records.map((r) => r.request_id)).toEqual([...first, ...second].map((r) => r.request_id))
    const minute = await db.kysely
      .selectFrom('usage_rollups')
      .select(['requests', 'errors', 'input_tokens', 'output_tokens'])
      .where('bucket_size', '=', 'minute')
      .executeTakeFirstOrThrow()
    expect(minute).toEqual({ requests: 50, errors: 5, input_tokens: 150, output_tokens: 250 })
  })

  it('rejects a batch the database refused with its error, writes none of it, and goes on', async () => {
    const { db, repo } = await openFile()
    await sql`DROP TABLE usage_rollups`.execute(db.kysely)
    const refused = [row(1), row(2)]
    await expect(repo.insertBatch(refused, rollupsOf(refused))).rejects.toThrow(
      /no such table: usage_rollups/,
    )
    // one transaction: the records went back with their rollups
    expect(await db.kysely.selectFrom('request_log').selectAll().execute()).toEqual([])
    await repo.insertBatch([row(3)], [])
    const records = await db.kysely.selectFrom('request_log').select('request_id').execute()
    expect(records).toEqual([{ request_id: 'r3' }])
  })

  it('rejects what was in flight when the thread dies, and starts a new one for the next batch', async () => {
    const { db } = await openFile()
    const dir = join(tempDir(), 'not-yet')
    const path = join(dir, 'log.db')
    // the thread cannot open a file in a folder that does not exist: it throws while starting, and ends
    const writer = createLogWriterThread(path)
    onTestFinished(() => writer.close())
    const repo = createRequestsRepo(db.kysely, 'sqlite', db.sqlite, writer)
    await expect(repo.insertBatch([row(1)], [])).rejects.toThrow(/writer thread exited \(code 1\): .*open/)
    mkdirSync(dir)
    const there = await openDatabase({ engine: 'sqlite', path })
    onTestFinished(() => there.close())
    await repo.insertBatch([row(2)], [])
    expect(await there.kysely.selectFrom('request_log').select('request_id').execute()).toEqual([
      { request_id: 'r2' },
    ])
  })

  it('lets the process end once nothing is in flight, after writing what was', async () => {
    const { path, db } = await openFile()
    // a process that writes one batch and does nothing else: it must end by itself, the batch written
    const module = (name: string) => JSON.stringify(new URL(name, import.meta.url).href)
    const script = `
      const { openDatabase } = await import(${module('./database.ts')})
      const { createLogWriterThread } = await import(${module('./log-writer-thread.ts')})
      const { createRequestsRepo } = await import(${module('./requests.repo.ts')})
      const db = await openDatabase({ engine: 'sqlite', path: ${JSON.stringify(path)} })
      const repo = createRequestsRepo(db.kysely, 'sqlite', db.sqlite, createLogWriterThread(${JSON.stringify(path)}))
      repo.insertBatch([${JSON.stringify(row(7))}], []).then(() => console.log('written'))
    `
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { timeout: 15_000 },
    )
    expect(stdout.trim()).toBe('written')
    const records = await db.kysely.selectFrom('request_log').select('request_id').execute()
    expect(records).toEqual([{ request_id: 'r7' }])
  })
})
