/**
 * The live state route strategies read and move, in memory per process (DESIGN.md §5: a replica
 * balances its own traffic). Pure data with an injected clock; no I/O.
 *
 * - Per route and group (the key is the route id in `auto`, the model in `specific`, the priority
 *   in `multi`): the round-robin position and the smooth-weighted credits, by node.
 * - Per provider, across routes: in-flight requests and a peak-EWMA of latency (time to first byte
 *   for streams). A provider is one upstream whichever route sends to it, so its load and speed are
 *   shared by every route that uses it.
 */

/** Milliseconds, monotonic enough for decay; `performance.now` in the server, a counter in tests. */
export type Clock = () => number

/** A source of numbers in [0, 1): `Math.random` in the server, `seededRandom` in tests and benches. */
export type Random = () => number

/** mulberry32: small, fast and good enough to pick between two nodes; the same seed gives the same run. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** One group's position and credits. */
export class GroupState {
  /** Round-robin: index into the group's full node list where the next scan starts. */
  next = 0
  /**
   * Smooth weighted round-robin: each node's current credit, in the order of the group's node list
   * (`#ids` says whose), so a pick reads and writes plain array slots: no Map operation and no
   * allocation per call. Realigned by node id when the list changes.
   */
  #ids: number[] = []
  #credits: number[] = []

  /** The credits lined up with `nodes`: index i is `nodes[i]`'s. Write into it to move them. */
  creditsFor(nodes: readonly { id: number }[]): number[] {
    const ids = this.#ids
    let isAligned = ids.length === nodes.length
    for (let i = 0; isAligned && i < nodes.length; i++) isAligned = ids[i] === nodes[i]!.id
    if (!isAligned) {
      const credits = nodes.map((node) => this.credit(node.id))
      this.#ids = nodes.map((node) => node.id)
      this.#credits = credits
    }
    return this.#credits
  }

  /** One node's credit (0 when it has none yet): the state view and tests. */
  credit(nodeId: number): number {
    const at = this.#ids.indexOf(nodeId)
    return at < 0 ? 0 : this.#credits[at]!
  }

  copy(): GroupState {
    const copy = new GroupState()
    copy.next = this.next
    copy.#ids = [...this.#ids]
    copy.#credits = [...this.#credits]
    return copy
  }
}

/** One provider's load and speed as the gateway saw them. */
export class ProviderStats {
  inFlight = 0
  /** Peak-EWMA of latency in ms; meaningful only when `samples > 0`. */
  ewmaMs = 0
  samples = 0
  lastSampleAt = 0
}

export interface RoutingStateOptions {
  clock?: Clock
  random?: Random
  /** Time constant of the EWMA decay, ms: a sample this old weighs 1/e of a new one. */
  decayMs?: number
  /** A provider whose last sample is older than this is explored again as unknown, ms. */
  staleAfterMs?: number
}

export const DEFAULT_DECAY_MS = 10_000
export const DEFAULT_STALE_AFTER_MS = 60_000

export class RoutingState {
  readonly clock: Clock
  readonly random: Random
  readonly decayMs: number
  readonly staleAfterMs: number
  readonly #groups = new Map<number, Map<string, GroupState>>()
  readonly #providers = new Map<number, ProviderStats>()

  constructor(options: RoutingStateOptions = {}) {
    this.clock = options.clock ?? (() => performance.now())
    this.random = options.random ?? Math.random
    this.decayMs = options.decayMs ?? DEFAULT_DECAY_MS
    this.staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS
  }

  /** The group's state, created on first use. */
  group(routeId: number, key: string): GroupState {
    let groups = this.#groups.get(routeId)
    if (!groups) {
      groups = new Map()
      this.#groups.set(routeId, groups)
    }
    let group = groups.get(key)
    if (!group) {
      group = new GroupState()
      groups.set(key, group)
    }
    return group
  }

  /** The group's state without creating it (a dry run must leave no trace). */
  peekGroup(routeId: number, key: string): GroupState | undefined {
    return this.#groups.get(routeId)?.get(key)
  }

  groupsOf(routeId: number): ReadonlyMap<string, GroupState> {
    return this.#groups.get(routeId) ?? new Map()
  }

  /** Kept for the round-robin callers and their tests: the position of one group. */
  indexOf(routeId: number, key: string): number {
    return this.peekGroup(routeId, key)?.next ?? 0
  }

  store(routeId: number, key: string, nextIndex: number): void {
    this.group(routeId, key).next = nextIndex
  }

  /** The round-robin positions, as DESIGN.md §5 shows them. */
  stateOf(routeId: number): { round_robin_indices: Record<string, number> } {
    const indices: Record<string, number> = {}
    for (const [key, group] of this.groupsOf(routeId)) indices[key] = group.next
    return { round_robin_indices: indices }
  }

  /** Drop a deleted or edited route's positions and credits (provider stats stay: same upstream). */
  forget(routeId: number): void {
    this.#groups.delete(routeId)
  }

  provider(providerId: number): ProviderStats | undefined {
    return this.#providers.get(providerId)
  }

  #stats(providerId: number): ProviderStats {
    let stats = this.#providers.get(providerId)
    if (!stats) {
      stats = new ProviderStats()
      this.#providers.set(providerId, stats)
    }
    return stats
  }

  /** A request to the provider started. */
  begin(providerId: number): void {
    this.#stats(providerId).inFlight += 1
  }

  /** A request to the provider ended; `latencyMs` (null when it failed before an answer) feeds the EWMA. */
  end(providerId: number, latencyMs: number | null): void {
    const stats = this.#stats(providerId)
    stats.inFlight = Math.max(0, stats.inFlight - 1)
    if (latencyMs !== null) this.observe(providerId, latencyMs)
  }

  /**
   * Peak-EWMA (Finagle, linkerd, Envoy): a sample above the average replaces it at once (a node
   * that turns slow is noticed on the first slow answer); a lower one is blended in with a weight
   * that grows with the time since the last sample.
   */
  observe(providerId: number, latencyMs: number): void {
    const stats = this.#stats(providerId)
    const now = this.clock()
    if (stats.samples === 0 || latencyMs > stats.ewmaMs) {
      stats.ewmaMs = latencyMs
    } else {
      const keep = Math.exp(-Math.max(0, now - stats.lastSampleAt) / this.decayMs)
      stats.ewmaMs = stats.ewmaMs * keep + latencyMs * (1 - keep)
    }
    stats.samples += 1
    stats.lastSampleAt = now
  }

  /** Whether the provider's EWMA is known and recent enough to score it. */
  isKnown(stats: ProviderStats | undefined): stats is ProviderStats {
    return stats !== undefined && stats.samples > 0 && this.clock() - stats.lastSampleAt <= this.staleAfterMs
  }
}
