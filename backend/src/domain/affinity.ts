/**
 * Session affinity (issue 17 item 2): which session a request belongs to, read from what clients
 * already send, so a conversation goes back to the provider holding its prompt cache; and where a
 * session with no binding goes first: a rendezvous hash of its key over the available nodes, so
 * every replica makes the same first choice without sharing state. Pure.
 *
 * The bindings themselves (an LRU per process, scoped per client key, made after a successful
 * answer, with a TTL) are the gateway's: services/gateway/affinity-bindings.ts. The planner
 * (routing.ts) takes a request's `SessionAffinity` and prefers the bound node while it is available.
 */
import { createHash } from 'node:crypto'

export const SESSION_SOURCES = [
  'x-session-id',
  'prompt_cache_key',
  'user',
  'safety_identifier',
  'metadata.user_id',
] as const
export type SessionSource = (typeof SESSION_SOURCES)[number]

export interface AffinityConfig {
  /** Where to look for the session key, first match wins. */
  sources: readonly SessionSource[]
  /** Opt-in: with no key found, a hash of the first messages stands for the conversation. */
  hashMessages: boolean
}

/** `config.affinity` of a route: `{ "enabled": true, "sources"?: [...], "hash_messages"?: bool }`; off when absent. */
export function affinityOf(config: Record<string, unknown>): AffinityConfig | null {
  const raw = config.affinity
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return null
  const { enabled, sources, hash_messages: hashMessages } = raw as Record<string, unknown>
  if (enabled !== true) return null
  const list = Array.isArray(sources) ? sources.filter(isSessionSource) : SESSION_SOURCES
  return { sources: list, hashMessages: hashMessages === true }
}

export function isSessionSource(value: unknown): value is SessionSource {
  return typeof value === 'string' && (SESSION_SOURCES as readonly string[]).includes(value)
}

/** Checks of `config.affinity` (routing-validation.ts): create, PATCH and restore refuse bad values with a 422. */
export function affinityErrors(value: unknown): { field: string; message: string }[] {
  if (value === undefined || value === null) return []
  if (typeof value !== 'object' || Array.isArray(value)) {
    return [{ field: 'config.affinity', message: 'Must be an object' }]
  }
  const errors: { field: string; message: string }[] = []
  const { enabled, sources, hash_messages: hashMessages, ...rest } = value as Record<string, unknown>
  if (enabled !== undefined && typeof enabled !== 'boolean')
    errors.push({ field: 'config.affinity.enabled', message: 'Must be a boolean' })
  if (hashMessages !== undefined && typeof hashMessages !== 'boolean')
    errors.push({ field: 'config.affinity.hash_messages', message: 'Must be a boolean' })
  if (sources !== undefined && (!Array.isArray(sources) || !sources.every(isSessionSource))) {
    errors.push({
      field: 'config.affinity.sources',
      message: `Must be a list of ${SESSION_SOURCES.join(', ')}`,
    })
  }
  for (const key of Object.keys(rest))
    errors.push({ field: `config.affinity.${key}`, message: 'Unknown key' })
  return errors
}

/** A text that names a session; long or empty values do not (they would make a poor key). */
function asKey(value: unknown): string | null {
  return typeof value === 'string' && value !== '' && value.length <= 512 ? value : null
}

/** The request's session key, or null when it names none. `headers` are Node's (lower-case names). */
export function sessionKeyOf(
  affinity: AffinityConfig,
  headers: Record<string, string | string[] | undefined>,
  body: Record<string, unknown>,
): string | null {
  for (const source of affinity.sources) {
    let value: unknown
    if (source === 'x-session-id') value = headers['x-session-id']
    else if (source === 'metadata.user_id') {
      const metadata = body.metadata
      value =
        metadata && typeof metadata === 'object' ? (metadata as Record<string, unknown>).user_id : undefined
    } else value = body[source]
    const key = asKey(value)
    if (key !== null) return `${source}:${key}`
  }
  if (!affinity.hashMessages) return null
  // the first two messages (system + first user turn) are the same on every turn of a conversation
  const messages = Array.isArray(body.messages) ? body.messages.slice(0, 2) : null
  if (!messages || messages.length === 0) return null
  return `messages:${createHash('sha256').update(JSON.stringify(messages)).digest('base64url').slice(0, 22)}`
}

/** What the planner needs to know of a request's session (PlanOptions.affinity). */
export interface SessionAffinity {
  /** `sessionHash` of the scoped session key: the same number on every replica. */
  hash: number
  /** The provider this process bound the session to, or null. */
  boundProviderId: number | null
}

/** How the first node of a plan with a session was chosen (dry runs explain it). */
export type AffinityChoice =
  /** the node the session is bound to */
  | 'bound'
  /** no usable binding: the rendezvous hash of the session key over the available nodes */
  | 'hash'
  /** no usable binding, and the strategy's own choice (failover order, least-busy, latency) */
  | 'strategy'

/**
 * The strategies whose first choice for an unbound session is the rendezvous hash: round-robin
 * (even shares) and weighted (weighted hash, same shares as the weights). failover keeps its order
 * (already the same on every replica); least-busy and latency keep their live choice, which is
 * their point, so replicas may disagree on a session's first turn there (docs/routing.md).
 */
export function hashesFirstChoice(strategy: string): boolean {
  return strategy === 'round-robin' || strategy === 'weighted'
}

/** FNV-1a over the UTF-16 units, 32 bits: cheap and the same everywhere. */
export function sessionHash(key: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/** murmur3's finaliser over the session hash and a provider id: a well-mixed 32-bit score. */
function mix(hash: number, providerId: number): number {
  let h = (hash ^ Math.imul(providerId, 0x9e3779b1)) >>> 0
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/**
 * Highest random weight (rendezvous) hashing: each available node scores `-weight / ln(u)` with
 * `u` the session's hash mixed with the node's provider id, mapped into (0, 1); the best score
 * wins. Every replica computes the same winner from the same nodes, a node leaving moves only the
 * sessions it held, and the shares follow the weights (all 1 unless `weighted`). Allocation-free.
 * Returns an index into `nodes`, one of `eligible`.
 */
export function rendezvousChoice(
  hash: number,
  nodes: readonly { api_id: number; weight: number }[],
  eligible: readonly number[],
  isWeighted: boolean,
): number {
  let best = eligible[0]!
  let bestScore = Number.NEGATIVE_INFINITY
  for (const i of eligible) {
    const node = nodes[i]!
    const u = (mix(hash, node.api_id) + 0.5) / 4294967296
    const score = (isWeighted ? node.weight : 1) / -Math.log(u)
    if (score > bestScore) {
      best = i
      bestScore = score
    }
  }
  return best
}
