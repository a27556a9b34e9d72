/**
 * Route selection (DESIGN.md §5, issue 17): pure functions over a snapshot of providers and one
 * route. The state (positions, weighted credits, in-flight counts, latency EWMAs) is kept by the
 * caller in a `RoutingState` (routing-state.ts); the strategies themselves are in strategies.ts.
 *
 * The strategy of a list or group is the route's `config.group_strategies[priority]` (multi), else
 * `config.strategy`, else the old per-node field of the group's first node, else failover. Every
 * strategy sees only the available nodes; the attempts after its choice follow a deterministic
 * order: rotation order after the chosen node for failover, round-robin and least-busy, node order
 * for weighted and latency.
 *
 * Round-robin index semantics: the stored number is an index into the route's full candidate
 * list (every node of the mode's list, available or not). Selecting scans forward from it,
 * wrapping, to the first available node and stores the position just after that node. So an
 * unhealthy node is skipped without disturbing the order, the rest stay evenly served, and
 * it rejoins at its own place once it is healthy again.
 */
import { AppError, noProviderAvailable, validationFailed } from '../core/errors.js'
import { type AffinityChoice, hashesFirstChoice, rendezvousChoice, type SessionAffinity } from './affinity.js'
import type { ModelRoute, Provider, RouteNode } from './model.js'
import { type NodePolicy, nodePolicy } from './route-policy.js'
import { GroupState, RoutingState } from './routing-state.js'
import { choose, isStrategy, type StrategyName } from './strategies.js'

export { RoutingState }
/** The old name of the state: it held only round-robin positions. */
export const RoundRobinState = RoutingState
export type RoundRobinState = RoutingState

import { ENDPOINT_PATHS, type EndpointChoice, servesEndpoint } from './provider-kinds.js'

/** The providers a selection may use, by id: the gateway keeps one per snapshot. */
export type ProviderIndex<P extends Provider = Provider> = ReadonlyMap<number, P>

/**
 * Providers in a 429 cooldown, per model (OpenAI's limits are per model): `model` is the attempt's
 * (null: the request's model as sent). A `Set<number>` fits (the whole provider cools).
 */
export interface CoolingProviders {
  has(providerId: number, model: string | null): boolean
}

/** Providers whose circuit breaker holds them out (services/gateway/circuits.ts). */
export interface OpenCircuits {
  isOpen(provider: Provider): boolean
}

export interface PlanOptions {
  /** The requested model: filters nodes in `specific` mode, else only picks the node's model. */
  model?: string | null
  state: RoutingState
  coolingDown?: CoolingProviders
  circuits?: OpenCircuits
  /** The /v1 endpoint called (or any of a list): nodes whose provider serves none take no part. Absent: any. */
  endpoint?: EndpointChoice
  /** Choose on copies of the state: nothing moves (`POST …/select?dry_run=true`). */
  dryRun?: boolean
  /** When given, collects why nodes were skipped and which strategy each group used. */
  explain?: Explanation
  /**
   * The request's session on a route with `config.affinity` (affinity.ts): the first choice is
   * the bound provider's node while it is available, else (round-robin, weighted) the rendezvous
   * hash of the session over the available nodes, else the strategy's. The attempts after it
   * follow the usual order.
   */
  affinity?: SessionAffinity
}

/** Why a node took no part in the choice. */
export type SkipReason =
  | 'provider_missing'
  | 'provider_inactive'
  | 'provider_unhealthy'
  | 'cooling_down'
  | 'circuit_open'
  | 'drained'
  | 'model_not_offered'
  | 'endpoint_not_served'

export interface SkippedNode {
  node_id: number
  provider_id: number
  provider_name: string | null
  group: string
  reason: SkipReason
}

export interface Explanation {
  skipped: SkippedNode[]
  /** Each group the plan looked at, with its strategy, in order. */
  groups: { key: string; strategy: StrategyName }[]
  /** With a session (PlanOptions.affinity): how the first node was chosen. */
  affinity?: AffinityExplanation
}

export interface AffinityExplanation {
  /** The group the choice was made in. */
  group: string
  /** The provider the session was bound to (null: none); when the choice is not `bound`, it was unavailable. */
  bound_provider_id: number | null
  choice: AffinityChoice
}

