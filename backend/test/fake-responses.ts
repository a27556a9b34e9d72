/**
 * A fake OpenAI Responses upstream (a handler for `fakeUpstream`): plain answers and typed event
 * streams as OpenAI sends them (`event: <type>` + `data: {type, sequence_number, …}`), with the
 * ways a stream can fail before and after its first output.
 */
import type { ServerResponse } from 'node:http'
import type { Handler } from './fake-upstream.js'

let counter = 0

export function responseObject(model: string, text: string, id: string, status = 'completed') {
  return {
    id,
    object: 'response',
    created_at: 1700000000,
    status,
    error: null,
    incomplete_details: null,
    model,
    output: [
      {
        id: `msg_${id}`,
        type: 'message',
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text, annotations: [] }],
      },
    ],
    parallel_tool_calls: true,
    tool_choice: 'auto',
    tools: [],
    usage: {
      input_tokens: 5,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 3,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 8,
    },
  }
}

export interface ResponsesOptions {
  /** The text answered (streams send it in `parts` deltas). */
  text?: string
  parts?: number
  /** How a stream ends after its deltas: `completed`, or a cut, a stall, a clean close without a terminal event. */
  ending?: 'completed' | 'incomplete' | 'cut' | 'stall' | 'close'
  /** Before any output: `cut` after response.created/in_progress, `error` an error event, `failed` a response.failed. */
  before?: 'cut' | 'error' | 'failed'
  /** The response id (default resp_fake_<n>). */
  id?: string
}

function event(res: ServerResponse, seq: { n: number }, type: string, data: Record<string, unknown>) {
  res.write(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq.n++, ...data })}\n\n`)
}

/** Answers POST /responses (plain or stream) and GET/DELETE /responses/{id}[/…]. */
export const responses =
  (opts: ResponsesOptions = {}): Handler =>
  (req, res, recorded) => {
    const body = (recorded.json ?? {}) as { model?: string; stream?: boolean }
    const model = String(body.model ?? '')
    const text = opts.text ?? 'Hello from responses'
    counter += 1
    const id = opts.id ?? `resp_fake_${counter}`
    const path = (req.url ?? '').split('?')[0] ?? ''
    if (req.method !== 'POST' || path.endsWith('/cancel')) {
      const lookedUp = path.split('/responses/')[1]?.split('/')[0] ?? ''
      res.writeHead(200, { 'content-type': 'application/json' })
      if (path.endsWith('/input_items')) {
        res.end(JSON.stringify({ object: 'list', data: [], first_id: null, last_id: null, has_more: false }))
      } else if (req.method === 'DELETE') {
        res.end(JSON.stringify({ id: lookedUp, object: 'response', deleted: true }))
      } else res.end(JSON.stringify(responseObject(model || 'gpt-test', text, lookedUp)))
      return
    }
    if (!body.stream) {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify(responseObject(model, text, id)))
      return
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
    const seq = { n: 0 }
    const pending = { ...responseObject(model, '', id, 'in_progress'), output: [], usage: null }
    event(res, seq, 'response.created', { response: pending })
    event(res, seq, 'response.in_progress', { response: pending })
    if (opts.before === 'cut') {
      res.write('', () => res.socket?.destroy())
      return
    }
    if (opts.before === 'error') {
      event(res, seq, 'error', { code: 'server_error', message: 'overloaded', param: null })
      res.end()
      return
    }
    if (opts.before === 'failed') {
      const failed = { ...pending, status: 'failed', error: { code: 'server_error', message: 'failed' } }
      event(res, seq, 'response.failed', { response: failed })
      res.end()
      return
    }
    const itemId = `msg_${id}`
    const item = { id: itemId, type: 'message', status: 'in_progress', role: 'assistant', content: [] }
    event(res, seq, 'response.output_item.added', { output_index: 0, item })
    const part = { type: 'output_text', text: '', annotations: [] }
    event(res, seq, 'response.content_part.added', {
      item_id: itemId,
      output_index: 0,
      content_index: 0,
      part,
    })
    const parts = opts.parts ?? 3
    const size = Math.ceil(text.length / parts)
    for (let i = 0; i < parts; i++) {
      const delta = text.slice(i * size, (i + 1) * size)
      event(res, seq, 'response.output_text.delta', {
        item_id: itemId,
        output_index: 0,
        content_index: 0,
        delta,
        logprobs: [],
      })
    }
    const ending = opts.ending ?? 'completed'
    if (ending === 'cut') {
      res.write('', () => res.socket?.destroy())
      return
    }
    if (ending === 'stall') return
    if (ending === 'close') {
      res.end()
      return
    }
    event(res, seq, 'response.output_text.done', {
      item_id: itemId,
      output_index: 0,
      content_index: 0,
      text,
      logprobs: [],
    })
    event(res, seq, 'response.content_part.done', {
      item_id: itemId,
      output_index: 0,
      content_index: 0,
      part: { ...part, text },
    })
    const done = responseObject(model, text, id)
    event(res, seq, 'response.output_item.done', { output_index: 0, item: done.output[0] })
    if (ending === 'incomplete') {
      const incomplete = {
        ...done,
        status: 'incomplete',
        incomplete_details: { reason: 'max_output_tokens' },
      }
      event(res, seq, 'response.incomplete', { response: incomplete })
    } else event(res, seq, 'response.completed', { response: done })
    res.end()
  }
