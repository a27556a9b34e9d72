/**
 * SQL for the request log and the usage rollups: one transaction per batch inserts the records and
 * adds them to their minute, hour and day buckets; reads page by (at, id); retention deletes in batches
 * (SQLite) or drops day partitions (PostgreSQL).
 */
import type SQLite from 'better-sqlite3'
import type { CompiledQuery, Insertable, Kysely, Selectable } from 'kysely'
import { sql } from 'kysely'
import type { BatchWriter } from './log-writer-thread.js'
import { nextDay, partitionName } from './migrations.js'
import type { Database, Engine, RequestLogTable, UsageRollupsTable } from './schema.js'
import { type BatchPlan, createPlanRunner } from './sqlite-batch.mjs'

export type RequestRow = Selectable<RequestLogTable>
export type NewRequestRow = Insertable<RequestLogTable>
export type RollupRow = UsageRollupsTable

export interface RequestFilter {
  keyId?: number
  route?: string
  providerId?: number
  model?: string
  status?: number
  from?: string
  to?: string
  /** Rows strictly before this (at, id), newest first. */
  before?: { at: string; id: number }
  limit: number
}

/** The columns a record is written with (all but the generated id). */
const REQUEST_LOG_COLUMNS = [
  'at',
  'request_id',
  'key_id',
  'endpoint',
  'route',
  'model',
  'provider_id',
  'provider',
  'served_model',
  'stream',
  'status',
  'error_code',
  'attempts',
  'latency_ms',
  'ttft_ms',
  'overhead_ms',
  'input_tokens',
  'output_tokens',
  'cached_input_tokens',
  'reasoning_tokens',
  'cost',
] as const satisfies readonly (keyof NewRequestRow)[]
// a column added to the table but not to this list fails to compile here
true satisfies [Exclude<keyof NewRequestRow, 'id' | (typeof REQUEST_LOG_COLUMNS)[number]>] extends [never]
  ? true
  : never

const ROLLUP_KEY = ['bucket_size', 'bucket', 'key_id', 'route', 'provider_id', 'model'] as const
export type UsageGroup = 'key_id' | 'route' | 'provider_id' | 'model'

/** One group's sums over one bucket: the counters, and the histogram columns by name. */
export type UsageSums = { bucket: string; group: string | number; provider: string } & Record<string, number>

/**
 * On PostgreSQL the log is partitioned by day (migration 0011): retention drops whole days, and
 * row-by-row deletes only touch the default partition (records no day partition covered).
 */
/** Every column of a rollup but its unique key and the provider's name: the counts an upsert adds up. */
function sumColumns(row: RollupRow): string[] {
  const keys: readonly string[] = ROLLUP_KEY
  return Object.keys(row).filter((c) => !keys.includes(c) && c !== 'provider')
}

/**
 * SQLite's batches as plans (sqlite-batch.mjs): each statement's SQL, compiled by Kysely once per
 * table and column list (every column a parameter), with the parameter rows it runs for; the plan
 * runs as one synchronous transaction of single-row statements kept prepared, on the raw connection
 * or in the writer thread. Through Kysely's executor each row was a compiled query, a promise chain
 * and a statement lookup: 40–54 µs per logged row against 20 µs this way (in-process, 40-row batches).
 */
function sqliteBatchPlanner(
  compileInsert: (row: NewRequestRow) => CompiledQuery,
  compileUpsert: (row: RollupRow) => CompiledQuery,
) {
  const compiled = new Map<string, { sql: string; columns: readonly string[] }>()

  function statementOf(table: string, columns: readonly string[], compile: (row: never) => CompiledQuery) {
    const key = `${table}:${columns.join(',')}`
    let statement = compiled.get(key)
    if (statement === undefined) {
      const query = compile(Object.fromEntries(columns.map((c) => [c, null])) as never)
      if (query.parameters.length !== columns.length)
        throw new Error(
          `${table}: compiled ${query.parameters.length} parameters for ${columns.length} columns`,
        )
      statement = { sql: query.sql, columns }
      compiled.set(key, statement)
    }
    return statement
  }

  const paramsOf = (row: object, columns: readonly string[]) =>
    columns.map((c) => (row as Record<string, unknown>)[c] ?? null)

  return (rows: readonly NewRequestRow[], rollups: readonly RollupRow[]): BatchPlan => {
    // records: every column, always (an absent one is null), so no row's keys need listing
    const records = statementOf('request_log', REQUEST_LOG_COLUMNS, compileInsert)
    const plan: BatchPlan = [{ sql: records.sql, params: rows.map((row) => paramsOf(row, records.columns)) }]
    // rollups: a handful a batch, by their own columns
    for (const rollup of rollups) {
      const statement = statementOf('usage_rollups', Object.keys(rollup), compileUpsert)
      plan.push({ sql: statement.sql, params: [paramsOf(rollup, statement.columns)] })
    }
    return plan
  }
}

