#!/usr/bin/env node
/**
 * Fills a PostgreSQL schema with a request log at scale (issue 15, "Scale and speed"): `--rows`
 * records (default 10 million) spread evenly over the last `--days` days (default 30), and the
 * per-minute, per-hour and per-day usage rollups they make, all generated on the server (generate_series
 * INSERT … SELECT, one statement a day; no row goes through Node). The schema is made by the
 * server's own migrations (backend/dist), so it is partitioned by day as a real install is.
 *
 *   npm run build -w backend
 *   node bench/seed-requests.mjs [--url postgres://postgres@127.0.0.1:5432/test] [--schema bench_requests]
 *                                [--rows 10000000] [--days 30] [--keys 50] [--models 10]
 *
 * The data: `--keys` client keys, `--models` models, each served by one of 5 providers through one
 * of 5 routes (so at most keys × models groups per bucket); latency 50 ms to ~3 s, a third streamed
 * (with a time to first token), 2 % answered 502 after a failed attempt, tokens and cost per record.
 * Then `node bench/requests-queries.mjs` times the Usage and Requests pages' queries on it.
 */
import { join } from 'node:path'
import pg from 'pg'
import { flag, root } from './cli.mjs'

const base = flag('url', process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test')
const schema = flag('schema', 'bench_requests')
const rows = Number(flag('rows', '10000000'))
const days = Number(flag('days', '30'))
const keys = Number(flag('keys', '50'))
const models = Number(flag('models', '10'))
if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`--schema ${schema}: letters, digits and _ only`)
for (const [name, n] of Object.entries({ rows, days, keys, models }))
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`)

/** The URL of the schema, as the server takes it (search_path in the options). */
export function schemaUrl(url, name) {
  const u = new URL(url)
  u.searchParams.set('options', `-c search_path=${name}`)
  return u.toString()
}

const { LATENCY_BUCKETS_MS, HISTOGRAM_COLUMNS } = await import(
  join(root, 'backend', 'dist', 'db', 'migrations.js')
)
const { openDatabase } = await import(join(root, 'backend', 'dist', 'db', 'database.js'))

/** sum(1 if <column> falls in histogram bucket i) for every i, as the writer counts (rollup.ts). */
function histogram(column, prefix) {
  return Array.from({ length: HISTOGRAM_COLUMNS }, (_, i) => {
    const upper = LATENCY_BUCKETS_MS[i]
    const lower = i === 0 ? null : LATENCY_BUCKETS_MS[i - 1]
    const cond = [
      `${column} IS NOT NULL`,
      lower === null ? null : `${column} > ${lower}`,
      upper === undefined ? null : `${column} <= ${upper}`,
    ].filter(Boolean)
    return `sum(CASE WHEN ${cond.join(' AND ')} THEN 1 ELSE 0 END) AS ${prefix}_${i}`
  })
}

const histogramColumns = Array.from({ length: HISTOGRAM_COLUMNS }, (_, i) => [
  `latency_${i}`,
  `ttft_${i}`,
]).flat()

function rollupInsert(size, from, to) {
  const width = { minute: 16, hour: 13, day: 10 }[size]
  return `
    INSERT INTO usage_rollups (bucket_size, bucket, key_id, route, provider_id, provider, model, requests,
      errors, input_tokens, output_tokens, cached_input_tokens, reasoning_tokens, cost, ${histogramColumns.join(', ')})
    SELECT '${size}', left(at, ${width}), coalesce(key_id, 0), coalesce(route, ''), coalesce(provider_id, 0),
      max(coalesce(provider, '')), coalesce(served_model, model), count(*),
      sum(CASE WHEN status < 200 OR status >= 300 OR error_code IS NOT NULL THEN 1 ELSE 0 END),
      sum(coalesce(input_tokens, 0)), sum(coalesce(output_tokens, 0)), sum(coalesce(cached_input_tokens, 0)),
      sum(coalesce(reasoning_tokens, 0)), sum(coalesce(cost, 0)),
      ${Array.from({ length: HISTOGRAM_COLUMNS }, (_, i) => [
        histogram('latency_ms', 'latency')[i],
        histogram('ttft_ms', 'ttft')[i],
      ])
        .flat()
        .join(',\n      ')}
    FROM request_log WHERE at >= '${from}' AND at < '${to}'
    GROUP BY 2, 3, 4, 5, 7`
}

async function main() {
  const admin = new pg.Client({ connectionString: base })
  await admin.connect()
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
  await admin.query(`CREATE SCHEMA ${schema}`)
  await admin.end()
  const url = schemaUrl(base, schema)
  // the server's migrations: the same tables, indexes and partitions as an install
  const db = await openDatabase({ engine: 'postgres', url })
  await db.close()

  const client = new pg.Client({ connectionString: url })
  await client.connect()
  const end = Date.now()
  const start = end - days * 86_400_000
  const step = (end - start) / rows // ms between two records
  // the day partitions of the range (the migration made today's and the next two)
  const { rows: dayRows } = await client.query(
    `SELECT to_char(d, 'YYYY-MM-DD') AS day FROM generate_series(to_timestamp($1 / 1000.0) AT TIME ZONE 'UTC',
       to_timestamp($2 / 1000.0) AT TIME ZONE 'UTC', interval '1 day') d`,
    [start, end],
  )
  const { partitionDdl } = await import(join(root, 'backend', 'dist', 'db', 'migrations.js'))
  for (const { day } of dayRows) await client.query(partitionDdl(day))
  await client.query('SET synchronous_commit = off')

  const began = performance.now()
  const perDay = Math.ceil(86_400_000 / step)
  let done = 0
  for (let first = 0; first < rows; first += perDay) {
    const last = Math.min(rows, first + perDay) - 1
    // g: the record's number; its time is start + g × step; everything else is a function of g
    // (the model g mod models, the key from g div models: every key meets every model)
    await client.query(
      `INSERT INTO request_log (at, request_id, key_id, endpoint, route, model, provider_id, provider, served_model,
         stream, status, error_code, attempts, latency_ms, ttft_ms, overhead_ms, input_tokens, output_tokens,
         cached_input_tokens, reasoning_tokens, cost)
       SELECT to_char(to_timestamp(($1::float8 + g * $2::float8) / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
         md5(g::text), 1 + ((g / $6) * 7919) % $3, 'chat/completions', 'route-' || (m % 5), 'model-' || m, 1 + m % 5,
         'provider-' || (m % 5), 'model-' || m, (g % 3 = 0)::int,
         CASE WHEN g % 50 = 0 THEN 502 ELSE 200 END,
         CASE WHEN g % 50 = 0 THEN 'upstream_error' END,
         CASE WHEN g % 50 = 0
           THEN '[{"provider_id":' || (1 + m % 5) || ',"provider":"provider-' || (m % 5) || '","outcome":"server_error","status":502,"duration_ms":40}]'
           ELSE '[{"provider_id":' || (1 + m % 5) || ',"provider":"provider-' || (m % 5) || '","outcome":"success","status":200,"duration_ms":' || lat || '}]' END,
         lat, CASE WHEN g % 3 = 0 THEN 20 + (g * 31) % 400 END, 0.3 + (g % 10) / 10.0,
         100 + (g * 13) % 4000, 10 + (g * 17) % 800, (g * 19) % 50, CASE WHEN m % 4 = 0 THEN (g % 100) ELSE 0 END,
         ((100 + (g * 13) % 4000) * 2.5 + (10 + (g * 17) % 800) * 10) / 1000000.0
       FROM generate_series($4::bigint, $5::bigint) AS g,
         LATERAL (SELECT g % $6 AS m, 50 + (g * 37) % 3000 AS lat) AS x`,
      [start, step, keys, first, last, models],
    )
    done = last + 1
    const s = (performance.now() - began) / 1000
    process.stdout.write(
      `\rrecords: ${done.toLocaleString('en-US')} of ${rows.toLocaleString('en-US')} (${s.toFixed(0)} s)`,
    )
  }
  console.log('')
  const logSeconds = (performance.now() - began) / 1000
  // rollups: one statement per day and bucket size, from the records just written
  const rollupBegan = performance.now()
  for (const { day } of dayRows) {
    const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)
    for (const size of ['day', 'hour', 'minute']) await client.query(rollupInsert(size, day, next))
    process.stdout.write(`\rrollups: ${day}`)
  }
  console.log('')
  const rollupSeconds = (performance.now() - rollupBegan) / 1000
  await client.query('ANALYZE request_log')
  await client.query('ANALYZE usage_rollups')
  const counts = await client.query(
    `SELECT (SELECT count(*) FROM request_log) AS records,
       (SELECT count(*) FROM usage_rollups WHERE bucket_size = 'hour') AS hour_rollups,
       (SELECT count(*) FROM usage_rollups WHERE bucket_size = 'minute') AS minute_rollups,
       (SELECT count(*) FROM usage_rollups WHERE bucket_size = 'day') AS day_rollups,
       pg_size_pretty(pg_total_relation_size('usage_rollups')) AS rollup_size,
       (SELECT pg_size_pretty(sum(pg_total_relation_size(inhrelid))) FROM pg_inherits
         WHERE inhparent = 'request_log'::regclass) AS log_size`,
  )
  await client.end()
  const c = counts.rows[0]
  console.log(
    `seeded ${schema}: ${Number(c.records).toLocaleString('en-US')} records (${c.log_size}) in ${logSeconds.toFixed(1)} s, ` +
      `${Number(c.day_rollups).toLocaleString('en-US')} day, ${Number(c.hour_rollups).toLocaleString('en-US')} hour and ${Number(c.minute_rollups).toLocaleString('en-US')} minute rollups (${c.rollup_size}) in ${rollupSeconds.toFixed(1)} s`,
  )
  console.log(`BACKEND_DATABASE_URL='${url}'`)
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
