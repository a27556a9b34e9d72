/**
 * Simulation of the route strategies (issue 17), run by `npm run bench:routing` (through tsx: it
 * calls the real domain code, backend/src/domain/routing.ts and strategies.ts, on a virtual clock).
 *
 * A route of 4 providers with different latency distributions (log-normal, a queueing slowdown
 * with requests in flight); provider "d" degrades 5× halfway through. Requests arrive as a Poisson
 * stream of conversation turns; each turn's prompt is the conversation so far, cached by the
 * provider that served the previous turn within the cache lifetime (5 min), at a tenth of the price.
 * Prints per strategy p50/p95/p99 latency, share per node, cache-hit rate and cost, without and with
 * session affinity, then the cost of one selection with 16 nodes.
 *
 * Affinity here is the gateway's own (issue 17 item 2): the store of services/gateway/affinity-bindings.ts
 * on the virtual clock (bind after each answer, TTL 5 min from the last one) and the planner's
 * session choice (the bound node while available, else the rendezvous hash or the strategy).
 *
 * Options: --requests N (default 20000), --seed S (default 17).
 */
import { planAttempts, RoutingState } from '../backend/src/domain/routing.ts'
import { seededRandom } from '../backend/src/domain/routing-state.ts'
import { AffinityBindings } from '../backend/src/services/gateway/affinity-bindings.ts'

const args = process.argv.slice(2)
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? Number(args[i + 1]) : fallback
}
const REQUESTS = opt('requests', 20_000)
const SEED = opt('seed', 17)
const RATE_PER_S = 40
const TURNS = 10
const CACHE_TTL_MS = 5 * 60_000
const PRICE_PER_1K_INPUT = 0.003 // $, uncached; a cache hit pays a tenth
const STRATEGIES = ['round-robin', 'weighted', 'least-busy', 'latency']

const PROVIDERS = [
  { id: 1, name: 'a', medianMs: 350, sigma: 0.35, capacity: 16, weight: 3 },
  { id: 2, name: 'b', medianMs: 600, sigma: 0.5, capacity: 12, weight: 2 },
  { id: 3, name: 'c', medianMs: 900, sigma: 0.3, capacity: 20, weight: 1 },
  { id: 4, name: 'd', medianMs: 450, sigma: 0.4, capacity: 16, weight: 3, degradesBy: 5 },
]

function providerRow(p) {
  return {
    id: p.id,
    name: p.name,
    base_url: `http://${p.name}.test/v1`,
    models: ['m'],
    is_active: true,
    health_check_path: '/models',
    status: 'online',
    latency_ms: 1,
    last_tested_at: null,
    consecutive_failures: 0,
    is_healthy: true,
    health_override: null,
    created_at: '',
    updated_at: '',
  }
}

function route(strategy, providers) {
  return {
    id: 1,
    name: 'r',
    mode: 'auto',
    is_active: true,
    config: { strategy },
    nodes: providers.map((p, i) => ({
      id: 100 + i,
      api_id: p.id,
      models: [],
      strategy: 'failover',
      priority: 0,
      weight: p.weight ?? 1,
      metadata: {},
    })),
    created_at: '',
    updated_at: '',
  }
}

/** A tiny binary heap of completion events by time. */
class Heap {
  items = []
  push(item) {
    const a = this.items
    a.push(item)
    let i = a.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (a[parent].at <= a[i].at) break
      ;[a[parent], a[i]] = [a[i], a[parent]]
      i = parent
    }
  }
  pop() {
    const a = this.items
    const top = a[0]
    const last = a.pop()
    if (a.length > 0) {
      a[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < a.length && a[l].at < a[m].at) m = l
        if (r < a.length && a[r].at < a[m].at) m = r
        if (m === i) break
        ;[a[m], a[i]] = [a[i], a[m]]
        i = m
      }
    }
    return top
  }
  peek() {
    return this.items[0]
  }
}

