#!/usr/bin/env node
/**
 * Load benchmark of the gateway (issue 5). Starts, on 127.0.0.1:
 *   - a fake OpenAI upstream (non-streaming JSON, or 20 SSE chunks), pinned to core 1;
 *   - a minimal raw node:http pass-through proxy (the floor any Node gateway can reach), core 0;
 *   - Switchboard (`node backend/dist/main.js`, SQLite in a temp dir, normal logging and metrics,
 *     an admin token, a client key, health checks off), core 0;
 * and drives each with autocannon pinned to core 1: upstream direct, raw proxy, Switchboard, for
 * non-streaming and streaming requests at 32 and 128 connections. Reports requests/s, p50/p99,
 * the process's CPU µs per request (from /proc/<pid>/stat) and RSS, with Switchboard / raw ratios,
 * and writes the results to bench/results/. Then, below saturation, the same targets at a fixed
 * rate (1000 requests/s over 32 connections, open loop, microsecond timing): the latency the
 * gateway adds when it is not queueing (at saturation, p50 is mostly connections / throughput).
 *
 *   node bench/gateway.mjs [--duration 10] [--connections 32,128] [--modes json,stream,translated,responses,messages]
 *                          [--only raw-proxy,switchboard] [--no-build] [--soak 300] [--node-args "…"]
 *                          [--rate 1000 (0: skip the fixed-rate latency cases)]
 *                          [--rounds 3 (every load case that many times, the targets' order reversed
 *                           every other round; the tables give medians and the lowest–highest)]
 *                          [--node-args-b "…" (a second Switchboard, switchboard-b, with these node
 *                           flags instead, measured right after the first in every case)]
 *                          [--idle 30 (each target's RSS after that many seconds idle once started, and
 *                           again after the load cases)]
 *                          [--escapes (content with a line break, i.e. a `\n` escape, in every JSON chunk)]
 *                          [--log-compare (a second Switchboard with BACKEND_REQUEST_LOG=false, measured
 *                           beside the first in the same run: the request log's cost)]
 *                          [--route-config '{"retries":2,"first_token_timeout":"adaptive"}' (json and
 *                           stream go through a route with that config: its happy-path cost)]
 *
 * Mode `translated` (issue 14): a streaming Chat Completions client on the model only the
 * `anthropic` provider offers, so Switchboard translates chat → messages and back (the mock answers
 * its Messages stream); the table after the main one sets it beside `stream` (the same client,
 * native) for Switchboard: the translation's extra CPU per request (the budget is +30 %). The
 * direct and raw-proxy targets get the chat body at the mock's chat path (a floor, no translation).
 */
