/** Session affinity as the route editor shows it (backend: domain/affinity.ts, docs/routing.md#session-affinity). */
import type { ModelRoute, RouteState } from '../api/types'

/** The sources the API names (its OpenAPI document, generated into schema.d.ts). */
export type SessionSource = RouteState['state']['affinity']['sources'][number]

/**
 * The form's checkboxes, in the backend's default order. Checked against the API's list at
 * typecheck time both ways: a source the backend adds or drops fails `npm run typecheck` here.
 */
export const SESSION_SOURCES = [
  'x-session-id',
  'prompt_cache_key',
  'user',
  'safety_identifier',
  'metadata.user_id',
] as const satisfies readonly SessionSource[]
type Unlisted = Exclude<SessionSource, (typeof SESSION_SOURCES)[number]>
const everySourceListed: [Unlisted] extends [never] ? true : Unlisted = true
void everySourceListed

export const SESSION_SOURCE_LABELS: Record<SessionSource, string> = {
  'x-session-id': 'x-session-id header',
  prompt_cache_key: 'prompt_cache_key',
  user: 'user',
  safety_identifier: 'safety_identifier',
  'metadata.user_id': 'metadata.user_id (Anthropic)',
}

export const AFFINITY_HELP =
  'Keeps a conversation on the provider that last answered it, where its prompt cache is, until the cache lifetime passes or the provider is unavailable.'

export interface AffinityDraft {
  enabled: boolean
  /** Where the session key is read, first match wins. */
  sources: SessionSource[]
  hashMessages: boolean
}

function isSessionSource(value: unknown): value is SessionSource {
  return typeof value === 'string' && (SESSION_SOURCES as readonly string[]).includes(value)
}

/** The route's `config.affinity` as the form edits it; off with every source when absent. */
export function affinityDraft(route: Pick<ModelRoute, 'config'> | undefined): AffinityDraft {
  const raw = route?.config.affinity
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    return { enabled: false, sources: [...SESSION_SOURCES], hashMessages: false }
  }
  const { enabled, sources, hash_messages: hashMessages } = raw as Record<string, unknown>
  return {
    enabled: enabled === true,
    sources: Array.isArray(sources) ? sources.filter(isSessionSource) : [...SESSION_SOURCES],
    hashMessages: hashMessages === true,
  }
}

/** What the form saves as `config.affinity`; null (the key removed) when it is off. */
export function affinityConfig(draft: AffinityDraft): Record<string, unknown> | null {
  if (!draft.enabled) return null
  return { enabled: true, sources: [...draft.sources], hash_messages: draft.hashMessages }
}

/** The dry run's affinity explanation as one sentence (the try panel). */
export function describeAffinityChoice(
  affinity: { session_source: string | null; bound_provider_id: number | null; choice: string | null },
  providerName: (id: number) => string,
): string {
  if (affinity.session_source === null) return 'No session in this request: the strategy chose.'
  const bound = affinity.bound_provider_id
  if (affinity.choice === 'bound' && bound !== null) return `The session is bound to ${providerName(bound)}.`
  const why =
    bound === null
      ? 'The session has no binding yet'
      : `The session's provider ${providerName(bound)} is unavailable now`
  return affinity.choice === 'hash'
    ? `${why}: the session's hash chose (the same on every replica).`
    : `${why}: the strategy chose.`
}
