/**
 * What a provider's `kind` means: the /v1 endpoints it serves, the headers that carry its key, how a
 * path joins its base URL, and what its health probe asks. One table; the gateway and the prober
 * read it and never switch on the kind themselves (CONTRIBUTING.md, "A new provider kind").
 */

export const PROVIDER_KINDS = ['openai', 'anthropic', 'azure'] as const
export type ProviderKind = (typeof PROVIDER_KINDS)[number]
export const DEFAULT_KIND: ProviderKind = 'openai'

/** The /v1 endpoints a provider may serve; `path` is what follows the provider's base URL. */
export const ENDPOINT_PATHS = {
  chat: 'chat/completions',
  completions: 'completions',
  embeddings: 'embeddings',
  models: 'models',
  responses: 'responses',
  messages: 'messages',
  count_tokens: 'messages/count_tokens',
  moderations: 'moderations',
  images: 'images/generations',
  audio_speech: 'audio/speech',
  audio_transcriptions: 'audio/transcriptions',
  rerank: 'rerank',
} as const
export type ProviderEndpoint = keyof typeof ENDPOINT_PATHS
export const PROVIDER_ENDPOINTS = Object.keys(ENDPOINT_PATHS) as ProviderEndpoint[]

/** The fields of a provider these rules read. */
export interface KindedProvider {
  kind: ProviderKind
  base_url: string
  /** null: every endpoint of the kind; a list narrows them. */
  endpoints: readonly ProviderEndpoint[] | null
}

interface KindRules {
  endpoints: readonly ProviderEndpoint[]
  /** The header(s) that carry the provider's key. */
  auth: (apiKey: string) => Record<string, string>
  /** Headers every call carries unless the client sent its own value. */
  defaults: Record<string, string>
  /** Where the probe goes instead of the plain join, when the kind's URL shape needs it. */
  probePath?: (joinedPath: string) => string
}

const KINDS: Record<ProviderKind, KindRules> = {
  // "openai" is any OpenAI-compatible server (OpenAI, vLLM, Ollama, LiteLLM, Jina, …): rerank is
  // theirs, not OpenAI's, but no other kind would ever serve it.
  openai: {
    endpoints: [
      'chat',
      'completions',
      'embeddings',
      'models',
      'responses',
      'moderations',
      'images',
      'audio_speech',
      'audio_transcriptions',
      'rerank',
    ],
    auth: (key) => ({ authorization: `Bearer ${key}` }),
    defaults: {},
  },
  anthropic: {
    endpoints: ['messages', 'count_tokens', 'models'],
    auth: (key) => ({ 'x-api-key': key }),
    defaults: { 'anthropic-version': '2023-06-01' },
  },
  // Azure OpenAI: no moderations and no rerank.
  azure: {
    endpoints: [
      'chat',
      'completions',
      'embeddings',
      'models',
      'responses',
      'images',
      'audio_speech',
      'audio_transcriptions',
    ],
    auth: (key) => ({ 'api-key': key }),
    defaults: {},
    // A deployment has no /models of its own; the resource lists its models at /openai/models.
    probePath: (path) => path.replace(/^(.*\/openai)\/deployments\/[^/?]+\/models(?=\?|$)/, '$1/models'),
  },
}

export function isProviderKind(value: unknown): value is ProviderKind {
  return typeof value === 'string' && (PROVIDER_KINDS as readonly string[]).includes(value)
}

/** What a client of the admin API is told about each kind (`GET /api/provider-kinds`). */
export interface KindDescription {
  kind: ProviderKind
  endpoints: ProviderEndpoint[]
  /** The header that carries the provider's key. */
  key_header: string
}

export function describeKinds(): KindDescription[] {
  return PROVIDER_KINDS.map((kind) => ({
    kind,
    endpoints: [...KINDS[kind].endpoints],
    // the header name as the kind's own rule writes it, not a second table of names
    key_header: Object.keys(KINDS[kind].auth('key'))[0] ?? 'authorization',
  }))
}

