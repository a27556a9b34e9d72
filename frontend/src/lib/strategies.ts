/** The route strategies as the UI names and explains them (backend: domain/strategies.ts, docs/routing.md). */
import type { ModelRoute } from '../api/types'

export const STRATEGIES = ['failover', 'round-robin', 'weighted', 'least-busy', 'latency'] as const
export type RouteStrategy = (typeof STRATEGIES)[number]

export const STRATEGY_LABELS: Record<RouteStrategy, string> = {
  failover: 'Failover',
  'round-robin': 'Round-robin',
  weighted: 'Weighted',
  'least-busy': 'Least busy',
  latency: 'Lowest latency',
}

export const STRATEGY_HELP: Record<RouteStrategy, string> = {
  failover: 'Always the first available node; the others only when it fails.',
  'round-robin': 'Available nodes in turn, each the same share.',
  weighted: "Shares in proportion to each node's weight; weight 0 drains a node.",
  'least-busy': 'The node with the fewest requests in flight; ties in turn.',
  latency:
    'Two random nodes, the faster by recent latency (time to first token) and load; new nodes are tried first.',
}

export const SKIP_REASONS: Record<string, string> = {
  provider_missing: 'its provider no longer exists',
  provider_inactive: 'provider inactive',
  provider_unhealthy: 'provider held unhealthy',
  cooling_down: 'cooling down after a 429',
  circuit_open: 'circuit breaker open',
  drained: 'weight 0 (drained)',
  model_not_offered: 'does not offer the model',
  endpoint_not_served: 'does not serve this endpoint',
}

export function isRouteStrategy(value: unknown): value is RouteStrategy {
  return typeof value === 'string' && (STRATEGIES as readonly string[]).includes(value)
}

/** The route's strategy as the backend resolves it: config.strategy, else the first node's old field. */
export function routeStrategy(route: Pick<ModelRoute, 'config' | 'nodes'>): RouteStrategy {
  const fromConfig = route.config.strategy
  if (isRouteStrategy(fromConfig)) return fromConfig
  const sorted = [...route.nodes].sort((a, b) => a.priority - b.priority)
  return sorted[0]?.strategy ?? 'failover'
}

/** `config.group_strategies` as a plain map of priority → strategy. */
export function groupStrategies(route: Pick<ModelRoute, 'config'>): Record<string, RouteStrategy> {
  const raw = route.config.group_strategies
  const out: Record<string, RouteStrategy> = {}
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    for (const [key, value] of Object.entries(raw)) if (isRouteStrategy(value)) out[key] = value
  }
  return out
}

/** One line for the route list: "Weighted", or per group in multi ("p0 Latency · p10 Failover"). */
export function describeStrategy(route: Pick<ModelRoute, 'config' | 'nodes' | 'mode'>): string {
  const base = routeStrategy(route)
  if (route.mode !== 'multi') return STRATEGY_LABELS[base]
  const byGroup = groupStrategies(route)
  const priorities = [...new Set(route.nodes.map((n) => n.priority))].sort((a, b) => a - b)
  if (priorities.length === 0 || priorities.every((p) => (byGroup[String(p)] ?? base) === base)) {
    return STRATEGY_LABELS[base]
  }
  return priorities.map((p) => `p${p} ${STRATEGY_LABELS[byGroup[String(p)] ?? base]}`).join(' · ')
}
