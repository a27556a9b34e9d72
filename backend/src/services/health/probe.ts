/**
 * One connectivity probe (DESIGN.md §4): `GET {base_url}{health_check_path}` with the provider's key,
 * classified as online / degraded / timeout / unreachable / error, with a detail a person can act on.
 *
 * - Redirects are never followed (undici's `request` does not follow them): a 3xx is `degraded`, so a
 *   key can never be carried to a host the URL policy did not check.
 * - Only a little of the body is read: a 2xx body is drained (up to 64 KB, so the keep-alive socket
 *   can be reused; a `/models` list of 200 models is ~20 KB), an error body is read up to 4 KB for its
 *   message. Latency is time to the response headers.
 * - A connection reset before any answer is `error`, not `unreachable`: the host accepted the
 *   connection, so "unreachable" (refused, DNS, TLS) would send the operator to the wrong place.
 */
import type { Dispatcher } from 'undici'
import { request } from 'undici'
import type { ProbeStatus } from '../../domain/model.js'
import {
  authHeaders,
  kindDefaultHeaders,
  type ProviderKind,
  probeUrlFor,
} from '../../domain/provider-kinds.js'
import { scrubSecret } from '../gateway/key-scrubber.js'

export interface ProbeTarget {
  /** The key's header and the probe's address follow the kind (domain/provider-kinds.ts); default openai. */
  kind?: ProviderKind
  base_url: string
  api_key: string | null
  health_check_path: string
}

export interface ProbeResult {
  status: ProbeStatus
  status_code: number | null
  latency_ms: number
  detail: string | null
}

export interface ProbeOptions {
  /** Keep up to this many bytes of a 2xx body (`body` of the answer) instead of draining it. */
  keepBody?: number
}

const DRAIN_LIMIT = 64 * 1024
const ERROR_BODY_LIMIT = 4 * 1024
const DETAIL_MAX = 300

class ProbeAbortedError extends Error {
  constructor() {
    super('probe aborted')
    this.name = 'ProbeAbortedError'
  }
}

function probeUrl(target: Pick<ProbeTarget, 'kind' | 'base_url' | 'health_check_path'>): string {
  try {
    return probeUrlFor(target.kind ?? 'openai', target.base_url, target.health_check_path)
  } catch {
    return target.base_url
  }
}

