/**
 * Anthropic Messages (`/v1/messages`): `message_start` and `ping` (and `content_block_start`) are
 * held; the first `content_block_delta` commits; `message_stop` ends the stream. An `error` event
 * (`overloaded_error`…) before the commit fails over; after it, the stream ends with an `event: error`
 * in Anthropic's shape. Errors the gateway makes are `{type:'error', error:{type, message}}`.
 */
import { anthropicErrorType } from '../../../api/plugins/errors.js'
import type { Failure } from '../upstream-failure.js'
import type { WireFormat } from './types.js'

export function anthropicFailure(status: number, _code: string, message: string): Failure {
  const body = JSON.stringify({ type: 'error', error: { type: anthropicErrorType(status), message } })
  return { status, contentType: 'application/json', body }
}

export const messagesFormat: WireFormat = {
  name: 'messages',
  streamOf: (body) => body.stream === true,
  classify(data) {
    switch (data.type) {
      case 'content_block_delta':
        return 'content'
      case 'message_stop':
        return 'terminal'
      case 'error':
        return 'error'
      default:
        // message_start, ping, content_block_start, content_block_stop, message_delta
        return 'held'
    }
  },
  doneMarker: null,
  completeEnd: '',
  streamError(_code, message) {
    const data = { type: 'error', error: { type: 'api_error', message } }
    return `event: error\ndata: ${JSON.stringify(data)}\n\n`
  },
  failure: anthropicFailure,
  errorEventFailure(data, text) {
    const type = (data.error as { type?: unknown } | undefined)?.type
    return { status: type === 'overloaded_error' ? 529 : 502, contentType: 'application/json', body: text }
  },
}

/** /v1/messages/count_tokens: never a stream, errors in Anthropic's shape. */
export const messagesPlainFormat: WireFormat = { ...messagesFormat, streamOf: () => false }
