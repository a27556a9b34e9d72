/** What a failed upstream attempt leaves behind, and the small rules that read it (DESIGN.md §6). */
import type { OutgoingHttpHeaders } from 'node:http'

/** An error answer not (yet) passed on: an upstream's, or one the gateway made. */
export interface Failure {
  status: number
  contentType: string
  body: string
  retryAfter?: string
  /** The wait a 429 or 503 asked for (`retry-after-ms` or `Retry-After`), in ms: when to retry it. */
  retryAfterMs?: number
  /** The upstream's headers the client may see (forwarded-headers.ts), when the upstream answered. */
  headers?: OutgoingHttpHeaders
}

/** An error body in OpenAI's shape, for failures the gateway itself describes. */
export function gatewayFailure(status: number, code: string, message: string): Failure {
  const type = status >= 500 ? 'api_error' : 'invalid_request_error'
  return { status, contentType: 'application/json', body: JSON.stringify({ error: { message, type, code } }) }
}

/** The event that ends a stream that failed after the commit. */
export function sseError(code: string, message: string): string {
  return `data: ${JSON.stringify({ error: { message, type: 'upstream_error', code } })}\n\n`
}

/** `error.code` of an OpenAI-style error body, if it has one. */
export function errorCodeOf(body: string): unknown {
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown } }
    return parsed?.error?.code
  } catch {
    return undefined
  }
}

export function isTimeoutError(error: Error): boolean {
  const code = (error as { code?: string }).code
  return (
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT' ||
    code === 'UND_ERR_CONNECT_TIMEOUT'
  )
}
