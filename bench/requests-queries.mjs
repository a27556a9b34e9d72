#!/usr/bin/env node
/**
 * Times the request log's reads on a seeded schema (bench/seed-requests.mjs), through the built
 * server over HTTP as the UI asks them (issue 15 targets: a 30-day usage query grouped by model
 * under 200 ms, the Requests page's first screen under 300 ms), then one day of retention.
 *
 *   npm run build -w backend
 *   node bench/seed-requests.mjs --rows 10000000
 *   node bench/requests-queries.mjs [--url postgres://postgres@127.0.0.1:5432/test] [--schema bench_requests]
 *                                   [--runs 10] [--drop-day (drops the oldest day partition, timed)]
 *
 * Each query runs once cold (first after start-up), then --runs times; it prints the cold time, the
 * median and the slowest of the runs.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { flag, freePort, root } from './cli.mjs'

const base = flag('url', process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test')
const schema = flag('schema', 'bench_requests')
const runs = Number(flag('runs', '10'))
const TOKEN = 'bench-admin-token-0123456789'

const url = new URL(base)
url.searchParams.set('options', `-c search_path=${schema}`)

async function get(baseUrl, path) {
  const began = performance.now()
  const res = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } })
  const body = await res.json()
  const ms = performance.now() - began
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`)
  return { ms, body }
}

async function time(baseUrl, name, path, describe) {
  const cold = await get(baseUrl, path)
  const times = []
  for (let i = 0; i < runs; i++) times.push((await get(baseUrl, path)).ms)
  times.sort((a, b) => a - b)
  const median = times[Math.floor(times.length / 2)]
  const row = { name, cold_ms: cold.ms, median_ms: median, max_ms: times.at(-1), what: describe(cold.body) }
  console.log(
    `${name.padEnd(44)} cold ${cold.ms.toFixed(1).padStart(7)} ms  median ${median.toFixed(1).padStart(7)} ms  max ${times.at(-1).toFixed(1).padStart(7)} ms  (${row.what})`,
  )
  return row
}

async function main() {
  const client = new pg.Client({ connectionString: url.toString() })
  await client.connect()
  const { rows } = await client.query(
    `SELECT (SELECT count(*) FROM request_log) AS records, (SELECT min(at) FROM request_log) AS oldest`,
  )
  console.log(`${schema}: ${Number(rows[0].records).toLocaleString('en-US')} records since ${rows[0].oldest}`)

  const dir = mkdtempSync(join(tmpdir(), 'switchboard-bench-'))
  const port = await freePort()
  const server = spawn(process.execPath, [join(root, 'backend', 'dist', 'main.js')], {
    env: {
      ...process.env,
      BACKEND_DATABASE_URL: url.toString(),
      BACKEND_ADMIN_TOKEN: TOKEN,
      BACKEND_API_KEY_SECRET: 'bench-secret-0123456789abcdef0123',
      BACKEND_BACKUP_FILE: join(dir, 'backup.json'),
      BACKEND_LOG_DIR: join(dir, 'logs'),
      BACKEND_LOG_LEVEL: 'warn',
      BACKEND_HEALTH_CHECK_ENABLED: 'false',
      BACKEND_HOST: '127.0.0.1',
      BACKEND_PORT: String(port),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const baseUrl = `http://127.0.0.1:${port}`
  try {
    const deadline = Date.now() + 60_000
    for (;;) {
      try {
        if ((await fetch(`${baseUrl}/ping`)).ok) break
      } catch {}
      if (Date.now() > deadline) throw new Error('the server did not start')
      await new Promise((r) => setTimeout(r, 200))
    }
    const hour = 3_600_000
    const to = new Date(Math.floor(Date.now() / hour) * hour + hour).toISOString()
    const from30 = new Date(Date.parse(to) - 30 * 86_400_000).toISOString()
    const day = 86_400_000
    const toDay = new Date(Math.floor(Date.now() / day) * day + day).toISOString()
    const from30d = new Date(Date.parse(toDay) - 30 * day).toISOString()
    const from24 = new Date(Date.now() - 86_400_000).toISOString()
    const points = (b) => `${b.data.length} points, ${b.totals.length} groups`
    const records = (b) => `${b.data.length} records`
    const results = [
      await time(
        baseUrl,
        'usage: 30 days by model, daily (Usage page)',
        `/api/usage?group_by=model&interval=day&from=${from30d}&to=${toDay}`,
        points,
      ),
      await time(
        baseUrl,
        'usage: 30 days by model, hourly',
        `/api/usage?group_by=model&interval=hour&from=${from30}&to=${to}`,
        points,
      ),
      await time(
        baseUrl,
        'usage: 30 days by key, hourly',
        `/api/usage?group_by=key&interval=hour&from=${from30}&to=${to}`,
        points,
      ),
      await time(baseUrl, 'requests: first page, no filter', '/api/requests?limit=50', records),
      await time(
        baseUrl,
        'requests: first page, last 24 h (Requests page)',
        `/api/requests?limit=50&from=${from24}`,
        records,
      ),
      await time(baseUrl, 'requests: first page of one key', '/api/requests?limit=50&key_id=7', records),
      await time(baseUrl, 'requests: first page of status 502', '/api/requests?limit=50&status=502', records),
    ]
    if (args.includes('--drop-day')) {
      const { rows: parts } = await client.query(
        `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = 'request_log'::regclass AND c.relname LIKE 'request_log_p%' ORDER BY 1 LIMIT 1`,
      )
      const name = parts[0]?.name
      if (name) {
        const { rows: n } = await client.query(`SELECT count(*) AS n FROM ${name}`)
        const began = performance.now()
        await client.query(`DROP TABLE ${name}`)
        const ms = performance.now() - began
        console.log(
          `retention: DROP TABLE ${name} (${Number(n[0].n).toLocaleString('en-US')} records) ${ms.toFixed(1)} ms`,
        )
        results.push({ name: 'retention: drop one day', ms, records: Number(n[0].n) })
      }
    }
    console.log(JSON.stringify({ at: new Date().toISOString(), schema, results }))
  } finally {
    server.kill('SIGTERM')
    await client.end()
    rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