/**
 * One provider to try. `model` is null only when neither the node nor its provider lists a model:
 * the caller then leaves the request's model as it is.
 */
export interface Attempt<P extends Provider = Provider> {
  provider: P
  model: string | null
  /** The node's retries and timeouts (route-policy.ts); absent: a bare model, the defaults. */
  policy?: NodePolicy
}

/** What `POST /api/model-routes/{id}/select` answers. */
export interface Selection {
  provider_id: number
  provider_name: string
  model: string | null
}

export interface RouteState {
  round_robin_indices: Record<string, number>
}

/** Builds the index `planAttempts` takes from a provider list. */
export function indexProviders<P extends Provider>(providers: Iterable<P>): ProviderIndex<P> {
  const index = new Map<number, P>()
  for (const provider of providers) index.set(provider.id, provider)
  return index
}

/** What `select` returns: the first planned attempt, advancing round-robin once. */
export function select(route: ModelRoute, providers: ProviderIndex, options: PlanOptions): Selection {
  const [first] = planAttempts(route, providers, options)
  // planAttempts throws rather than return an empty plan
  const { provider, model } = first!
  return { provider_id: provider.id, provider_name: provider.name, model }
}

/**
 * Every provider one request may try, in order: the selection first (advancing round-robin state
 * once), then the other available nodes of its list or group in rotation order after it, then, in
 * `multi` mode, the available nodes of the lower-priority groups in node order. No (provider, model)
 * pair appears twice.
 */
export function planAttempts<P extends Provider>(
  route: ModelRoute,
  providers: ProviderIndex<P>,
  options: PlanOptions,
): Attempt<P>[] {
  if (!route.is_active) throw new AppError('route_inactive', `Route '${route.name}' is inactive`)
  const compiled = compile(route)
  const model = options.model || (route.mode === 'specific' ? compiled.model : null)
  const plan = new Planner(route, providers, options, model, compiled.hasRepeatedProvider)
  switch (route.mode) {
    case 'auto':
      plan.pick(compiled.ordered, compiled.strategy ?? firstStrategy(compiled.ordered), compiled.routeKey)
      break
    case 'specific':
      planSpecific(plan, compiled, route, model)
      break
    case 'multi':
      for (const group of compiled.groups) {
        if (plan.attempts.length > 0) plan.appendAvailable(group.nodes, 0)
        else plan.pick(group.nodes, strategyOfGroup(compiled, group), group.key)
      }
      break
  }
  if (plan.attempts.length === 0) {
    const { endpoint } = options
    if (endpoint && !route.nodes.some((n) => servedBy(providers.get(n.api_id), endpoint)))
      throw endpointNotServed(`No node of route '${route.name}'`, endpoint)
    throw noProviderForRoute(route)
  }
  return plan.attempts
}

/**
 * A bare model name (not a route): every active, healthy, not cooling provider offering it, in id
 * order. No active provider offers it → 404 `model_not_found`; only unhealthy or cooling ones → 503.
 */
export function planForModel<P extends Provider>(
  modelName: string,
  providers: ProviderIndex<P>,
  coolingDown?: CoolingProviders,
  endpoint?: EndpointChoice,
  circuits?: OpenCircuits,
): Attempt<P>[] {
  const attempts: Attempt<P>[] = []
  let isOffered = false
  let isServed = false
  let isSorted = true
  for (const provider of providers.values()) {
    if (!provider.models.includes(modelName)) continue
    isOffered ||= provider.is_active
    if (endpoint && !servesEndpoint(provider, endpoint)) continue
    isServed ||= provider.is_active
    if (!isAvailable(provider, modelName, coolingDown) || circuits?.isOpen(provider)) continue
    const last = attempts.at(-1)
    if (last && last.provider.id > provider.id) isSorted = false
    attempts.push({ provider, model: modelName })
  }
  if (!isOffered) throw new AppError('model_not_found', `No route or active provider offers '${modelName}'`)
  if (!isServed && endpoint) throw endpointNotServed(`No active provider offering '${modelName}'`, endpoint)
  if (attempts.length === 0) {
    throw noProviderAvailable(`No provider is available for model '${modelName}'`)
  }
  // snapshots are usually built in id order: sort only when this one was not
  if (!isSorted) attempts.sort((a, b) => a.provider.id - b.provider.id)
  return attempts
}