import { execFileSync, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { args, flag, freePort, root } from './cli.mjs'

const CHUNKS = 20
const ADMIN_TOKEN = 'bench-admin-token-0123456789'
const MODEL = 'bench-model'
/** Served by a second provider of kind `anthropic` on the same mock: the messages mode's model. */
const ANTHROPIC_MODEL = 'bench-model-anthropic'
/** --route-config: json and stream ask for this route (over the bench upstream) instead of the model. */
const ROUTE_CONFIG = flag('route-config', '')
const ROUTE = 'bench-route'

// ---------------------------------------------------------------- roles run as child processes

/** `escapes`: every content string holds a line break, so every JSON chunk has a `\n` escape. */
function runUpstream(port, escapes) {
  const nl = escapes ? '\n' : ' '
  const completion = JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion',
    created: 1700000000,
    model: MODEL,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: `Hello!${nl}I am fine, thank you.` },
        finish_reason: 'stop',
      },
    ],
    usage: { prompt_tokens: 12, completion_tokens: 8, total_tokens: 20 },
  })
  const chunk = (delta, finish = null) =>
    `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1700000000, model: MODEL, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`
  const events = [chunk({ role: 'assistant', content: '' })]
  for (let i = 0; i < CHUNKS; i++) events.push(chunk({ content: `tok${i}${nl}` }))
  events.push(chunk({}, 'stop'), 'data: [DONE]\n\n')
  // the same answer as typed Responses events and as Anthropic Messages events
  const typed = (type, data) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`
  const response = (status) => ({ id: 'resp_bench', object: 'response', status, model: MODEL, output: [] })
  const responsesEvents = [
    typed('response.created', { sequence_number: 0, response: response('in_progress') }),
    typed('response.in_progress', { sequence_number: 1, response: response('in_progress') }),
  ]
  for (let i = 0; i < CHUNKS; i++)
    responsesEvents.push(
      typed('response.output_text.delta', {
        sequence_number: i + 2,
        item_id: 'msg_bench',
        output_index: 0,
        content_index: 0,
        delta: `tok${i}${nl}`,
      }),
    )
  responsesEvents.push(
    typed('response.completed', { sequence_number: CHUNKS + 2, response: response('completed') }),
  )
  const message = { id: 'msg_bench', type: 'message', role: 'assistant', model: MODEL, content: [] }
  const messagesEvents = [
    typed('message_start', { message: { ...message, usage: { input_tokens: 12, output_tokens: 1 } } }),
    typed('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
    typed('ping', {}),
  ]
  for (let i = 0; i < CHUNKS; i++)
    messagesEvents.push(
      typed('content_block_delta', { index: 0, delta: { type: 'text_delta', text: `tok${i}${nl}` } }),
    )
  messagesEvents.push(
    typed('content_block_stop', { index: 0 }),
    typed('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: CHUNKS } }),
    typed('message_stop', {}),
  )
  const server = http.createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (c) => {
      body += c
    })
    req.on('end', () => {
      if (!body.includes('"stream":true')) {
        res.writeHead(200, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(completion),
        })
        res.end(completion)
        return
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
      const stream = req.url.endsWith('/responses')
        ? responsesEvents
        : req.url.endsWith('/messages')
          ? messagesEvents
          : events
      let i = 0
      // one event per turn of the loop, as a model's tokens arrive one by one
      const next = () => {
        if (i === stream.length - 1) return res.end(stream[i])
        res.write(stream[i++])
        setImmediate(next)
      }
      next()
    })
  })
  server.keepAliveTimeout = 60_000
  server.listen(port, '127.0.0.1', () => process.send?.('ready'))
}

function runRawProxy(port, upstreamPort) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 })
  const server = http.createServer((req, res) => {
    const up = http.request(
      {
        host: '127.0.0.1',
        port: upstreamPort,
        method: req.method,
        path: req.url,
        headers: { 'content-type': 'application/json', authorization: 'Bearer sk-upstream' },
        agent,
      },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers)
        upRes.pipe(res)
      },
    )
    up.on('error', () => res.destroy())
    req.pipe(up)
  })
  server.keepAliveTimeout = 60_000
  server.listen(port, '127.0.0.1', () => process.send?.('ready'))
}

/**
 * Open-loop load at a fixed rate (for latency below saturation): a request is started every
 * 1/rate s on a keep-alive pool of `connections` sockets whatever the answers do, and each one's
 * latency is timed in microseconds from sending to the end of the answer (and to its first byte).
 * autocannon's `overallRate` is no use here: it sends each connection's quota for the second in a
 * burst at its start, so the bursts queue, and it records whole milliseconds.
 */
function runRateClient(url, rate, seconds, connections, token, body) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections })
  const target = new URL(url)
  const headers = {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    authorization: `Bearer ${token}`,
  }
  const total = Math.round(rate * seconds)
  const latencies = []
  const ttfbs = []
  let sent = 0
  let done = 0
  let errors = 0
  let non2xx = 0
  let lateMs = 0
  const finish = () => {
    const sorted = (a) => Float64Array.from(a).sort()
    const at = (a, p) => (a.length ? a[Math.min(a.length - 1, Math.ceil((p / 100) * a.length) - 1)] : null)
    const round = (v) => (v === null ? null : Math.round(v * 1000) / 1000)
    const l = sorted(latencies)
    const t = sorted(ttfbs)
    agent.destroy()
    process.send?.({
      requests: done,
      rate: Math.round(done / seconds),
      errors,
      non2xx,
      max_send_lag_ms: round(lateMs),
      p50_ms: round(at(l, 50)),
      p90_ms: round(at(l, 90)),
      p99_ms: round(at(l, 99)),
      max_ms: round(l.at(-1) ?? null),
      ttfb_p50_ms: round(at(t, 50)),
      ttfb_p99_ms: round(at(t, 99)),
    })
  }
  const one = () => {
    const start = process.hrtime.bigint()
    let first = 0n
    const req = http.request(
      { host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers, agent },
      (res) => {
        first = process.hrtime.bigint()
        if (res.statusCode < 200 || res.statusCode >= 300) non2xx++
        res.on('data', () => {})
        res.on('end', () => {
          const end = process.hrtime.bigint()
          latencies.push(Number(end - start) / 1e6)
          ttfbs.push(Number(first - start) / 1e6)
          if (++done + errors === total) finish()
        })
      },
    )
    req.on('error', () => {
      errors++
      if (done + errors === total) finish()
    })
    req.end(body)
  }
  const began = performance.now()
  const tick = () => {
    const now = performance.now()
    const due = Math.min(total, Math.floor(((now - began) / 1000) * rate) + 1)
    if (due > sent + 1) lateMs = Math.max(lateMs, now - began - ((sent + 1) / rate) * 1000)
    while (sent < due) {
      sent++
      one()
    }
    if (sent < total) setTimeout(tick, Math.max(0, (sent / rate) * 1000 - (performance.now() - began)))
  }
  tick()
}

// ---------------------------------------------------------------- helpers

function pinned(core, command, commandArgs, options) {
  return spawn('taskset', ['-c', String(core), command, ...commandArgs], options)
}

function startRole(core, role, ...roleArgs) {
  const child = pinned(
    core,
    process.execPath,
    [fileURLToPath(import.meta.url), '--role', role, ...roleArgs.map(String)],
    {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  )
  return new Promise((resolveReady, reject) => {
    child.once('message', () => resolveReady(child))
    child.once('exit', (code) => reject(new Error(`${role} exited with ${code}`)))
  })
}

/** Runs the fixed-rate client (pinned to core 1 with the upstream) and resolves with its figures. */
function rateClient({ url, rate, seconds, connections, token, body }) {
  const child = pinned(
    1,
    process.execPath,
    [
      fileURLToPath(import.meta.url),
      '--role',
      'rate-client',
      url,
      String(rate),
      String(seconds),
      String(connections),
      token,
      body,
    ],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  )
  return new Promise((resolveRun, reject) => {
    child.once('message', (result) => {
      child.kill()
      resolveRun(result)
    })
    child.once('exit', (code) => reject(new Error(`rate client exited with ${code}`)))
  })
}

async function waitForHttp(url, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url)
      if (res.ok) return
    } catch {}
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`${url} did not come up`)
}

async function api(base, method, path, body) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  })
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`)
  return res.json()
}

