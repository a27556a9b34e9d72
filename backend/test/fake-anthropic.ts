/**
 * A fake Anthropic Messages upstream (a handler for `fakeUpstream`): plain messages, the event
 * stream as Anthropic sends it (message_start, ping, content_block_*, message_delta, message_stop,
 * each as `event: <type>` + `data: {type, …}`), count_tokens, and its error shape.
 */
import type { ServerResponse } from 'node:http'
import type { Handler } from './fake-upstream.js'

export function messageObject(model: string, text: string, stop: string | null = 'end_turn') {
  return {
    id: 'msg_fake_01',
    type: 'message',
    role: 'assistant',
    model,
    content: text ? [{ type: 'text', text }] : [],
    stop_reason: stop,
    stop_sequence: null,
    usage: { input_tokens: 7, output_tokens: 4 },
  }
}

export interface MessagesOptions {
  text?: string
  parts?: number
  /** Before any content: `overloaded` an overloaded_error event, `cut` a reset after message_start and ping. */
  before?: 'overloaded' | 'cut'
  /** After the deltas: `cut` a reset, `close` a clean end without message_stop. */
  ending?: 'stop' | 'cut' | 'close'
}

function event(res: ServerResponse, type: string, data: Record<string, unknown>) {
  res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`)
}

export function anthropicError(type: string, message: string) {
  return { type: 'error', error: { type, message } }
}

export const overloaded: Handler = (_req, res) => {
  res.writeHead(529, { 'content-type': 'application/json' })
  res.end(JSON.stringify(anthropicError('overloaded_error', 'Overloaded')))
}

export const messages =
  (opts: MessagesOptions = {}): Handler =>
  (req, res, recorded) => {
    const body = (recorded.json ?? {}) as { model?: string; stream?: boolean }
    const model = String(body.model ?? '')
    const text = opts.text ?? 'Hello from Claude'
    if ((req.url ?? '').endsWith('/count_tokens')) {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ input_tokens: 42 }))
      return
    }
    if (!body.stream) {
      res.writeHead(200, { 'content-type': 'application/json', 'request-id': 'req_fake' })
      res.end(JSON.stringify(messageObject(model, text)))
      return
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
    event(res, 'message_start', {
      message: { ...messageObject(model, '', null), usage: { input_tokens: 7, output_tokens: 1 } },
    })
    event(res, 'content_block_start', { index: 0, content_block: { type: 'text', text: '' } })
    event(res, 'ping', {})
    if (opts.before === 'overloaded') {
      event(res, 'error', anthropicError('overloaded_error', 'Overloaded'))
      res.end()
      return
    }
    if (opts.before === 'cut') {
      res.write('', () => res.socket?.destroy())
      return
    }
    const parts = opts.parts ?? 3
    const size = Math.ceil(text.length / parts)
    for (let i = 0; i < parts; i++) {
      event(res, 'content_block_delta', {
        index: 0,
        delta: { type: 'text_delta', text: text.slice(i * size, (i + 1) * size) },
      })
    }
    if (opts.ending === 'cut') {
      res.write('', () => res.socket?.destroy())
      return
    }
    event(res, 'content_block_stop', { index: 0 })
    event(res, 'message_delta', {
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: 4 },
    })
    if (opts.ending === 'close') {
      res.end()
      return
    }
    event(res, 'message_stop', {})
    res.end()
  }