function formatSeconds(ms: number): string {
  const seconds = ms / 1000
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(seconds < 1 ? 2 : 1)} s`
}

interface ErrnoLike {
  code?: unknown
  message?: unknown
  cause?: unknown
  errors?: unknown
  name?: unknown
}

/** undici wraps some causes and happy-eyeballs aggregates others: collect every code in the chain. */
function errorCodes(error: unknown, depth = 0): string[] {
  if (!error || typeof error !== 'object' || depth > 4) return []
  const e = error as ErrnoLike
  const codes = typeof e.code === 'string' ? [e.code] : []
  if (Array.isArray(e.errors)) for (const inner of e.errors) codes.push(...errorCodes(inner, depth + 1))
  if (e.cause) codes.push(...errorCodes(e.cause, depth + 1))
  return codes
}

const TLS_DETAILS: Record<string, string> = {
  CERT_HAS_EXPIRED: 'TLS certificate expired',
  CERT_NOT_YET_VALID: 'TLS certificate is not valid yet',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS certificate chain has a self-signed certificate',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate could not be verified (incomplete chain?)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'TLS certificate issuer is not trusted',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate does not match the host name',
  CERT_REVOKED: 'TLS certificate revoked',
}

function classifyError(
  error: unknown,
  host: string,
  timeoutMs: number,
): Pick<ProbeResult, 'status' | 'detail'> {
  const codes = errorCodes(error)
  const has = (...wanted: string[]) => codes.some((c) => wanted.includes(c))
  if (has('UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT'))
    return { status: 'timeout', detail: `no answer within ${formatSeconds(timeoutMs)}` }
  if (has('EFORBIDDENADDRESS'))
    return {
      status: 'unreachable',
      detail: `${host} resolves to a link-local or cloud metadata address, which is not allowed`,
    }
  if (has('ECONNREFUSED')) return { status: 'unreachable', detail: `connection refused by ${host}` }
  if (has('ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL'))
    return { status: 'unreachable', detail: `DNS lookup failed for ${host}` }
  if (has('EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN'))
    return { status: 'unreachable', detail: `no network route to ${host}` }
  const tls = codes.find((c) => c in TLS_DETAILS)
  if (tls) return { status: 'unreachable', detail: TLS_DETAILS[tls] ?? 'TLS handshake failed' }
  if (codes.some((c) => c.startsWith('ERR_SSL_') || c.startsWith('ERR_TLS_') || c === 'EPROTO'))
    return { status: 'unreachable', detail: `TLS handshake with ${host} failed` }
  if (has('ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE'))
    return { status: 'error', detail: `${host} accepted the connection but closed it without an answer` }
  if (
    has('HPE_INVALID_CONSTANT', 'HPE_INVALID_VERSION', 'HPE_INVALID_STATUS') ||
    codes.some((c) => c.startsWith('HPE_'))
  )
    return { status: 'error', detail: `${host} did not answer with valid HTTP (wrong port or protocol?)` }
  const message = error instanceof Error ? error.message : String(error)
  return { status: 'error', detail: `probe failed: ${message}` }
}

/** The upstream's own words for an error status, when the body is JSON in OpenAI's shape or short text. */
function upstreamMessage(text: string): string | null {
  const trimmed = text.trim()
  if (trimmed === '') return null
  try {
    const parsed = JSON.parse(trimmed) as unknown
    if (parsed && typeof parsed === 'object') {
      const p = parsed as { error?: unknown; message?: unknown; detail?: unknown }
      const inner =
        p.error && typeof p.error === 'object' ? (p.error as { message?: unknown }).message : p.error
      for (const candidate of [inner, p.message, p.detail]) {
        if (typeof candidate === 'string' && candidate.trim() !== '')
          return candidate.replace(/\s+/g, ' ').trim()
      }
    }
    return null
  } catch {
    // An HTML error page says nothing useful in one line.
    return trimmed.startsWith('<') ? null : trimmed.split('\n')[0]?.trim() || null
  }
}

async function readSome(body: Dispatcher.ResponseData['body'], limit: number): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array)
    chunks.push(buffer)
    size += buffer.length
    if (size >= limit) break
  }
  // Leaving the loop early destroys the body; the socket is not reused for an error answer.
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8')
}

function degradedDetail(
  statusCode: number,
  message: string | null,
  headers: Record<string, unknown>,
): string {
  if (statusCode >= 300 && statusCode < 400) {
    const location = typeof headers.location === 'string' ? ` to ${headers.location}` : ''
    return `HTTP ${statusCode} from upstream: redirects${location} are not followed; fix base_url or health_check_path`
  }
  const hint =
    statusCode === 401 || statusCode === 403
      ? ' (check the API key)'
      : statusCode === 404
        ? ' (check base_url and health_check_path)'
        : ''
  return message
    ? `HTTP ${statusCode} from upstream${hint}: ${message}`
    : `HTTP ${statusCode} from upstream${hint}`
}

/**
 * Probes once. Never throws for an upstream problem (that is the result); throws ProbeAbortedError only
 * when `signal` (the caller shutting down) aborts it, so an interrupted probe is not recorded as a failure.
 */
export async function probe(
  target: ProbeTarget,
  timeoutMs: number,
  dispatcher: Dispatcher,
  signal?: AbortSignal,
  options: ProbeOptions = {},
): Promise<ProbeResult & { body?: string }> {
  const url = probeUrl(target)
  let host = url
  try {
    host = new URL(url).host
  } catch {
    return { status: 'error', status_code: null, latency_ms: 0, detail: 'base_url is not a valid URL' }
  }
  if (signal?.aborted) throw new ProbeAbortedError()
  const controller = new AbortController()
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    controller.abort()
  }, timeoutMs)
  const onCallerAbort = () => controller.abort()
  signal?.addEventListener('abort', onCallerAbort, { once: true })
  const started = performance.now()
  const elapsed = () => Math.round((performance.now() - started) * 100) / 100
  const finish = (result: Omit<ProbeResult, 'latency_ms'>, latency = elapsed()): ProbeResult => ({
    ...result,
    latency_ms: latency,
    // the key masked wherever it shows up (an upstream echoing it in a 401 message, say)
    detail: result.detail === null ? null : scrubSecret(result.detail, target.api_key).slice(0, DETAIL_MAX),
  })
  try {
    const kind = target.kind ?? 'openai'
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...kindDefaultHeaders(kind),
      ...authHeaders(kind, target.api_key),
    }
    const response = await request(url, { method: 'GET', headers, dispatcher, signal: controller.signal })
    const latency = elapsed()
    const code = response.statusCode
    if (code >= 200 && code < 300 && options.keepBody !== undefined) {
      const body = await readSome(response.body, options.keepBody)
      return { ...finish({ status: 'online', status_code: code, detail: null }, latency), body }
    }
    if (code >= 200 && code < 300) {
      await response.body.dump({ limit: DRAIN_LIMIT, signal: controller.signal }).catch(() => {})
      return finish({ status: 'online', status_code: code, detail: null }, latency)
    }
    const text = await readSome(response.body, ERROR_BODY_LIMIT).catch(() => '')
    const message = code >= 300 && code < 400 ? null : upstreamMessage(text)
    return finish(
      { status: 'degraded', status_code: code, detail: degradedDetail(code, message, response.headers) },
      latency,
    )
  } catch (error) {
    if (signal?.aborted && !timedOut) throw new ProbeAbortedError()
    if (timedOut)
      return finish({
        status: 'timeout',
        status_code: null,
        detail: `no answer within ${formatSeconds(timeoutMs)}`,
      })
    return finish({ status_code: null, ...classifyError(error, host, timeoutMs) })
  } finally {
    clearTimeout(timer)
    signal?.removeEventListener('abort', onCallerAbort)
  }
}