function isAvailable(provider: Provider, model: string | null, coolingDown?: CoolingProviders): boolean {
  return provider.is_active && provider.is_healthy && !coolingDown?.has(provider.id, model)
}

function servedBy(provider: Provider | undefined, endpoint: EndpointChoice): boolean {
  return provider !== undefined && servesEndpoint(provider, endpoint)
}

/** Not a passing state (no retry helps): the configuration has no provider for this endpoint. */
function endpointNotServed(who: string, endpoint: EndpointChoice): AppError {
  const names = (typeof endpoint === 'string' ? [endpoint] : endpoint).map((e) => `/v1/${ENDPOINT_PATHS[e]}`)
  return new AppError(
    'endpoint_not_served',
    `${who} serves ${names.join(' or ')} (see the providers' kind and endpoints)`,
  )
}

/** A node's models are its own, or, when it lists none, its provider's. */
function modelsOf(node: RouteNode, provider: Provider | undefined): readonly string[] {
  return node.models.length > 0 ? node.models : (provider?.models ?? [])
}

function planSpecific<P extends Provider>(
  plan: Planner<P>,
  compiled: CompiledRoute,
  route: ModelRoute,
  model: string | null,
): void {
  if (model === null) {
    const message = `Route '${route.name}' is in specific mode: send a model or set config.model`
    throw validationFailed(message, [{ field: 'model', message }])
  }
  const offering = compiled.ordered.filter((node) => {
    const isOffered = modelsOf(node, plan.providers.get(node.api_id)).includes(model)
    if (!isOffered) plan.skip(node, model, 'model_not_offered')
    return isOffered
  })
  if (offering.length === 0) {
    throw new AppError('model_not_offered', `No node of route '${route.name}' offers model '${model}'`)
  }
  plan.pick(offering, compiled.strategy ?? firstStrategy(offering), model)
}

/**
 * The eligible indices of the group being picked, reused by every plan: `pick` runs to its end
 * synchronously and no strategy keeps the list, so one array serves all (no allocation per call).
 */
const ELIGIBLE: number[] = []

/** The strategies that keep a position or credits per group; the others read only provider stats. */
const STATEFUL: ReadonlySet<StrategyName> = new Set(['round-robin', 'weighted', 'least-busy'])
const STATELESS_GROUP = new GroupState()

/** Collects the attempts of one plan; holds what every step needs so the steps stay short. */
class Planner<P extends Provider> {
  readonly attempts: Attempt<P>[] = []
  readonly #routeId: number
  readonly #config: Record<string, unknown>
  readonly #state: RoutingState
  readonly #coolingDown: CoolingProviders | undefined
  readonly #circuits: OpenCircuits | undefined
  readonly #isDryRun: boolean
  readonly #explain: Explanation | undefined
  readonly #endpoint: EndpointChoice | undefined
  readonly #affinity: SessionAffinity | undefined

  constructor(
    route: ModelRoute,
    readonly providers: ProviderIndex<P>,
    options: PlanOptions,
    /** The requested model (in `specific` mode, else `config.model`). */
    readonly model: string | null,
    /** Whether a provider is on two nodes: only then can an attempt repeat (and is looked for). */
    readonly hasRepeatedProvider: boolean,
  ) {
    this.#routeId = route.id
    this.#config = route.config
    this.#state = options.state
    this.#coolingDown = options.coolingDown
    this.#circuits = options.circuits
    this.#isDryRun = options.dryRun === true
    this.#explain = options.explain
    this.#endpoint = options.endpoint
    this.#affinity = options.affinity
  }