/** `extraEnv`: e.g. BACKEND_REQUEST_LOG=false; `name` keeps each instance's files apart. */
async function startSwitchboard(
  core,
  port,
  upstreamPort,
  dir,
  name = 'bench',
  extraEnv = {},
  nodeArgs = flag('node-args', '').split(' ').filter(Boolean),
) {
  const env = {
    ...process.env,
    ...extraEnv,
    BACKEND_DATABASE_URL: `sqlite:${join(dir, `${name}.db`)}`,
    BACKEND_API_KEY_SECRET: 'bench-secret-0123456789abcdef',
    BACKEND_BACKUP_FILE: join(dir, `${name}-backup.json`),
    BACKEND_LOG_DIR: join(dir, `${name}-logs`),
    BACKEND_HEALTH_CHECK_ENABLED: 'false',
    BACKEND_ADMIN_TOKEN: ADMIN_TOKEN,
    BACKEND_HOST: '127.0.0.1',
    BACKEND_PORT: String(port),
  }
  // e.g. --node-args "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the gateway under load
  const child = pinned(core, process.execPath, [...nodeArgs, join(root, 'backend', 'dist', 'main.js')], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const base = `http://127.0.0.1:${port}`
  await waitForHttp(`${base}/ping`)
  const upstream = await api(base, 'POST', '/api/providers', {
    name: 'bench-upstream',
    base_url: `http://127.0.0.1:${upstreamPort}/v1`,
    api_key: 'sk-bench-upstream-key-0123456789',
    models: [MODEL],
  })
  // /v1/messages goes only to providers of kind anthropic (DESIGN.md; docs/gateway.md)
  await api(base, 'POST', '/api/providers', {
    name: 'bench-anthropic',
    kind: 'anthropic',
    base_url: `http://127.0.0.1:${upstreamPort}/v1`,
    api_key: 'sk-ant-bench-upstream-key-0123456789',
    models: [ANTHROPIC_MODEL],
  })
  if (ROUTE_CONFIG) {
    const config = JSON.parse(ROUTE_CONFIG)
    await api(base, 'POST', '/api/model-routes', {
      name: ROUTE,
      mode: 'auto',
      config,
      nodes: [{ api_id: upstream.id, models: [MODEL] }],
    })
  }
  const { key } = await api(base, 'POST', '/api/keys', { name: 'bench' })
  return { child, key }
}

function ticksOf(statFile) {
  const stat = readFileSync(statFile, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return Number(fields[11]) + Number(fields[12]) // utime + stime (fields 14 and 15)
}

/** The process's CPU ticks, and those of its main thread (the rest: GC helpers, libuv's pool). */
function cpuTicks(pid) {
  return { all: ticksOf(`/proc/${pid}/stat`), main: ticksOf(`/proc/${pid}/task/${pid}/stat`) }
}

/** json and stream: chat completions; responses and messages: those formats' streams. */
const MODE_PATHS = {
  json: '/v1/chat/completions',
  stream: '/v1/chat/completions',
  translated: '/v1/chat/completions',
  responses: '/v1/responses',
  messages: '/v1/messages',
}

function requestBody(mode) {
  if (mode === 'responses')
    return JSON.stringify({ model: MODEL, input: 'Hello, how are you?', stream: true })
  return JSON.stringify({
    model: mode === 'messages' || mode === 'translated' ? ANTHROPIC_MODEL : ROUTE_CONFIG ? ROUTE : MODEL,
    ...(mode === 'messages' ? { max_tokens: 256 } : {}),
    messages: [{ role: 'user', content: 'Hello, how are you?' }],
    ...(mode === 'json' ? {} : { stream: true }),
  })
}

function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
  return Math.round(kb / 102.4) / 10
}

const TICK_US = 1_000_000 / Number(execFileSync('getconf', ['CLK_TCK']).toString().trim() || 100)

function autocannon({ url, connections, duration, body, token }) {
  const cli = join(root, 'node_modules', 'autocannon', 'autocannon.js')
  const child = pinned(
    1,
    process.execPath,
    [
      cli,
      '-j',
      '-c',
      String(connections),
      '-d',
      String(duration),
      '-m',
      'POST',
      '-H',
      'content-type=application/json',
      '-H',
      `authorization=Bearer ${token}`,
      '-b',
      body,
      url,
    ],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  )
  let out = ''
  child.stdout.on('data', (c) => {
    out += c
  })
  return new Promise((resolveRun, reject) => {
    child.on('exit', (code) =>
      code === 0 ? resolveRun(JSON.parse(out)) : reject(new Error(`autocannon exited ${code}`)),
    )
  })
}

async function measure({ name, mode, base, pid, connections, duration, token }) {
  const body = requestBody(mode)
  const url = `${base}${MODE_PATHS[mode]}`
  await autocannon({ url, connections, duration: 2, body, token }) // warm-up
  const before = cpuTicks(pid)
  const result = await autocannon({ url, connections, duration, body, token })
  const after = cpuTicks(pid)
  const cpuUs = (after.all - before.all) * TICK_US
  const otherUs = (after.all - after.main - (before.all - before.main)) * TICK_US
  const requests = result.requests.total
  const row = {
    name,
    mode,
    connections,
    rps: Math.round(result.requests.average),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    cpu_us_per_req: requests > 0 ? Math.round(cpuUs / requests) : null,
    other_threads_us_per_req: requests > 0 ? Math.round(otherUs / requests) : null,
    rss_mb: rssMb(pid),
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  }
  // a target that answers errors is measured doing something else: its figures are no comparison
  if (row.non2xx > requests / 100)
    throw new Error(
      `${name} ${mode}: ${row.non2xx} of ${requests} answers were not 2xx; the figures would mean nothing`,
    )
  console.log(
    `${name.padEnd(12)} ${mode.padEnd(6)} c=${String(connections).padEnd(4)} ${String(row.rps).padStart(6)} req/s  p50 ${row.p50_ms} ms  p99 ${row.p99_ms} ms  ${row.cpu_us_per_req} µs/req  ${row.rss_mb} MB${row.non2xx || row.errors ? `  non2xx=${row.non2xx} errors=${row.errors}` : ''}`,
  )
  return row
}

/** Latency below saturation: `rate` requests/s at `connections` connections, open loop. */
async function measureAtRate({ name, mode, base, pid, connections, rate, duration, token }) {
  const body = requestBody(mode)
  const url = `${base}${MODE_PATHS[mode]}`
  await rateClient({ url, rate, seconds: 2, connections, token, body }) // warm-up
  const before = cpuTicks(pid)
  const result = await rateClient({ url, rate, seconds: duration, connections, token, body })
  const cpuUs = (cpuTicks(pid).all - before.all) * TICK_US
  const row = {
    name,
    mode,
    connections,
    target_rate: rate,
    ...result,
    cpu_us_per_req: result.requests > 0 ? Math.round(cpuUs / result.requests) : null,
    rss_mb: rssMb(pid),
  }
  console.log(
    `${name.padEnd(12)} ${mode.padEnd(6)} @${rate}/s c=${connections}  p50 ${row.p50_ms} ms  p90 ${row.p90_ms} ms  p99 ${row.p99_ms} ms  max ${row.max_ms} ms  ${row.cpu_us_per_req} µs/req  ${row.rss_mb} MB${row.non2xx || row.errors ? `  non2xx=${row.non2xx} errors=${row.errors}` : ''}${row.max_send_lag_ms > 5 ? `  (client fell ${row.max_send_lag_ms} ms behind)` : ''}`,
  )
  return row
}

function printRateTable(rows) {
  console.log(
    '\n| mode | rate | target | p50 ms | p90 ms | p99 ms | CPU µs/req | + p50 vs direct | + p50 vs raw | + p99 vs raw |',
  )
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |')
  for (const row of rows) {
    const other = (name) => rows.find((r) => r.name === name && r.mode === row.mode)
    const direct = other('direct')
    const raw = other('raw-proxy')
    const diff = (a, b) => (row.name !== 'direct' && a !== null && b ? (a - b).toFixed(3) : '')
    console.log(
      `| ${row.mode} | ${row.target_rate}/s c=${row.connections} | ${row.name} | ${row.p50_ms} | ${row.p90_ms} | ${row.p99_ms} | ${row.cpu_us_per_req} | ${diff(row.p50_ms, direct?.p50_ms)} | ${row.name === 'switchboard' ? diff(row.p50_ms, raw?.p50_ms) : ''} | ${row.name === 'switchboard' ? diff(row.p99_ms, raw?.p99_ms) : ''} |`,
    )
  }
}

/**
 * One row per target, mode and connections: the median of its rounds in every figure, with the
 * lowest and highest req/s and CPU per request when there was more than one round.
 */
function medianRows(runs) {
  const median = (values) => {
    const sorted = [...values].sort((a, b) => a - b)
    const mid = Math.floor(sorted.length / 2)
    if (sorted.length % 2) return sorted[mid]
    // an even count: the mean of the middle two, kept as whole as the figures are (RSS has a decimal)
    const [a, b] = [sorted[mid - 1], sorted[mid]]
    return Number.isInteger(a) && Number.isInteger(b) ? Math.round((a + b) / 2) : Math.round((a + b) * 5) / 10
  }
  const groups = new Map()
  for (const run of runs) {
    const key = `${run.mode}:${run.connections}:${run.name}`
    if (!groups.has(key)) groups.set(key, [])
    groups.get(key).push(run)
  }
  // the groups keep the first round's order: mode, connections, then the targets as listed
  return [...groups.values()].map((group) => {
    const { round: _round, ...first } = group[0]
    if (group.length === 1) return first
    const row = { ...first }
    for (const field of ['rps', 'p50_ms', 'p99_ms', 'cpu_us_per_req', 'other_threads_us_per_req', 'rss_mb'])
      row[field] = median(group.map((r) => r[field]))
    for (const field of ['non2xx', 'errors']) row[field] = group.reduce((sum, r) => sum + r[field], 0)
    row.rounds = group.length
    const range = (field) => [
      Math.min(...group.map((r) => r[field])),
      Math.max(...group.map((r) => r[field])),
    ]
    row.spread = { rps: range('rps'), cpu_us_per_req: range('cpu_us_per_req') }
    return row
  })
}

/** ` (4100–4480)`: a figure's lowest and highest over the rounds, or nothing for a single round. */
function spreadOf(row, field) {
  return row.spread ? ` (${row.spread[field][0]}–${row.spread[field][1]})` : ''
}

function printTable(rows) {
  console.log(
    '\n| mode | conns | target | req/s | p50 ms | p99 ms | CPU µs/req (other threads) | RSS MB | vs raw: req/s | CPU | +p50 ms |',
  )
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |')
  for (const row of rows) {
    const raw = rows.find(
      (r) => r.name === 'raw-proxy' && r.mode === row.mode && r.connections === row.connections,
    )
    const isSb = row.name.startsWith('switchboard') && raw
    const ratio = (a, b) => (a && b ? (a / b).toFixed(2) : '')
    console.log(
      `| ${row.mode} | ${row.connections} | ${row.name} | ${row.rps}${spreadOf(row, 'rps')} | ${row.p50_ms} | ${row.p99_ms} | ${row.cpu_us_per_req}${spreadOf(row, 'cpu_us_per_req')} (${row.other_threads_us_per_req}) | ${row.rss_mb} | ${isSb ? ratio(row.rps, raw.rps) : ''} | ${isSb ? ratio(row.cpu_us_per_req, raw.cpu_us_per_req) : ''} | ${isSb ? (row.p50_ms - raw.p50_ms).toFixed(2) : ''} |`,
    )
  }
}

/** --log-compare: the request log on (switchboard) against off (switchboard-nolog), case by case. */
function printLogTable(rows) {
  const pairs = rows
    .filter((r) => r.name === 'switchboard')
    .map((on) => ({
      on,
      off: rows.find(
        (r) => r.name === 'switchboard-nolog' && r.mode === on.mode && r.connections === on.connections,
      ),
    }))
    .filter((p) => p.off)
  if (pairs.length === 0) return
  console.log('\nRequest log on vs off (issue 15: throughput with the log at least 90 % of without):')
  console.log(
    '| mode | conns | req/s log on | req/s log off | on / off | CPU µs/req on | off | p99 ms on | off |',
  )
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |')
  for (const { on, off } of pairs) {
    console.log(
      `| ${on.mode} | ${on.connections} | ${on.rps}${spreadOf(on, 'rps')} | ${off.rps}${spreadOf(off, 'rps')} | ${(on.rps / off.rps).toFixed(2)} | ${on.cpu_us_per_req}${spreadOf(on, 'cpu_us_per_req')} | ${off.cpu_us_per_req}${spreadOf(off, 'cpu_us_per_req')} | ${on.p99_ms} | ${off.p99_ms} |`,
    )
  }
}

/** Switchboard's translated stream beside its native one (same run, same connections). */
function printTranslatedTable(rows) {
  const pairs = rows
    .filter((r) => r.name === 'switchboard' && r.mode === 'translated')
    .map((translated) => ({
      translated,
      native: rows.find(
        (r) => r.name === 'switchboard' && r.mode === 'stream' && r.connections === translated.connections,
      ),
    }))
    .filter((p) => p.native)
  if (pairs.length === 0) return
  console.log(
    '\nTranslated (chat -> messages) vs native chat stream (issue 14: at most +30 % CPU per request):',
  )
  console.log(
    '| conns | req/s native | req/s translated | CPU µs/req native | translated | translated / native | p99 ms native | translated |',
  )
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |')
  for (const { translated, native } of pairs) {
    console.log(
      `| ${translated.connections} | ${native.rps} | ${translated.rps} | ${native.cpu_us_per_req} | ${translated.cpu_us_per_req} | ${(translated.cpu_us_per_req / native.cpu_us_per_req).toFixed(2)} | ${native.p99_ms} | ${translated.p99_ms} |`,
    )
  }
}

/** RSS of each target after `seconds` without a request (no forced collection from here). */
async function idleRss(seconds, targets) {
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000))
  const rss = Object.fromEntries(targets.map((target) => [target.name, rssMb(target.pid)]))
  console.log(
    `idle ${seconds} s: ${Object.entries(rss)
      .map(([name, mb]) => `${name} ${mb} MB`)
      .join(', ')}`,
  )
  return rss
}

