/**
 * Selections per second through the admin API, next to the pure function it calls:
 *   1. `select()` on the app's own snapshot (no HTTP, no database)
 *   2. `app.inject()` of POST /api/model-routes/{id}/select (Fastify routing, validation, serialisation)
 *   3. real HTTP on 127.0.0.1 with autocannon (sockets, HTTP parsing, keep-alive)
 * The select path reads only the in-memory snapshot: no database query per request at any level.
 *
 * Run from the repository root: `npx tsx bench/routing-api.ts [seconds per case, default 3] [connections, default 10]`
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import type { FastifyInstance } from 'fastify'
import pino from 'pino'
import { buildApp } from '../backend/src/app.js'
import { RoundRobinState, select } from '../backend/src/domain/routing.js'
import { loadSettings } from '../backend/src/settings.js'

const seconds = Number(process.argv[2] ?? 3)
const connections = Number(process.argv[3] ?? 10)

interface Row {
  case: string
  'selections/s': string
  'µs/op': string
  'p50 ms': string
  'p99 ms': string
}

function row(name: string, perSecond: number, p50?: number, p99?: number): Row {
  return {
    case: name,
    'selections/s': Math.round(perSecond).toLocaleString('en'),
    'µs/op': (1e6 / perSecond).toFixed(2),
    'p50 ms': p50 === undefined ? '' : String(p50),
    'p99 ms': p99 === undefined ? '' : String(p99),
  }
}

async function post(app: FastifyInstance, url: string, payload: object) {
  const res = await app.inject({ method: 'POST', url, payload })
  if (res.statusCode !== 201) throw new Error(`${url} answered ${res.statusCode}: ${res.body}`)
  return res.json() as { id: number }
}

async function seed(app: FastifyInstance) {
  const ids: number[] = []
  for (const name of ['a', 'b', 'c']) {
    const provider = await post(app, '/api/providers', {
      name,
      base_url: `http://${name}.invalid/v1`,
      models: ['gpt-4o', `only-${name}`],
    })
    ids.push(provider.id)
  }
  const nodes = ids.map((api_id) => ({ api_id }))
  const auto = await post(app, '/api/model-routes', { name: 'auto', mode: 'auto', nodes })
  const multi = await post(app, '/api/model-routes', {
    name: 'multi',
    mode: 'multi',
    nodes: ids.map((api_id, i) => ({ api_id, priority: i })),
  })
  return { auto: auto.id, multi: multi.id }
}

function measurePure(app: FastifyInstance, routeId: number, model?: string): number {
  const snapshot = app.core.snapshot.current()
  const route = snapshot.routesById.get(routeId)!
  const options = { state: new RoundRobinState(), model }
  for (let i = 0; i < 10_000; i++) select(route, snapshot.providers, options)
  let done = 0
  const start = process.hrtime.bigint()
  const end = start + BigInt(Math.round(seconds * 1e9))
  while (process.hrtime.bigint() < end) {
    for (let i = 0; i < 10_000; i++) select(route, snapshot.providers, options)
    done += 10_000
  }
  return done / (Number(process.hrtime.bigint() - start) / 1e9)
}

async function measureInject(
  app: FastifyInstance,
  url: string,
  payload?: object,
  method: 'GET' | 'POST' = 'POST',
): Promise<number> {
  const once = async () => {
    const res = await app.inject({ method, url, ...(payload ? { payload } : {}) })
    if (res.statusCode !== 200) throw new Error(`${url} answered ${res.statusCode}: ${res.body}`)
  }
  for (let i = 0; i < 1000; i++) await once()
  let done = 0
  const start = performance.now()
  const end = start + seconds * 1000
  // a few in flight at once, as a server sees them
  while (performance.now() < end) {
    await Promise.all(Array.from({ length: connections }, once))
    done += connections
  }
  return done / ((performance.now() - start) / 1000)
}

async function measureHttp(base: string, path: string, body?: object) {
  const result = await autocannon({
    url: `${base}${path}`,
    method: 'POST',
    connections,
    duration: seconds,
    ...(body ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
  })
  const failed = result.non2xx + result.errors + result.timeouts
  if (failed > 0) throw new Error(`${path}: ${failed} requests failed`)
  return { perSecond: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 }
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-bench-'))
  const settings = loadSettings({
    BACKEND_DATABASE_URL: `sqlite:${join(dir, 'bench.db')}`,
    BACKEND_API_KEY_SECRET: 'bench-secret-0123456789abcdef',
    BACKEND_BACKUP_FILE: join(dir, 'backup.json'),
    BACKEND_LOG_DIR: join(dir, 'logs'),
    BACKEND_HEALTH_CHECK_ENABLED: 'false',
    BACKEND_HOST: '127.0.0.1',
    BACKEND_PORT: '0',
  })
  const app = await buildApp(settings, { logger: pino({ level: 'silent' }) })
  try {
    const routes = await seed(app)
    const base = await app.listen({ host: '127.0.0.1', port: 0 })
    const autoUrl = `/api/model-routes/${routes.auto}/select`
    const multiUrl = `/api/model-routes/${routes.multi}/select`
    const rows: Row[] = []
    rows.push(row('pure select(), auto round-robin, 3 nodes', measurePure(app, routes.auto)))
    rows.push(row('pure select(), multi, 3 groups', measurePure(app, routes.multi, 'gpt-4o')))
    // the floor: what any request costs in this app (hooks, auth, logging, metrics) before routing
    rows.push(row('app.inject, GET /ping (floor)', await measureInject(app, '/ping', undefined, 'GET')))
    rows.push(row('app.inject, auto, no body', await measureInject(app, autoUrl)))
    rows.push(row('app.inject, multi, {"model"}', await measureInject(app, multiUrl, { model: 'gpt-4o' })))
    const httpAuto = await measureHttp(base, autoUrl)
    rows.push(
      row(`HTTP autocannon ×${connections}, auto, no body`, httpAuto.perSecond, httpAuto.p50, httpAuto.p99),
    )
    const httpMulti = await measureHttp(base, multiUrl, { model: 'gpt-4o' })
    rows.push(
      row(
        `HTTP autocannon ×${connections}, multi, {"model"}`,
        httpMulti.perSecond,
        httpMulti.p50,
        httpMulti.p99,
      ),
    )
    const state = app.core.roundRobin.stateOf(routes.auto)
    console.log(
      `route selection through the API: ${seconds} s per case, ${connections} concurrent, Node ${process.version}`,
    )
    console.table(rows)
    console.log(`round-robin state of the auto route afterwards: ${JSON.stringify(state)}`)
  } finally {
    await app.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
