/**
 * Translation between the three wire formats (Chat Completions, Responses, Anthropic Messages).
 * Chat Completions is the pivot: every mapper goes to or from it, and Responses ⇄ Messages is the
 * composition of two (ARCHITECTURE.md, "Translation"). Pure: plain objects in, plain objects out.
 */

export type Json = Record<string, unknown>

export type FormatName = 'chat' | 'responses' | 'messages'

/** One stream event: `event` is the SSE event name (Responses and Messages have one; chat none). */
export interface StreamEvent {
  event?: string
  data: Json
}

/**
 * Incremental stream translation: each upstream event gives the client events it implies, at once
 * (no buffering of the answer); `end` gives what the upstream's clean end implies (nothing when the
 * upstream never said the answer was finished: the gateway then ends the stream as truncated).
 */
export interface StreamTranslator {
  push(data: Json): StreamEvent[]
  end(): StreamEvent[]
}

/** A request body for the target, and the client's parameters the target cannot take. */
export interface TranslatedRequest {
  body: Json
  /** Names of the client's parameters left out (`x-switchboard-dropped-params`). */
  dropped: string[]
}

/** The target's error body (parsed, or null when it is not JSON) as the client's format has it. */
export interface ErrorInfo {
  status: number
  /** The error's type in the target's words (`rate_limit_error`, `invalid_request_error`), if any. */
  type: string | null
  code: string | null
  message: string
  param: string | null
}

export function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined
}

/** Copies the keys of `from` that are set (not undefined) into a new object. */
export function defined(from: Json): Json {
  const out: Json = {}
  for (const [key, value] of Object.entries(from)) if (value !== undefined) out[key] = value
  return out
}

/** The error of a target's error body in either shape ({error:{…}} or {type:'error', error:{…}}). */
export function readError(status: number, text: string): ErrorInfo {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    parsed = null
  }
  const inner = isObject(parsed) && isObject(parsed.error) ? parsed.error : {}
  const message =
    str(inner.message) ?? (text.length > 0 && text.length < 500 && !isObject(parsed) ? text : '')
  return {
    status,
    type: str(inner.type) ?? null,
    code: str(inner.code) ?? null,
    message: message || `the upstream answered ${status}`,
    param: str(inner.param) ?? null,
  }
}

/** The usage the gateway counts, from the chat `usage` object the pivot carries. */
export interface PivotUsage {
  input: number
  output: number
  cached: number
  reasoning: number
}

let counter = 0
/** A fresh id with a prefix (`msg_`, `resp_`, `call_`): unique in the process, no randomness needed. */
export function newId(prefix: string, now = Date.now()): string {
  counter = (counter + 1) % 1_000_000
  return `${prefix}${now.toString(36)}${counter.toString(36).padStart(4, '0')}${Math.random().toString(36).slice(2, 10)}`
}