async function soak(seconds, target) {
  const body = JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], stream: true })
  const samples = []
  const timer = setInterval(() => samples.push({ t: samples.length * 10, rss_mb: rssMb(target.pid) }), 10_000)
  const result = await autocannon({
    url: `${target.base}/v1/chat/completions`,
    connections: 32,
    duration: seconds,
    body,
    token: target.token,
  })
  clearInterval(timer)
  const rss = samples.map((s) => s.rss_mb)
  const summary = {
    seconds,
    requests: result.requests.total,
    rss_first_mb: rss[0],
    rss_max_mb: Math.max(...rss),
    rss_last_mb: rss.at(-1),
    samples,
  }
  console.log(
    `soak: ${summary.requests} requests in ${seconds} s; RSS first ${summary.rss_first_mb} MB, max ${summary.rss_max_mb} MB, last ${summary.rss_last_mb} MB`,
  )
  return summary
}

// ---------------------------------------------------------------- main

async function main() {
  const role = flag('role', null)
  if (role === 'upstream')
    return runUpstream(
      Number(args[args.indexOf('--role') + 2]),
      args[args.indexOf('--role') + 3] === 'escapes',
    )
  if (role === 'rate-client') {
    const i = args.indexOf('--role')
    const [url, rate, seconds, connections, token, body] = args.slice(i + 2, i + 8)
    return runRateClient(url, Number(rate), Number(seconds), Number(connections), token, body)
  }
  if (role === 'raw-proxy')
    return runRawProxy(Number(args[args.indexOf('--role') + 2]), Number(args[args.indexOf('--role') + 3]))

  const duration = Number(flag('duration', '10'))
  const connectionList = flag('connections', '32,128').split(',').map(Number)
  const soakSeconds = Number(flag('soak', '0'))
  if (cpus().length < 2) console.warn('fewer than 2 cores: the pinning below measures contention')
  if (!args.includes('--no-build'))
    execFileSync('npm', ['run', 'build', '-w', 'backend'], { cwd: root, stdio: 'inherit' })

  const dir = mkdtempSync(join(tmpdir(), 'switchboard-bench-'))
  const children = []
  const stop = () => {
    for (const child of children) child.kill('SIGTERM')
    rmSync(dir, { recursive: true, force: true })
  }
  process.on('SIGINT', () => {
    stop()
    process.exit(130)
  })
  try {
    const [upPort, rawPort, sbPort] = [await freePort(), await freePort(), await freePort()]
    const escapes = args.includes('--escapes')
    const upstream = await startRole(1, 'upstream', upPort, escapes ? 'escapes' : 'plain')
    children.push(upstream)
    const raw = await startRole(0, 'raw-proxy', rawPort, upPort)
    children.push(raw)
    const sb = await startSwitchboard(0, sbPort, upPort, dir)
    children.push(sb.child)
    const targets = [
      { name: 'direct', base: `http://127.0.0.1:${upPort}`, pid: upstream.pid, token: 'x' },
      { name: 'raw-proxy', base: `http://127.0.0.1:${rawPort}`, pid: raw.pid, token: 'x' },
      { name: 'switchboard', base: `http://127.0.0.1:${sbPort}`, pid: sb.child.pid, token: sb.key },
    ]
    /** A second Switchboard beside the first (same core), measured right after it in every case. */
    const addTwin = async (name, suffix, env, nodeArgs) => {
      const twinPort = await freePort()
      const twin = await startSwitchboard(0, twinPort, upPort, dir, suffix, env, nodeArgs)
      children.push(twin.child)
      targets.push({ name, base: `http://127.0.0.1:${twinPort}`, pid: twin.child.pid, token: twin.key })
    }
    const logCompare = args.includes('--log-compare')
    // the same server with the request log off
    if (logCompare) await addTwin('switchboard-nolog', 'nolog', { BACKEND_REQUEST_LOG: 'false' })
    const nodeArgsB = flag('node-args-b', null)
    // the same server under other node flags (e.g. a V8 heap setting)
    if (nodeArgsB !== null) await addTwin('switchboard-b', 'b', {}, nodeArgsB.split(' ').filter(Boolean))
    const only = flag('only', '').split(',').filter(Boolean)
    const measured = targets.filter((target) => only.length === 0 || only.includes(target.name))
    const idleSeconds = Number(flag('idle', '0'))
    const idle =
      idleSeconds > 0 ? { seconds: idleSeconds, started: await idleRss(idleSeconds, measured) } : null
    const modes = flag('modes', 'json,stream').split(',')
    // --rounds N: every case N times, the targets in reverse order every other round (so neither
    // of two twins always runs first); the tables give each case's median and the spread
    const rounds = Math.max(1, Number(flag('rounds', '1')))
    const runs = []
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? targets : [...targets].reverse()
      for (const mode of modes) {
        for (const connections of connectionList) {
          for (const target of order) {
            if (only.length === 0 || only.includes(target.name))
              runs.push({ round, ...(await measure({ ...target, mode, connections, duration })) })
          }
        }
      }
    }
    const rows = medianRows(runs)
    printTable(rows)
    printLogTable(rows)
    printTranslatedTable(rows)
    const rate = Number(flag('rate', '1000'))
    const rateRows = []
    if (rate > 0) {
      for (const mode of modes) {
        for (const target of targets) {
          if (only.length === 0 || only.includes(target.name))
            rateRows.push(await measureAtRate({ ...target, mode, connections: 32, rate, duration }))
        }
      }
      printRateTable(rateRows)
    }
    if (idle) idle.after_load = await idleRss(idleSeconds, measured)
    const soakResult = soakSeconds > 0 ? await soak(soakSeconds, targets[2]) : null
    const results = {
      at: new Date().toISOString(),
      node: process.version,
      cpus: cpus().length,
      cpu_model: cpus()[0]?.model,
      duration_s: duration,
      chunks_per_stream: CHUNKS,
      escapes,
      log_compare: logCompare,
      rounds,
      rows,
      runs: rounds > 1 ? runs : undefined,
      fixed_rate: rateRows,
      idle,
      soak: soakResult,
    }
    mkdirSync(join(root, 'bench', 'results'), { recursive: true })
    const file = join(root, 'bench', 'results', `gateway-${results.at.replace(/[:.]/g, '-')}.json`)
    writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`)
    console.log(`\nresults: ${file}`)
  } finally {
    stop()
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
