/**
 * Route strategies as pure functions (issue 17): each picks one node of a group among the
 * available ones, reading and (unless it is a dry run) moving the group's state. Availability
 * (health, cooldowns, overrides, drained weights) is decided by the caller: a strategy only ever
 * sees nodes that may be used. The order of the other attempts after the choice is the caller's
 * too and deterministic (routing.ts).
 */
import type { GroupState, ProviderStats, RoutingState } from './routing-state.js'

export const STRATEGIES = ['failover', 'round-robin', 'weighted', 'least-busy', 'latency'] as const
export type StrategyName = (typeof STRATEGIES)[number]

export function isStrategy(value: unknown): value is StrategyName {
  return typeof value === 'string' && (STRATEGIES as readonly string[]).includes(value)
}

/** One line per strategy, for the docs, the API description and the UI. */
export const STRATEGY_EXPLANATIONS: Record<StrategyName, string> = {
  failover: 'always the first available node; the others only when it fails',
  'round-robin': 'available nodes in turn, each the same share',
  weighted:
    "shares in proportion to each node's weight (smooth weighted round-robin); weight 0 drains a node",
  'least-busy': 'the node with the fewest requests in flight; ties in turn',
  latency:
    'two random nodes, the faster by recent latency (time to first token for streams) times requests in flight; unknown nodes are tried first',
}

/** What a strategy needs to know of a node. */
export interface ChoiceNode {
  id: number
  api_id: number
  weight: number
}

export interface ChoiceInput {
  /** Every node of the group, in order (round-robin positions index this list). */
  nodes: readonly ChoiceNode[]
  /** Indices into `nodes` of the available ones, ascending; never empty. */
  eligible: readonly number[]
  /** The group's state; a dry run passes a copy. */
  group: GroupState
  routing: RoutingState
}

/** The index into `nodes` of the chosen node. */
export function choose(strategy: StrategyName, input: ChoiceInput): number {
  switch (strategy) {
    case 'failover':
      return input.eligible[0]!
    case 'round-robin':
      return chooseRoundRobin(input)
    case 'weighted':
      return chooseWeighted(input)
    case 'least-busy':
      return chooseLeastBusy(input)
    case 'latency':
      return chooseLatency(input)
  }
}

/** The first available node at or after the stored position, wrapping; the position moves past it. */
function chooseRoundRobin({ nodes, eligible, group }: ChoiceInput): number {
  const start = group.next % nodes.length
  const chosen = eligible.find((i) => i >= start) ?? eligible[0]!
  group.next = (chosen + 1) % nodes.length
  return chosen
}

/**
 * nginx's smooth weighted round-robin: every node gains its weight in credit, the richest is
 * chosen and pays the total. Over any window of `sum(weights)` picks each node gets exactly its
 * weight, interleaved rather than in bursts. Nodes not eligible neither gain nor pay.
 */
function chooseWeighted({ nodes, eligible, group }: ChoiceInput): number {
  const credits = group.creditsFor(nodes)
  let total = 0
  let best = -1
  let bestCredit = Number.NEGATIVE_INFINITY
  for (const i of eligible) {
    const weight = nodes[i]!.weight
    const credit = credits[i]! + weight
    credits[i] = credit
    total += weight
    if (credit > bestCredit) {
      best = i
      bestCredit = credit
    }
  }
  credits[best] = bestCredit - total
  return best
}

/** Fewest in flight; among equals, the first at or after the rotation position (so ties take turns). */
function chooseLeastBusy({ nodes, eligible, group, routing }: ChoiceInput): number {
  let first = eligible.findIndex((i) => i >= group.next % nodes.length)
  if (first < 0) first = 0
  let best = -1
  let bestLoad = Number.POSITIVE_INFINITY
  for (let k = 0; k < eligible.length; k++) {
    // scan eligible nodes starting from the rotation position, wrapping
    const i = eligible[(first + k) % eligible.length]!
    const load = routing.provider(nodes[i]!.api_id)?.inFlight ?? 0
    if (load < bestLoad) {
      best = i
      bestLoad = load
    }
  }
  group.next = (best + 1) % nodes.length
  return best
}

/**
 * Power of two random choices over peak-EWMA cost (agentgateway, Envoy, Finagle): two distinct
 * random eligible nodes, the cheaper wins. Cost is the EWMA latency times (in flight + 1); a node
 * with no recent sample costs nothing while idle, so it is explored, and after the first sample it
 * competes on its measure. Two choices rather than the global best: replicas and bursts do not all
 * pile onto the one node that looked fastest a moment ago.
 */
function chooseLatency({ nodes, eligible, routing }: ChoiceInput): number {
  if (eligible.length === 1) return eligible[0]!
  const a = Math.floor(routing.random() * eligible.length)
  let b = Math.floor(routing.random() * (eligible.length - 1))
  if (b >= a) b += 1
  const first = eligible[a]!
  const second = eligible[b]!
  const statsA = routing.provider(nodes[first]!.api_id)
  const statsB = routing.provider(nodes[second]!.api_id)
  // the slowest known EWMA is needed only for an unknown node that is already busy
  const needsCeiling = isBusyUnknown(routing, statsA) || isBusyUnknown(routing, statsB)
  const fallback = needsCeiling ? knownCeiling(nodes, eligible, routing) : 0
  const costA = latencyCost(routing, statsA, fallback)
  const costB = latencyCost(routing, statsB, fallback)
  if (costA !== costB) return costA < costB ? first : second
  return Math.min(first, second) // ties go to node order, deterministically
}

/** The cost `latency` compares; exported for the state view and dry runs. */
export function latencyCost(
  routing: RoutingState,
  stats: ProviderStats | undefined,
  unknownMs: number,
): number {
  const inFlight = stats?.inFlight ?? 0
  if (!routing.isKnown(stats)) return inFlight === 0 ? 0 : unknownMs * (inFlight + 1)
  // +1 ms: a node answering in ~0 ms still pays for its queue
  return (stats.ewmaMs + 1) * (inFlight + 1)
}

function isBusyUnknown(routing: RoutingState, stats: ProviderStats | undefined): boolean {
  return stats !== undefined && stats.inFlight > 0 && !routing.isKnown(stats)
}

/** What an unknown node that is already busy is assumed to take: the slowest known EWMA, else 1 s. */
function knownCeiling(
  nodes: readonly ChoiceNode[],
  eligible: readonly number[],
  routing: RoutingState,
): number {
  let ceiling = 0
  for (const i of eligible) {
    const stats = routing.provider(nodes[i]!.api_id)
    if (routing.isKnown(stats)) ceiling = Math.max(ceiling, stats.ewmaMs)
  }
  return ceiling > 0 ? ceiling : 1000
}
