/**
 * What `GET /api/model-routes/{id}/state` shows (issue 17 item 3): per group its strategy, the
 * round-robin position and the weighted credits; per provider of the route its requests in flight
 * and latency EWMA, with the cost the latency strategy compares; the route's session affinity
 * settings and its live bindings per node. Reads the state, never moves it.
 */
import { affinityOf, type SessionSource } from './affinity.js'
import type { ModelRoute } from './model.js'
import type { ProviderIndex } from './routing.js'
import { routeGroups } from './routing.js'
import type { RoutingState } from './routing-state.js'
import { latencyCost, type StrategyName } from './strategies.js'

export interface GroupView {
  key: string
  strategy: StrategyName
  position: number
  nodes: {
    node_id: number
    provider_id: number
    weight: number
    credit: number
    /** Sessions bound to this node's provider on this route. */
    affinity_bindings: number
  }[]
}

export interface ProviderLoadView {
  provider_id: number
  provider_name: string | null
  in_flight: number
  ewma_ms: number | null
  samples: number
  /** The cost `latency` compares: EWMA × (in flight + 1); 0 for a node still to be explored. */
  latency_cost: number
  /** Sessions of this route bound to this provider. */
  affinity_bindings: number
}

export interface AffinityView {
  enabled: boolean
  sources: SessionSource[]
  hash_messages: boolean
  ttl_seconds: number
  /** Live bindings of this route in this process. */
  bindings: number
}

export interface RouteStateDetails {
  round_robin_indices: Record<string, number>
  groups: GroupView[]
  providers: ProviderLoadView[]
  affinity: AffinityView
}

/** The route's live session bindings by provider id, and their TTL. */
export interface AffinityCounts {
  byProvider: ReadonlyMap<number, number>
  ttlSeconds: number
}

export function routeStateView(
  route: ModelRoute,
  providers: ProviderIndex,
  state: RoutingState,
  bindings: AffinityCounts = { byProvider: new Map(), ttlSeconds: 0 },
): RouteStateDetails {
  const boundTo = (providerId: number) => bindings.byProvider.get(providerId) ?? 0
  const groups: GroupView[] = []
  for (const group of routeGroups(route)) {
    // specific mode keeps one state per model: show each model seen, else the empty default
    const keys = group.key === '*' ? [...state.groupsOf(route.id).keys()] : [group.key]
    for (const key of keys.length > 0 ? keys : ['*']) {
      const live = state.peekGroup(route.id, key)
      groups.push({
        key,
        strategy: group.strategy,
        position: live?.next ?? 0,
        nodes: group.nodes.map((node) => ({
          node_id: node.id,
          provider_id: node.api_id,
          weight: node.weight,
          credit: live?.credit(node.id) ?? 0,
          affinity_bindings: boundTo(node.api_id),
        })),
      })
    }
  }
  const seen = new Set<number>()
  const loads: ProviderLoadView[] = []
  for (const node of route.nodes) {
    if (seen.has(node.api_id)) continue
    seen.add(node.api_id)
    const stats = state.provider(node.api_id)
    const isKnown = state.isKnown(stats)
    loads.push({
      provider_id: node.api_id,
      provider_name: providers.get(node.api_id)?.name ?? null,
      in_flight: stats?.inFlight ?? 0,
      ewma_ms: isKnown ? Math.round(stats.ewmaMs * 10) / 10 : null,
      samples: stats?.samples ?? 0,
      latency_cost: Math.round(latencyCost(state, stats, 1000) * 10) / 10,
      affinity_bindings: boundTo(node.api_id),
    })
  }
  const settings = affinityOf(route.config)
  let total = 0
  for (const count of bindings.byProvider.values()) total += count
  const affinity: AffinityView = {
    enabled: settings !== null,
    sources: settings ? [...settings.sources] : [],
    hash_messages: settings?.hashMessages ?? false,
    ttl_seconds: bindings.ttlSeconds,
    bindings: total,
  }
  return { ...state.stateOf(route.id), groups, providers: loads, affinity }
}