/** The endpoints a kind serves when its provider does not narrow them. */
export function kindEndpoints(kind: ProviderKind): readonly ProviderEndpoint[] {
  return KINDS[kind].endpoints
}

/**
 * An endpoint a request may be served by: one, or any of a list (the client's own first, then the
 * ones the gateway translates it to: domain/translate/).
 */
export type EndpointChoice = ProviderEndpoint | readonly ProviderEndpoint[]

/** Whether the provider takes part in a request to `endpoint`: its kind serves it, and its list (if any) names it. */
export function servesEndpoint(
  provider: Pick<KindedProvider, 'kind' | 'endpoints'>,
  endpoint: EndpointChoice,
): boolean {
  if (typeof endpoint !== 'string') return endpoint.some((one) => servesEndpoint(provider, one))
  if (!KINDS[provider.kind].endpoints.includes(endpoint)) return false
  return provider.endpoints === null || provider.endpoints.includes(endpoint)
}

/** The headers that carry the key for this kind (no key, no header). */
export function authHeaders(kind: ProviderKind, apiKey: string | null): Record<string, string> {
  return apiKey ? KINDS[kind].auth(apiKey) : {}
}

/**
 * Headers the kind adds unless the client sent them (lower-case names): `anthropic-version` for
 * Anthropic. `clientHeaders` are the client's request headers.
 */
export function kindDefaultHeaders(
  kind: ProviderKind,
  clientHeaders: Record<string, string | string[] | undefined> = {},
): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(KINDS[kind].defaults)) {
    if (clientHeaders[name] === undefined) out[name] = value
  }
  return out
}

/** An upstream address split as undici's dispatch wants it: `path` includes the query. */
export interface UpstreamUrl {
  origin: string
  path: string
}

/**
 * `{base_url}/{path}`, with the base URL's query (Azure's `api-version`) kept on every call and
 * the path's own query after it. Azure's two shapes are both a plain join:
 * `…/openai/deployments/{deployment}?api-version=…` + `chat/completions` and
 * `…/openai/v1?api-version=preview` + `responses`.
 */
export function upstreamUrl(provider: Pick<KindedProvider, 'base_url'>, path: string): UpstreamUrl {
  return joinUpstream(upstreamBase(provider), path)
}

/** A base URL taken apart once (the gateway keeps one per provider and snapshot). */
export interface UpstreamBase {
  origin: string
  /** Without a trailing slash. */
  basePath: string
  /** The base URL's query without `?` ('' when none). */
  query: string
}

export function upstreamBase(provider: Pick<KindedProvider, 'base_url'>): UpstreamBase {
  const base = new URL(provider.base_url)
  return { origin: base.origin, basePath: base.pathname.replace(/\/+$/, ''), query: base.search.slice(1) }
}

export function joinUpstream(base: UpstreamBase, path: string): UpstreamUrl {
  const [pathPart, pathQuery] = splitOnce(path.replace(/^\/+/, ''), '?')
  const query = base.query && pathQuery ? `${base.query}&${pathQuery}` : base.query || pathQuery
  return { origin: base.origin, path: `${base.basePath}/${pathPart}${query ? `?${query}` : ''}` }
}

/** The address of the health probe: `{base_url}{health_check_path}` (default `/models`), as a gateway call would join it. */
export function probeUrlFor(kind: ProviderKind, baseUrl: string, healthCheckPath = '/models'): string {
  const { origin, path } = upstreamUrl({ base_url: baseUrl }, healthCheckPath)
  const rewrite = KINDS[kind].probePath
  return `${origin}${rewrite ? rewrite(path) : path}`
}

function splitOnce(value: string, separator: string): [string, string] {
  const at = value.indexOf(separator)
  return at < 0 ? [value, ''] : [value.slice(0, at), value.slice(at + 1)]
}