function simulate(strategy, withAffinity) {
  const rand = seededRandom(SEED) // the workload: the same for every strategy
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand())
  let now = 0
  const state = new RoutingState({ clock: () => now, random: seededRandom(SEED + 1) })
  const providers = new Map(PROVIDERS.map((p) => [p.id, providerRow(p)]))
  const r = route(strategy, PROVIDERS)
  const inFlight = new Map(PROVIDERS.map((p) => [p.id, 0]))
  const completions = new Heap()
  const latencies = []
  const share = new Map(PROVIDERS.map((p) => [p.id, 0]))
  const conversations = new Map() // id → { turn, lastNode, lastAt, nodes: Map }
  const bindings = new AffinityBindings({ ttlMs: CACHE_TTL_MS, max: 100_000, clock: () => now })
  let nextConversation = 0
  let hits = 0
  let cost = 0
  let costIfAllCold = 0

  const drainUntil = (t) => {
    while (completions.peek() && completions.peek().at <= t) {
      const done = completions.pop()
      now = done.at
      inFlight.set(done.provider, inFlight.get(done.provider) - 1)
      state.end(done.provider, done.latency)
      if (done.session) bindings.bind(done.session, done.provider)
    }
  }

  for (let n = 0; n < REQUESTS; n++) {
    const arrival = now - Math.log(1 - rand()) * (1000 / RATE_PER_S)
    drainUntil(arrival)
    now = arrival
    // a new conversation or the next turn of an open one
    let conv
    const open = [...conversations.keys()]
    if (open.length < 60 || rand() < 0.1) {
      conv = nextConversation++
      conversations.set(conv, { turn: 0, lastNode: null, lastAt: -1, nodes: new Map(), healthyTurns: 0 })
    } else {
      conv = open[Math.floor(rand() * open.length)]
    }
    const c = conversations.get(conv)
    const session = withAffinity ? bindings.session(r.id, null, `x-session-id:conversation-${conv}`) : null
    const chosen = planAttempts(r, providers, { state, affinity: session?.affinity })[0].provider.id
    const p = PROVIDERS[chosen - 1]
    const isDegraded = p.degradesBy && n >= REQUESTS / 2
    const load = inFlight.get(chosen)
    const base = p.medianMs * Math.exp(p.sigma * gauss()) * (isDegraded ? p.degradesBy : 1)
    const latency = base * (1 + (0.5 * load) / p.capacity) // slower as it gets busier, without runaway queues
    inFlight.set(chosen, load + 1)
    state.begin(chosen)
    completions.push({ at: now + latency, provider: chosen, latency, session })
    latencies.push(latency)
    share.set(chosen, share.get(chosen) + 1)
    // prompt: 1500 tokens of system + history growing 400 a turn; cached if the same node had it warm
    const tokens = 1500 + 400 * c.turn
    const isHit = c.lastNode === chosen && now - c.lastAt <= CACHE_TTL_MS
    if (isHit) hits += 1
    cost += ((isHit ? 0.1 : 1) * tokens * PRICE_PER_1K_INPUT) / 1000
    costIfAllCold += (tokens * PRICE_PER_1K_INPUT) / 1000
    if (n < REQUESTS / 2) c.nodes.set(chosen, (c.nodes.get(chosen) ?? 0) + 1)
    c.lastNode = chosen
    c.lastAt = now
    c.turn += 1
    if (c.turn >= TURNS) conversations.delete(conv)
    if (c.turn >= TURNS) c.done = true
    if (c.turn >= TURNS) finished.push(c)
  }
  drainUntil(Number.POSITIVE_INFINITY)
  for (const c of conversations.values()) finished.push(c)
  // stickiness while healthy: share of a conversation's first-half turns on its most used node
  let onOne = 0
  let total = 0
  for (const c of finished) {
    const counts = [...c.nodes.values()]
    if (counts.length === 0) continue
    onOne += Math.max(...counts)
    total += counts.reduce((a, b) => a + b, 0)
  }
  finished.length = 0
  latencies.sort((a, b) => a - b)
  const q = (f) => latencies[Math.min(latencies.length - 1, Math.floor(f * latencies.length))]
  return {
    strategy,
    affinity: withAffinity,
    p50: q(0.5),
    p95: q(0.95),
    p99: q(0.99),
    share: PROVIDERS.map((pr) => `${pr.name} ${Math.round((100 * share.get(pr.id)) / REQUESTS)}%`).join(' '),
    hitRate: hits / REQUESTS,
    cost,
    saved: 1 - cost / costIfAllCold,
    sticky: onOne / total,
  }
}
const finished = []

function selectionMicros(strategy, withSession) {
  const many = Array.from({ length: 16 }, (_, i) => ({ id: i + 1, name: `p${i + 1}`, weight: 1 + (i % 4) }))
  const providers = new Map(many.map((p) => [p.id, providerRow(p)]))
  const r = route(strategy, many)
  let t = 0
  const state = new RoutingState({ clock: () => t, random: seededRandom(1) })
  for (const p of many) state.observe(p.id, 100 + p.id)
  // a session bound to the 9th node, as the gateway hands it to the planner
  const options = { state, affinity: withSession ? { hash: 0x9e3779b9, boundProviderId: 9 } : undefined }
  const calls = 300_000
  for (let i = 0; i < 20_000; i++) planAttempts(r, providers, options)
  const start = process.hrtime.bigint()
  for (let i = 0; i < calls; i++) {
    t += 1
    planAttempts(r, providers, options)
  }
  return Number(process.hrtime.bigint() - start) / 1000 / calls
}

const ms = (v) => `${Math.round(v)} ms`
const pct = (v) => `${(100 * v).toFixed(1)}%`
const rows = []
for (const strategy of STRATEGIES) {
  for (const affinity of [false, true]) rows.push(simulate(strategy, affinity))
}
console.log(`\n${REQUESTS} requests, 4 providers, "d" degrades 5x after half, seed ${SEED}\n`)
console.log(
  '| strategy | affinity | p50 | p95 | p99 | share per node | cache hits | input cost | conversation on one node (healthy half) |',
)
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |')
for (const r of rows) {
  console.log(
    `| ${r.strategy} | ${r.affinity ? 'on' : 'off'} | ${ms(r.p50)} | ${ms(r.p95)} | ${ms(r.p99)} | ${r.share} | ${pct(r.hitRate)} | $${r.cost.toFixed(2)} | ${pct(r.sticky)} |`,
  )
}
const rr = rows.find((r) => r.strategy === 'round-robin' && !r.affinity)
const lat = rows.find((r) => r.strategy === 'latency' && !r.affinity)
console.log(`\nlatency vs round-robin p95: ${pct(1 - lat.p95 / rr.p95)} lower (target >= 30%)`)
console.log('\nselection with 16 nodes (planAttempts, µs per call; target < 2):')
console.log(`  ${'strategy'.padEnd(12)} ${'alone'.padStart(7)} ${'bound session'.padStart(14)}`)
for (const strategy of ['failover', ...STRATEGIES]) {
  const alone = selectionMicros(strategy, false).toFixed(3)
  console.log(
    `  ${strategy.padEnd(12)} ${alone.padStart(7)} ${selectionMicros(strategy, true).toFixed(3).padStart(14)}`,
  )
}
