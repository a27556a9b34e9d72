/**
 * The Requests page's rules, apart from the page so they can be tested: the filters as the API
 * takes them, and a request's attempts as a timeline that says why each one failed.
 */
import type { RequestAttempt, RequestRecord } from '../../api/types'
import type { RequestFilter } from '../../api/usage'

export type Since = '15m' | '1h' | '24h' | '7d' | '30d' | 'all'

export const SINCE: Record<Since, { label: string; ms: number | null }> = {
  '15m': { label: 'Last 15 minutes', ms: 15 * 60_000 },
  '1h': { label: 'Last hour', ms: 3_600_000 },
  '24h': { label: 'Last 24 hours', ms: 86_400_000 },
  '7d': { label: 'Last 7 days', ms: 7 * 86_400_000 },
  '30d': { label: 'Last 30 days', ms: 30 * 86_400_000 },
  all: { label: 'All kept', ms: null },
}

/** What the filter bar holds; null or blank means "any". */
export interface FilterForm {
  keyId: number | null
  route: string | null
  providerId: number | null
  model: string
  status: string
  since: Since
}

export const emptyFilter = (): FilterForm => ({
  keyId: null,
  route: null,
  providerId: null,
  model: '',
  status: '',
  since: '24h',
})

/** The form as GET /api/requests takes it, or the name of the field that is not right. */
export function toRequestFilter(
  form: FilterForm,
  now: number,
): { filter: RequestFilter } | { field: 'status'; message: string } {
  const filter: RequestFilter = {}
  if (form.keyId !== null) filter.key_id = form.keyId
  if (form.route) filter.route = form.route
  if (form.providerId !== null) filter.provider_id = form.providerId
  const model = form.model.trim()
  if (model) filter.model = model
  const status = form.status.trim()
  if (status) {
    const code = Number(status)
    if (!Number.isInteger(code) || code < 100 || code > 599)
      return { field: 'status', message: 'A status is a number from 100 to 599, e.g. 502.' }
    filter.status = code
  }
  const ms = SINCE[form.since].ms
  if (ms !== null) filter.from = new Date(now - ms).toISOString()
  return { filter }
}

export type Tone = 'success' | 'warning' | 'error' | 'default'

/** Why an attempt ended as it did, in words an operator acts on. */
export function attemptReason(attempt: RequestAttempt): string {
  const status = attempt.status === null ? '' : ` ${attempt.status}`
  switch (attempt.outcome) {
    case 'success':
      return `Answered${status}`
    case 'client_error':
      return `The provider refused the request${status}: the request itself was not accepted (not a health failure)`
    case 'rate_limited':
      return `Rate limited by the provider${status || ' 429'}: it cools down, the next one is tried`
    case 'server_error':
      return `The provider failed${status} (server error)`
    case 'timeout':
      return 'No answer in time: headers or the first token came too late'
    case 'connection_error':
      return 'Could not reach the provider (refused, reset, DNS or TLS)'
    case 'stream_error':
      return 'The stream broke after it had started (reset, silence or cut short)'
    case 'aborted':
      return 'The client went away before the answer ended'
    default:
      return `${attempt.outcome}${status}`
  }
}

export function attemptTone(attempt: RequestAttempt): Tone {
  if (attempt.outcome === 'success') return 'success'
  if (attempt.outcome === 'rate_limited' || attempt.outcome === 'aborted') return 'warning'
  return 'error'
}

export interface TimelineStep {
  index: number
  provider: string
  tone: Tone
  reason: string
  /** From the first attempt's start, attempts run one after another. */
  startMs: number
  durationMs: number
}

/** The attempts in order, each starting when the one before ended. */
export function timelineOf(record: Pick<RequestRecord, 'attempts'>): TimelineStep[] {
  let at = 0
  return record.attempts.map((attempt, index) => {
    const step: TimelineStep = {
      index: index + 1,
      provider: attempt.provider,
      tone: attemptTone(attempt),
      reason: attemptReason(attempt),
      startMs: at,
      durationMs: attempt.duration_ms,
    }
    at += attempt.duration_ms
    return step
  })
}

export function statusTone(status: number): Tone {
  if (status < 300) return 'success'
  if (status === 429 || status === 499) return 'warning'
  return 'error'
}

/** A request refused before any attempt has no timeline: say why from its status and code. */
export function refusalReason(
  record: Pick<RequestRecord, 'status' | 'error_code' | 'attempts'>,
): string | null {
  if (record.attempts.length > 0) return null
  const code = record.error_code ? ` (${record.error_code})` : ''
  return `Refused by the gateway before any provider was tried: ${record.status}${code}`
}

export function tokensOf(record: Pick<RequestRecord, 'usage'>): string {
  const { input_tokens, output_tokens } = record.usage
  if (input_tokens === null && output_tokens === null) return '—'
  return `${input_tokens ?? 0} → ${output_tokens ?? 0}`
}