/**
 * `sqlite`: the raw connection under `db` when it is SQLite (Db.sqlite): batches are written on it,
 * unless `writer` is given (the server's: a thread with its own connection, log-writer-thread.ts).
 */
export function createRequestsRepo(
  db: Kysely<Database>,
  engine: Engine = 'sqlite',
  sqlite?: SQLite.Database,
  writer?: BatchWriter,
) {
  const partitioned = engine === 'postgres'
  const insert = (to: Kysely<Database>, part: readonly NewRequestRow[]) =>
    to.insertInto('request_log').values([...part])
  const upsert = (to: Kysely<Database>, part: readonly RollupRow[]) =>
    to
      .insertInto('usage_rollups')
      .values([...part])
      .onConflict((oc) =>
        oc.columns([...ROLLUP_KEY]).doUpdateSet(() => {
          const set: Record<string, unknown> = {}
          for (const c of sumColumns(part[0] as RollupRow))
            set[c] = sql`${sql.ref(`usage_rollups.${c}`)} + ${sql.ref(`excluded.${c}`)}`
          set.provider = sql.ref('excluded.provider')
          return set as never
        }),
      )
  const planOf =
    writer || sqlite
      ? sqliteBatchPlanner(
          (row) => insert(db, [row]).compile(),
          (row) => upsert(db, [row]).compile(),
        )
      : null
  const runPlan = sqlite && !writer ? createPlanRunner(sqlite) : null
  return {
    partitioned,

    /**
     * PostgreSQL: the day partitions of `today` and the `ahead` days after it, made when missing.
     * Records that went to the default partition for such a day move into it first, so attaching
     * never fails on them. One replica at a time (an advisory lock held by the transaction).
     */
    async ensurePartitions(today: string, ahead = 2): Promise<string[]> {
      if (!partitioned) return []
      const made: string[] = []
      let day = today
      for (let i = 0; i <= ahead; i++, day = nextDay(day)) {
        const name = partitionName(day)
        const next = nextDay(day)
        await db.transaction().execute(async (tx) => {
          await sql`SELECT pg_advisory_xact_lock(hashtext('switchboard.request_log_partitions'))`.execute(tx)
          const found = await sql<{ t: string | null }>`SELECT to_regclass(${name})::text AS t`.execute(tx)
          if (found.rows[0]?.t) return
          await sql.raw(`CREATE TABLE ${name} (LIKE request_log INCLUDING DEFAULTS)`).execute(tx)
          await sql
            .raw(
              `WITH moved AS (DELETE FROM request_log_default WHERE at >= '${day}' AND at < '${next}' RETURNING *) INSERT INTO ${name} SELECT * FROM moved`,
            )
            .execute(tx)
          await sql
            .raw(`ALTER TABLE request_log ATTACH PARTITION ${name} FOR VALUES FROM ('${day}') TO ('${next}')`)
            .execute(tx)
          made.push(name)
        })
      }
      return made
    },

    /** PostgreSQL: drops the day partitions wholly before `day` (one step per day); their names. */
    async dropPartitionsBefore(day: string): Promise<string[]> {
      if (!partitioned) return []
      const parts = await sql<{ name: string }>`
        SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'request_log'::regclass`.execute(db)
      const old = parts.rows
        .map((r) => r.name)
        .filter((name) => {
          const m = /^request_log_p(\d{4})(\d{2})(\d{2})$/.exec(name)
          return m !== null && `${m[1]}-${m[2]}-${m[3]}` < day
        })
        .sort()
      for (const name of old) await sql.raw(`DROP TABLE ${name}`).execute(db)
      return old
    },

    /** One batch: the rows and their rollups, together or not at all. */
    async insertBatch(rows: readonly NewRequestRow[], rollups: readonly RollupRow[]): Promise<void> {
      if (rows.length === 0) return
      if (planOf && writer) return writer.write(planOf(rows, rollups))
      if (planOf && runPlan) {
        const plan = planOf(rows, rollups)
        // Kysely's connection lock is held meanwhile, so no Kysely transaction is open around it
        await db.connection().execute(async () => runPlan(plan))
        return
      }
      await db.transaction().execute(async (tx) => {
        // PostgreSQL (or SQLite without its raw connection): one statement per 500 records (and
        // 200 rollups), a round trip each
        for (let i = 0; i < rows.length; i += 500) await insert(tx, rows.slice(i, i + 500)).execute()
        for (let i = 0; i < rollups.length; i += 200) await upsert(tx, rollups.slice(i, i + 200)).execute()
      })
    },

    async list(filter: RequestFilter): Promise<RequestRow[]> {
      let query = db.selectFrom('request_log').selectAll()
      if (filter.keyId !== undefined) query = query.where('key_id', '=', filter.keyId)
      if (filter.route !== undefined) query = query.where('route', '=', filter.route)
      if (filter.providerId !== undefined) query = query.where('provider_id', '=', filter.providerId)
      if (filter.model !== undefined)
        query = query.where((eb) =>
          eb.or([eb('model', '=', filter.model!), eb('served_model', '=', filter.model!)]),
        )
      if (filter.status !== undefined) query = query.where('status', '=', filter.status)
      if (filter.from !== undefined) query = query.where('at', '>=', filter.from)
      if (filter.to !== undefined) query = query.where('at', '<', filter.to)
      const before = filter.before
      if (before)
        query = query.where((eb) =>
          eb.or([eb('at', '<', before.at), eb.and([eb('at', '=', before.at), eb('id', '<', before.id)])]),
        )
      return query.orderBy('at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute()
    },

    async get(id: number): Promise<RequestRow | undefined> {
      return db.selectFrom('request_log').selectAll().where('id', '=', id).executeTakeFirst()
    },

    /** Deletes up to `limit` records older than `before`; returns how many went. */
    async pruneBefore(before: string, limit: number): Promise<number> {
      // PostgreSQL: whole days go with their partitions; only the default one is pruned by rows
      const table = partitioned ? ('request_log_default' as 'request_log') : 'request_log'
      const result = await db
        .deleteFrom(table)
        .where('id', 'in', (eb) =>
          eb.selectFrom(table).select('id').where('at', '<', before).orderBy('at').limit(limit),
        )
        .executeTakeFirst()
      return Number(result.numDeletedRows)
    },

    /** Minute and hour buckets before `before`'s hour, day buckets of the days wholly before it. */
    async pruneRollupsBefore(before: string): Promise<void> {
      await db
        .deleteFrom('usage_rollups')
        .where('bucket_size', 'in', ['minute', 'hour'])
        .where('bucket', '<', before.slice(0, 13))
        .execute()
      await db
        .deleteFrom('usage_rollups')
        .where('bucket_size', '=', 'day')
        .where('bucket', '<', before.slice(0, 10))
        .execute()
    },

    /** Sums of the rollups per bucket and group, buckets `from` to `to` inclusive (SQL adds up). */
    async usage(
      bucketSize: 'minute' | 'hour' | 'day',
      group: UsageGroup,
      from: string,
      to: string,
      columns: readonly string[],
    ): Promise<UsageSums[]> {
      const sums = columns.map((c) => sql<number>`sum(${sql.ref(c)})`.as(c))
      const rows = await db
        .selectFrom('usage_rollups')
        .select([
          sql.ref('bucket').as('bucket'),
          sql.ref(group).as('group'),
          sql`max(provider)`.as('provider'),
        ])
        .select(sums as never)
        .where('bucket_size', '=', bucketSize)
        .where('bucket', '>=', from)
        .where('bucket', '<=', to)
        .groupBy(['bucket', group])
        .orderBy('bucket')
        .execute()
      return rows as unknown as UsageSums[]
    },
  }
}

export type RequestsRepo = ReturnType<typeof createRequestsRepo>
