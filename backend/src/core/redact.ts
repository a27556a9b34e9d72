/**
 * Secrets never reach a log line (DESIGN.md §9). pino's `redact` needs fixed paths; a key can sit
 * at any depth and in any case (`Authorization`, `X-API-KEY`, `body.provider.Api_Key`), so every
 * logged object is walked instead. The walk copies only what it changes: a small object without
 * secrets costs one pass over its keys and no allocation.
 */
import { stdSerializers } from 'pino'

const REDACTED = '[REDACTED]'

/**
 * api_key / api-key / apikey / x-api-key, authorization / proxy-authorization, password, secret,
 * token / access_token / refresh_token — but not `max_tokens`, `prompt_tokens`: counts, not secrets.
 */
const SENSITIVE_KEY = /api[-_]?key|authorization|passw(or)?d|secret|token(?!s)/i
/** Key-shaped values inside free text: `Bearer …` and the usual `sk-…` provider keys. */
const SECRET_IN_TEXT = /(\bBearer\s+)[^\s"',;]+|\bsk-[A-Za-z0-9_-]{8,}/gi
const MAX_DEPTH = 12

function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEY.test(key)
}

/** A cheap first look at serialised text: false means it certainly holds nothing to redact. */
export function mayHoldSecret(text: string): boolean {
  return SENSITIVE_KEY.test(text) || text.includes('earer') || text.includes('sk-')
}

export function redactString(text: string): string {
  if (!text.includes('earer') && !text.includes('sk-')) return text
  return text.replace(SECRET_IN_TEXT, (_match, bearer: string | undefined) =>
    bearer ? `${bearer}${REDACTED}` : REDACTED,
  )
}

/** An Error as a plain object (type, message, stack, own fields), with secrets redacted. */
export function serializeError(error: Error): Record<string, unknown> {
  const serialized = stdSerializers.err(error) as unknown as Record<string, unknown>
  const plain: Record<string, unknown> = {}
  for (const key in serialized) {
    if (key !== 'raw') plain[key] = serialized[key]
  }
  return redactValue(plain, 0) as Record<string, unknown>
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

function redactValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redactString(value)
  if (value === null || typeof value !== 'object') return value
  if (value instanceof Error) return depth > MAX_DEPTH ? '[Error]' : serializeError(value)
  if (depth > MAX_DEPTH) return '[Truncated]'
  if (Array.isArray(value)) {
    let copy: unknown[] | null = null
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i]
      const redacted = redactValue(item, depth + 1)
      if (redacted !== item) {
        copy ??= value.slice()
        copy[i] = redacted
      }
    }
    return copy ?? value
  }
  if (value instanceof Map) return redactValue(Object.fromEntries(value), depth)
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    // Dates, Buffers, URLs …: what JSON.stringify would write is what gets checked.
    const json: unknown = (value as { toJSON(): unknown }).toJSON()
    return json === value ? value : typeof json === 'string' ? redactString(json) : redactValue(json, depth)
  }
  // Class instances (a Fastify reply, a socket) are left to their pino serializers.
  return isPlainObject(value) ? redactObject(value, depth) : value
}

function redactObject(object: Record<string, unknown>, depth: number): Record<string, unknown> {
  let copy: Record<string, unknown> | null = null
  for (const key in object) {
    if (!Object.hasOwn(object, key)) continue
    const item = object[key]
    // A flag such as has_api_key says nothing secret; anything else under a sensitive name goes.
    const hidden = item !== undefined && item !== null && typeof item !== 'boolean' && isSensitiveKey(key)
    const redacted = hidden ? REDACTED : redactValue(item, depth + 1)
    if (redacted !== item) {
      copy ??= { ...object }
      copy[key] = redacted
    }
  }
  return copy ?? object
}

/** The object of one log call (pino's `formatters.log`) or a child's bindings, secrets redacted. */
export function redactLogObject(object: Record<string, unknown>): Record<string, unknown> {
  return redactObject(object, 0)
}
