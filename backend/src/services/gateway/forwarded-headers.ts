/**
 * Which headers cross the gateway (issue 13 item 7; the lists are documented in docs/gateway.md).
 * Both directions are allow-lists: anything not named here (the client's credentials and cookies,
 * `OpenAI-Organization`, `OpenAI-Project`, an upstream's `set-cookie`, hop-by-hop headers) stays
 * behind by construction.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http'

/** Client request headers passed to the upstream as sent (besides the gateway's `x-request-id`). */
export const CLIENT_HEADERS_TO_UPSTREAM = [
  'anthropic-version',
  'anthropic-beta',
  'openai-beta',
  'idempotency-key',
  'user-agent',
] as const

/** Named so the rule is written down: never forwarded, whatever the lists above become. */
export const CLIENT_HEADERS_NEVER_FORWARDED = [
  'authorization',
  'x-api-key',
  'api-key',
  'cookie',
  'openai-organization',
  'openai-project',
] as const

/** Upstream answer headers passed back to the client as sent. */
export const UPSTREAM_HEADERS_TO_CLIENT = ['retry-after', 'retry-after-ms', 'openai-processing-ms'] as const
/** Upstream answer headers passed back when their name starts so (rate-limit state). */
export const UPSTREAM_HEADER_PREFIXES_TO_CLIENT = ['x-ratelimit-', 'anthropic-ratelimit-'] as const
/**
 * The upstream's own request id (OpenAI `x-request-id`, Anthropic `request-id`, Azure
 * `apim-request-id`), first found wins, passed back as `x-upstream-request-id`: the client's
 * `x-request-id` is the gateway's.
 */
export const UPSTREAM_REQUEST_ID_HEADERS = ['x-request-id', 'request-id', 'apim-request-id'] as const
export const UPSTREAM_REQUEST_ID_TO_CLIENT = 'x-upstream-request-id'

const never = new Set<string>(CLIENT_HEADERS_NEVER_FORWARDED)

/**
 * The headers of one upstream call: the provider's own (content type, credentials, the kind's
 * defaults) with the client's allowed headers over the defaults, and the gateway's request id.
 * A client's header never replaces a credential.
 */
export function upstreamRequestHeaders(
  provider: Readonly<Record<string, string>>,
  client: IncomingHttpHeaders,
  requestId: string,
): Record<string, string> {
  const headers: Record<string, string> = { ...provider, 'x-request-id': requestId }
  for (const name of CLIENT_HEADERS_TO_UPSTREAM) {
    const value = client[name]
    if (typeof value === 'string' && !never.has(name)) headers[name] = value
  }
  return headers
}

/** Copies the upstream headers the client may see into `out`; `clean` masks the provider's key in a value. */
export function copyUpstreamHeaders(
  upstream: IncomingHttpHeaders,
  out: OutgoingHttpHeaders,
  clean: (value: string) => string,
): void {
  for (const [name, value] of Object.entries(upstream)) {
    if (typeof value !== 'string') continue
    if (
      (UPSTREAM_HEADERS_TO_CLIENT as readonly string[]).includes(name) ||
      UPSTREAM_HEADER_PREFIXES_TO_CLIENT.some((prefix) => name.startsWith(prefix))
    )
      out[name] = clean(value)
  }
  for (const name of UPSTREAM_REQUEST_ID_HEADERS) {
    const value = upstream[name]
    if (typeof value === 'string') {
      out[UPSTREAM_REQUEST_ID_TO_CLIENT] = clean(value)
      break
    }
  }
}