  /** Chooses within `nodes` by `strategy`, then appends the chosen node and the rest after it. */
  pick(nodes: readonly RouteNode[], strategy: StrategyName, key: string): void {
    this.#explain?.groups.push({ key, strategy })
    const eligible = ELIGIBLE
    eligible.length = 0
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i]!
      if (strategy === 'weighted' && node.weight <= 0) this.skip(node, key, 'drained')
      else if (this.#availableProvider(node, key)) eligible.push(i)
    }
    if (eligible.length === 0) return
    const chosen =
      this.#affinityChoice(nodes, eligible, strategy, key) ??
      choose(strategy, { nodes, eligible, group: this.#group(strategy, key), routing: this.#state })
    if (strategy === 'weighted' || strategy === 'latency') {
      this.#appendNode(nodes[chosen]!)
      for (const i of eligible) if (i !== chosen) this.#appendNode(nodes[i]!)
    } else {
      const at = eligible.indexOf(chosen)
      for (let k = 0; k < eligible.length; k++)
        this.#appendNode(nodes[eligible[(at + k) % eligible.length]!]!)
    }
  }

  /** The group's state the strategy moves: a copy in a dry run, none for the stateless ones. */
  #group(strategy: StrategyName, key: string): GroupState {
    if (!STATEFUL.has(strategy)) return STATELESS_GROUP
    if (this.#isDryRun) return this.#state.peekGroup(this.#routeId, key)?.copy() ?? new GroupState()
    return this.#state.group(this.#routeId, key)
  }

  /**
   * With a session, the first choice (index into `nodes`) when affinity makes it: the bound
   * provider's node while available, else the rendezvous hash where the strategy allows; null
   * leaves it to the strategy. Moves no strategy state.
   */
  #affinityChoice(
    nodes: readonly RouteNode[],
    eligible: readonly number[],
    strategy: StrategyName,
    key: string,
  ): number | null {
    const session = this.#affinity
    if (!session) return null
    const bound = session.boundProviderId
    let chosen: number | null = null
    let choice: AffinityChoice = 'strategy'
    if (bound !== null) {
      for (const i of eligible) {
        if (nodes[i]!.api_id === bound) {
          chosen = i
          choice = 'bound'
          break
        }
      }
    }
    if (chosen === null && hashesFirstChoice(strategy)) {
      chosen = rendezvousChoice(session.hash, nodes, eligible, strategy === 'weighted')
      choice = 'hash'
    }
    if (this.#explain) this.#explain.affinity = { group: key, bound_provider_id: bound, choice }
    return chosen
  }

  /** Appends the available nodes, starting at `from` and wrapping round (lower groups of `multi`). */
  appendAvailable(nodes: readonly RouteNode[], from: number): void {
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[(from + i) % nodes.length]!
      if (this.#availableProvider(node, null)) this.#appendNode(node)
    }
  }

  skip(node: RouteNode, group: string, reason: SkipReason): void {
    if (!this.#explain) return
    const provider = this.providers.get(node.api_id)
    this.#explain.skipped.push({
      node_id: node.id,
      provider_id: node.api_id,
      provider_name: provider?.name ?? null,
      group,
      reason,
    })
  }

  /** The node's provider when it may be used; else undefined, explained under `group` when given. */
  #availableProvider(node: RouteNode, group: string | null): P | undefined {
    const provider = this.providers.get(node.api_id)
    const reason: SkipReason | null = !provider
      ? 'provider_missing'
      : this.#endpoint && !servesEndpoint(provider, this.#endpoint)
        ? 'endpoint_not_served'
        : !provider.is_active
          ? 'provider_inactive'
          : !provider.is_healthy
            ? 'provider_unhealthy'
            : this.#coolingDown?.has(provider.id, this.#modelFor(node, provider))
              ? 'cooling_down'
              : this.#circuits?.isOpen(provider)
                ? 'circuit_open'
                : null
    if (reason === null) return provider
    if (group !== null) this.skip(node, group, reason)
    return undefined
  }

  #appendNode(node: RouteNode): void {
    const provider = this.providers.get(node.api_id)!
    this.#append(provider, this.#modelFor(node, provider), nodePolicy(this.#config, node.metadata))
  }

  #modelFor(node: RouteNode, provider: P): string | null {
    const models = modelsOf(node, provider)
    return this.model !== null && models.includes(this.model) ? this.model : (models[0] ?? null)
  }

  // Plans hold a handful of attempts: a linear scan beats allocating a Set per request, and a
  // route whose providers are all different (the usual) needs none.
  #append(provider: P, model: string | null, policy: NodePolicy): void {
    if (this.hasRepeatedProvider) {
      for (const a of this.attempts) if (a.provider.id === provider.id && a.model === model) return
    }
    this.attempts.push({ provider, model, policy })
  }
}

