// PostgreSQL only (the request log's day partitions, migration 0011): the sqlite project leaves out *.postgres.test.ts.
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import pino from 'pino'
import { describe, expect, it, onTestFinished } from 'vitest'
import { tempPostgresUrl } from '../../test/helpers.js'
import { requestRow } from '../../test/request-rows.js'
import { createRequestLog } from '../services/usage/request-log.js'
import { openDatabase } from './database.js'
import { migrate } from './migrations.js'
import { createRequestsRepo } from './requests.repo.js'
import type { Database } from './schema.js'

const DAY = 86_400_000

const row = requestRow

async function partitions(db: Kysely<Database>): Promise<string[]> {
  const r = await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'request_log'::regclass ORDER BY 1`.execute(db)
  return r.rows.map((x) => x.name)
}

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10)
const nameOf = (ms: number) => `request_log_p${dayOf(ms).replace(/-/g, '')}`

describe('request log partitions on PostgreSQL', () => {
  it('migrates an existing log into day partitions, keeping every record and the id sequence', async () => {
    const url = await tempPostgresUrl()
    const old = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url }) }),
    })
    await migrate(old as unknown as Kysely<unknown>, 'postgres', '0007_request_log')
    const now = Date.now()
    const times = [now - 3 * DAY, now - 3 * DAY + 1000, now - DAY, now]
    await old
      .insertInto('request_log')
      .values(times.map((t, i) => row(new Date(t).toISOString(), i)))
      .execute()
    await old.destroy()

    const db = await openDatabase({ engine: 'postgres', url })
    onTestFinished(() => db.close())
    const repo = createRequestsRepo(db.kysely, 'postgres')
    const page = await repo.list({ limit: 10 })
    expect(page.map((r) => r.request_id)).toEqual(['r3', 'r2', 'r1', 'r0'])
    expect(page.map((r) => r.id)).toEqual([4, 3, 2, 1])
    const parts = await partitions(db.kysely)
    for (const t of [now - 3 * DAY, now - 2 * DAY, now - DAY, now, now + 2 * DAY])
      expect(parts).toContain(nameOf(t))
    expect(parts).toContain('request_log_default')
    // each record sits in its day's partition
    const inDay = await sql<{
      n: number
    }>`SELECT count(*)::int AS n FROM ${sql.table(nameOf(now - 3 * DAY))}`.execute(db.kysely)
    expect(inDay.rows[0]?.n).toBe(2)
    // the sequence goes on from the old table
    await repo.insertBatch([row(new Date(now).toISOString(), 9)], [])
    expect((await repo.list({ limit: 1 }))[0]).toMatchObject({ request_id: 'r9', id: 5 })
    expect((await repo.get(2))?.request_id).toBe('r1')
  })

  it('makes the days ahead, moving what the default partition held for them, and drops old days whole', async () => {
    const db = await openDatabase({ engine: 'postgres', url: await tempPostgresUrl() })
    onTestFinished(() => db.close())
    const repo = createRequestsRepo(db.kysely, 'postgres')
    const now = Date.now()
    // five days ahead: no partition yet, so the record goes to the default one
    const later = new Date(now + 5 * DAY).toISOString()
    await repo.insertBatch([row(later, 1)], [])
    expect(await repo.ensurePartitions(dayOf(now + 4 * DAY), 1)).toEqual([
      nameOf(now + 4 * DAY),
      nameOf(now + 5 * DAY),
    ])
    const moved = await sql<{
      n: number
    }>`SELECT count(*)::int AS n FROM ${sql.table(nameOf(now + 5 * DAY))}`.execute(db.kysely)
    expect(moved.rows[0]?.n).toBe(1)
    expect(await repo.ensurePartitions(dayOf(now + 4 * DAY), 1)).toEqual([])

    // retention of 1 day, seen from 6 days on: the days up to 5 days ahead end before its cutoff
    // but the one holding `later` (day +5) does not: the writer keeps it, and drops the rest
    const writer = createRequestLog({
      repo,
      log: pino({ level: 'silent' }),
      retentionDays: 1,
      priceOf: () => undefined,
      now: () => now + 6 * DAY,
    })
    await writer.prune()
    const left = await partitions(db.kysely)
    expect(left).toContain(nameOf(now + 5 * DAY))
    expect(left).toContain(nameOf(now + 8 * DAY))
    expect(left).not.toContain(nameOf(now))
    expect(left).not.toContain(nameOf(now + 4 * DAY))
    expect((await repo.list({ limit: 10 })).map((r) => r.request_id)).toEqual(['r1'])
  })
})
