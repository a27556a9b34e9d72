/** OpenAI chat and text completions (and embeddings, which never stream): the gateway's first format. */
import { inspectChunk } from '../sse.js'
import { gatewayFailure, sseError } from '../upstream-failure.js'
import type { WireFormat } from './types.js'

export const chatFormat: WireFormat = {
  name: 'chat',
  streamOf: (body) => body.stream === true,
  classify(data) {
    if (data.error !== undefined) return 'error'
    const { hasContent, hasFinish } = inspectChunk(data)
    return hasFinish ? 'finish' : hasContent ? 'content' : 'held'
  },
  doneMarker: '[DONE]',
  completeEnd: 'data: [DONE]\n\n',
  streamError: sseError,
  failure: gatewayFailure,
  errorEventFailure: (_data, text) => ({ status: 502, contentType: 'application/json', body: text }),
}

/** Embeddings and the other JSON endpoints: never a stream, errors in OpenAI's shape. */
export const plainFormat: WireFormat = { ...chatFormat, streamOf: () => false }