/** The groups a route's strategies run in, with their strategy: what the state view walks. */
export function routeGroups(
  route: ModelRoute,
): { key: string; strategy: StrategyName; nodes: readonly RouteNode[] }[] {
  const compiled = compile(route)
  if (route.mode === 'multi') {
    return compiled.groups.map((g) => ({
      key: g.key,
      strategy: strategyOfGroup(compiled, g),
      nodes: g.nodes,
    }))
  }
  const strategy = compiled.strategy ?? firstStrategy(compiled.ordered)
  // specific: one group per model asked for; the nodes listed are all of them (each key filters its own)
  return [{ key: route.mode === 'auto' ? compiled.routeKey : '*', strategy, nodes: compiled.ordered }]
}

function noProviderForRoute(route: ModelRoute): AppError {
  return noProviderAvailable(`No provider is available for route '${route.name}'`, {
    route_id: route.id,
    route_name: route.name,
  })
}

function firstStrategy(nodes: readonly RouteNode[]): StrategyName {
  return nodes[0]?.strategy ?? 'failover'
}

function strategyOfGroup(compiled: CompiledRoute, group: Group): StrategyName {
  return compiled.groupStrategies.get(group.key) ?? compiled.strategy ?? firstStrategy(group.nodes)
}

interface CompiledRoute {
  /** What this was compiled from: new nodes or config recompile; a node edited in place is not seen. */
  nodes: readonly RouteNode[]
  config: Record<string, unknown>
  /** All nodes, priority ascending, then position. */
  ordered: readonly RouteNode[]
  /** `ordered` cut by priority, for `multi`; `key` is the priority as the state shows it. */
  groups: readonly Group[]
  /** The route id as the state shows it, the round-robin key of `auto`. */
  routeKey: string
  strategy: StrategyName | null
  /** `config.group_strategies`, by priority key. */
  groupStrategies: ReadonlyMap<string, StrategyName>
  model: string | null
  /** A provider is on more than one node (then a plan must skip repeated attempts). */
  hasRepeatedProvider: boolean
}

interface Group {
  priority: number
  key: string
  nodes: RouteNode[]
}

// Routes come from a snapshot that is replaced, not edited, on change: sorting and grouping once per
// route object keeps the per-request path free of sorts.
const compiledRoutes = new WeakMap<ModelRoute, CompiledRoute>()

function compile(route: ModelRoute): CompiledRoute {
  const cached = compiledRoutes.get(route)
  if (cached && cached.nodes === route.nodes && cached.config === route.config) return cached
  const ordered = [...route.nodes].sort((a, b) => a.priority - b.priority) // stable: position breaks ties
  const groups: Group[] = []
  for (const node of ordered) {
    const last = groups.at(-1)
    if (last?.priority === node.priority) last.nodes.push(node)
    else groups.push({ priority: node.priority, key: String(node.priority), nodes: [node] })
  }
  const { strategy, model, group_strategies: byGroup } = route.config
  const groupStrategies = new Map<string, StrategyName>()
  if (byGroup && typeof byGroup === 'object') {
    for (const [key, value] of Object.entries(byGroup)) if (isStrategy(value)) groupStrategies.set(key, value)
  }
  const compiled: CompiledRoute = {
    nodes: route.nodes,
    config: route.config,
    ordered,
    groups,
    routeKey: String(route.id),
    strategy: isStrategy(strategy) ? strategy : null,
    groupStrategies,
    model: typeof model === 'string' && model !== '' ? model : null,
    hasRepeatedProvider: new Set(route.nodes.map((n) => n.api_id)).size < route.nodes.length,
  }
  compiledRoutes.set(route, compiled)
  return compiled
}
