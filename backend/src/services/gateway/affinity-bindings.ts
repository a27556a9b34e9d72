/**
 * Session affinity's bindings (issue 17 item 2, docs/routing.md#session-affinity): which provider a
 * session of a route is bound to, in this process. A binding is made (or moved, or refreshed) only
 * after a successful answer, is scoped per route and client key (two keys sending the same session
 * id are two sessions), and lapses BACKEND_AFFINITY_TTL_SECONDS after its last successful answer,
 * as the provider's prompt cache does. At most BACKEND_AFFINITY_MAX_BINDINGS are kept: an LRU
 * (lru-cache) drops the least recently used first.
 *
 * Per process on purpose: a session's first choice is the rendezvous hash of its key
 * (domain/affinity.ts), the same on every replica, so replicas agree without sharing these.
 */
import { createHash } from 'node:crypto'
import { LRUCache } from 'lru-cache'
import { type SessionAffinity, sessionHash } from '../../domain/affinity.js'

interface Binding {
  routeId: number
  providerId: number
}

/** A request's session on a route with affinity: the store key and what the planner needs. */
export interface BoundSession {
  routeId: number
  /** The binding's key in the store (a digest: the session value itself is not kept). */
  key: string
  affinity: SessionAffinity
}

export interface AffinityBindingsOptions {
  ttlMs: number
  max: number
  /** Milliseconds; `performance.now` by default, a driven clock in tests. */
  clock?: () => number
}

export class AffinityBindings {
  readonly ttlMs: number
  readonly #options: AffinityBindingsOptions
  /**
   * Made at the first binding: lru-cache allocates its arrays for `max` entries up front (~4.7 MB
   * at the default 100,000), which a gateway without an affinity route never fills.
   */
  #cache: LRUCache<string, Binding> | null = null

  constructor(options: AffinityBindingsOptions) {
    this.ttlMs = options.ttlMs
    this.#options = options
  }

  #store(): LRUCache<string, Binding> {
    const options = this.#options
    this.#cache ??= new LRUCache<string, Binding>({
      max: options.max,
      ttl: options.ttlMs,
      // the age restarts with each successful answer (bind), not with each lookup: the provider's
      // cache lives from the last request it served
      updateAgeOnGet: false,
      // no cached "now" between calls: a driven clock is read every time
      ttlResolution: 0,
      ...(options.clock ? { perf: { now: options.clock } } : {}),
    })
    return this.#cache
  }

  /**
   * The session of `sessionKey` (affinity.ts sessionKeyOf) on a route for a client key (null: the
   * admin token or no auth), with the provider it is bound to. `peek` (dry runs) leaves the LRU
   * order as it is.
   */
  session(
    routeId: number,
    clientKeyId: number | null,
    sessionKey: string,
    options: { peek?: boolean } = {},
  ): BoundSession {
    const scoped = `${clientKeyId ?? '-'}\u0000${sessionKey}`
    const key = createHash('sha256').update(`${routeId}\u0000${scoped}`).digest('base64url').slice(0, 22)
    const binding = options.peek ? this.#cache?.peek(key) : this.#cache?.get(key)
    return {
      routeId,
      key,
      affinity: {
        hash: sessionHash(scoped),
        boundProviderId: binding?.routeId === routeId ? binding.providerId : null,
      },
    }
  }

  /** After a successful answer from `providerId`: binds, moves or refreshes the session. */
  bind(session: BoundSession, providerId: number): void {
    this.#store().set(session.key, { routeId: session.routeId, providerId })
  }

  /** Live bindings of a route, by provider id (the state view). A walk over the store: admin use only. */
  countsOf(routeId: number): Map<number, number> {
    const counts = new Map<number, number>()
    for (const binding of this.#cache?.values() ?? []) {
      if (binding.routeId === routeId)
        counts.set(binding.providerId, (counts.get(binding.providerId) ?? 0) + 1)
    }
    return counts
  }
}
