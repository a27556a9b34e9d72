/**
 * Session affinity (issue 17 item 2): which session a request belongs to, read from what clients
 * already send, so a conversation goes back to the provider holding its prompt cache. Pure.
 *
 * Not wired yet: a `config.affinity` key is stored and ignored, and the gateway binds nothing
 * (the bindings, an LRU per replica scoped per client key, are the next step; docs/routing.md).
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

/** Checks of `config.affinity`, for routing-validation.ts once the gateway acts on it. */
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
