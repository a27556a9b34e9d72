/**
 * OpenAI Responses (`/v1/responses`): typed events (`event: response.output_text.delta` with the
 * same `type` in the data). `response.created`, `response.in_progress` and `response.queued` are
 * held; the first output item or delta commits; `response.completed` / `response.incomplete` end
 * the stream, and no `[DONE]` is added. `response.failed` and `error` are failures.
 */
import { gatewayFailure } from '../upstream-failure.js'
import type { WireFormat } from './types.js'

const HELD = new Set(['response.created', 'response.in_progress', 'response.queued'])
const TERMINAL = new Set(['response.completed', 'response.incomplete'])

export const RESPONSE_ID = /^resp_[A-Za-z0-9_-]{1,200}$/

export const responsesFormat: WireFormat = {
  name: 'responses',
  streamOf: (body) => body.stream === true,
  classify(data) {
    const type = data.type
    if (typeof type !== 'string') return 'held'
    if (HELD.has(type)) return 'held'
    if (TERMINAL.has(type)) return 'terminal'
    if (type === 'error' || type === 'response.failed') return 'error'
    return 'content'
  },
  doneMarker: null,
  completeEnd: '',
  streamError(code, message) {
    const data = { type: 'error', code, message, param: null }
    return `event: error\ndata: ${JSON.stringify(data)}\n\n`
  },
  failure: gatewayFailure,
  errorEventFailure(data) {
    const inner =
      data.type === 'response.failed'
        ? ((data.response as { error?: Record<string, unknown> } | undefined)?.error ?? {})
        : data
    const message = typeof inner.message === 'string' ? inner.message : 'the upstream stream failed'
    const code = typeof inner.code === 'string' ? inner.code : 'upstream_error'
    return gatewayFailure(502, code, message)
  },
  idOfEvent(data) {
    if (data.type !== 'response.created') return null
    const id = (data.response as { id?: unknown } | undefined)?.id
    return typeof id === 'string' && RESPONSE_ID.test(id) ? id : null
  },
  idOfBody(prefix) {
    const match = /"id"\s*:\s*"(resp_[A-Za-z0-9_-]{1,200})"/.exec(prefix)
    return match?.[1] ?? null
  },
}
