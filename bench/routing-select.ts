/**
 * Micro-benchmark of the pure route selection (no HTTP, no database): selections per second.
 * Run from the repository root: `npx tsx bench/routing-select.ts [iterations]`.
 */
import type { ModelRoute, Provider, RouteMode, RouteNode } from '../backend/src/domain/model.js'
import {
  indexProviders,
  type PlanOptions,
  planAttempts,
  planForModel,
  RoundRobinState,
  select,
} from '../backend/src/domain/routing.js'

const iterations = Number(process.argv[2] ?? 1_000_000)

function provider(id: number, isHealthy = true): Provider {
  const stamp = '2024-01-01T00:00:00Z'
  return {
    id,
    name: `p${id}`,
    base_url: `http://p${id}.test/v1`,
    models: ['gpt-4o', `m${id}`],
    is_active: true,
    health_check_path: '/models',
    status: 'online',
    latency_ms: 1,
    last_tested_at: null,
    consecutive_failures: 0,
    is_healthy: isHealthy,
    health_override: null,
    created_at: stamp,
    updated_at: stamp,
  }
}

function route(
  mode: RouteMode,
  nodes: Partial<RouteNode>[],
  config: Record<string, unknown> = {},
): ModelRoute {
  const stamp = '2024-01-01T00:00:00Z'
  const full = nodes.map((n, i) => ({
    id: i + 1,
    api_id: i + 1,
    models: [],
    strategy: 'round-robin' as const,
    priority: 0,
    metadata: {},
    ...n,
  }))
  return {
    id: 1,
    name: 'bench',
    mode,
    is_active: true,
    config,
    nodes: full,
    created_at: stamp,
    updated_at: stamp,
  }
}

const healthy = indexProviders([1, 2, 3, 4, 5, 6].map((id) => provider(id)))
const firstGroupDown = indexProviders([1, 2, 3, 4, 5, 6].map((id) => provider(id, id > 2)))
const threeGroups = [0, 0, 1, 1, 2, 2].map((priority) => ({ priority }))

// Built once, as the gateway's snapshot holds them; one case rebuilds its route to show an uncached compile.
const auto = route('auto', [{}, {}, {}])
const autoFailover = route('auto', [{}, {}, {}], { strategy: 'failover' })
const multi = route('multi', threeGroups)
const specific = route('specific', [{}, {}, {}])

interface Case {
  name: string
  model?: string
  run: (options: PlanOptions) => unknown
}

const cases: Case[] = [
  { name: 'auto round-robin, 3 nodes', run: (o) => select(auto, healthy, o) },
  { name: 'auto round-robin, new route object', run: (o) => select(route('auto', [{}, {}, {}]), healthy, o) },
  { name: 'auto failover, 3 nodes, 1st down', run: (o) => select(autoFailover, firstGroupDown, o) },
  { name: 'multi, 3 groups of 2', run: (o) => select(multi, healthy, o) },
  { name: 'multi, 3 groups, 1st group down', run: (o) => select(multi, firstGroupDown, o) },
  { name: 'specific round-robin, 3 nodes', model: 'gpt-4o', run: (o) => select(specific, healthy, o) },
  { name: 'planAttempts multi, 3 groups', run: (o) => planAttempts(multi, healthy, o) },
  { name: 'planForModel, 6 providers', run: () => planForModel('gpt-4o', healthy) },
]
function measure({ run, model }: Case): number {
  const options: PlanOptions = { state: new RoundRobinState(), coolingDown: new Set<number>(), model }
  for (let i = 0; i < 10_000; i++) run(options) // warm-up for the JIT
  const start = process.hrtime.bigint()
  for (let i = 0; i < iterations; i++) run(options)
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  return iterations / seconds
}

const rows = cases.map((c) => {
  const perSecond = measure(c)
  return {
    case: c.name,
    'selections/s': Math.round(perSecond).toLocaleString('en'),
    'ns/op': (1e9 / perSecond).toFixed(0),
  }
})
console.log(
  `route selection, ${iterations.toLocaleString('en')} iterations per case, Node ${process.version}`,
)
console.table(rows)
