/**
 * Mid-stream continuation of Anthropic Messages streams (issue 16 item 2): a trailing assistant
 * turn is native prefill there (sent without its trailing whitespace, which Anthropic refuses);
 * the continuation's text joins the client's open text block. Responses streams are not continued.
 */
import Anthropic from '@anthropic-ai/sdk'
import { describe, expect, it } from 'vitest'
import { ADMIN_TOKEN, rawPost, startGateway } from '../../../test/fake-openai.js'
import { fakeUpstream, type Handler, json, type RecordedRequest } from '../../../test/fake-upstream.js'

const WORDS = Array.from({ length: 60 }, (_, i) => `wörd${i} `)
const ANSWER = WORDS.join('')
const MODEL = 'claude-test'

const QUIET = {
  BACKEND_CIRCUIT_FAILURES: '0',
  BACKEND_CIRCUIT_ERROR_RATIO: '0',
  BACKEND_HEALTH_CHECK_FAILURE_THRESHOLD: '1000',
}

function prefillOf(req: RecordedRequest): string | null {
  const last = (req.json as { messages: { role: string; content: unknown }[] }).messages.at(-1)
  return last?.role === 'assistant' ? String(last.content) : null
}

/** An Anthropic upstream streaming ANSWER word by word (after a prefill: the rest of it), cut as told. */
function claude(
  cutAfter: (req: RecordedRequest) => number | null,
  opts: { refusesPrefill?: boolean } = {},
): Handler {
  return (req, res, recorded) => {
    const prefill = prefillOf(recorded)
    const refused = opts.refusesPrefill || prefill !== prefill?.trimEnd() || !ANSWER.startsWith(prefill ?? '')
    if (prefill !== null && refused)
      return json(400, { type: 'error', error: { type: 'invalid_request_error', message: 'bad prefill' } })(
        req,
        res,
        recorded,
      )
    const rest = ANSWER.slice(prefill?.length ?? 0)
    // the rest in words, the first one perhaps only a word's tail (here: its space)
    const pieces = rest.match(/^\s+|\S+\s*/g) ?? []
    const event = (type: string, data: Record<string, unknown>) =>
      res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`)
    res.writeHead(200, { 'content-type': 'text/event-stream' })
    const id = `msg_${recorded.body.length}_${prefill?.length ?? 0}`
    event('message_start', {
      message: {
        id,
        type: 'message',
        role: 'assistant',
        model: MODEL,
        content: [],
        usage: { input_tokens: 9, output_tokens: 1 },
      },
    })
    event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } })
    const cut = cutAfter(recorded)
    for (const [i, text] of pieces.entries()) {
      if (i === cut) {
        res.write('', () => res.socket?.destroy())
        return
      }
      event('content_block_delta', { index: 0, delta: { type: 'text_delta', text } })
    }
    event('content_block_stop', { index: 0 })
    event('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: pieces.length } })
    event('message_stop', {})
    res.end()
  }
}

interface Event {
  type: string
  index?: number
  message?: { id: string }
  delta?: { type?: string; text?: string }
  usage?: { output_tokens: number }
  x_switchboard?: { continued: boolean; legs: { mode: string }[] }
}

function eventsOf(text: string): Event[] {
  return text
    .split('\n\n')
    .flatMap((block) => block.split('\n').filter((l) => l.startsWith('data: ')))
    .map((line) => JSON.parse(line.slice(6)) as Event)
}

async function route(first: Handler, second: Handler, secondFields: Record<string, unknown> = {}) {
  const gw = await startGateway(QUIET)
  const a = await fakeUpstream(first)
  const b = await fakeUpstream(second)
  const aId = await gw.addProvider(a, { models: [MODEL], fields: { kind: 'anthropic' } })
  const bId = await gw.addProvider(b, { models: [MODEL], fields: { kind: 'anthropic', ...secondFields } })
  await gw.addRoute({
    name: 'claude',
    mode: 'auto',
    config: { strategy: 'failover' },
    nodes: [{ api_id: aId }, { api_id: bId }],
  })
  return { gw, a, b }
}

const streamed = {
  model: 'claude',
  max_tokens: 512,
  messages: [{ role: 'user', content: 'hi' }],
  stream: true,
}

describe('mid-stream continuation (Messages)', () => {
  it('continues a stream cut at every position into the open text block, one message_start, byte for byte', async () => {
    let cutAfter = 0
    const { gw, b } = await route(
      claude(() => cutAfter),
      claude(() => null),
    )
    for (cutAfter = 1; cutAfter < 60; cutAfter++) {
      const events = eventsOf((await rawPost(gw, '/messages', streamed)).text)
      const text = events.map((e) => (e.type === 'content_block_delta' ? e.delta?.text : '')).join('')
      expect(text, `cut after ${cutAfter}`).toBe(ANSWER)
      expect(events.filter((e) => e.type === 'message_start')).toHaveLength(1)
      expect(events.filter((e) => e.type === 'content_block_start')).toHaveLength(1)
      expect(new Set(events.filter((e) => e.index !== undefined).map((e) => e.index))).toEqual(new Set([0]))
      const stop = events.at(-1)
      expect(stop?.type).toBe('message_stop')
      expect(stop?.x_switchboard?.legs.map((l) => l.mode)).toEqual(['original', 'prefill'])
      // summed: the cut leg's 1 (its message_start's count) and the continuation's pieces (a space, then the words left)
      const delta = events.find((e) => e.type === 'message_delta')
      expect(delta?.usage?.output_tokens).toBe(1 + 1 + (60 - cutAfter))
      // sent without its trailing space, which Anthropic refuses
      const kept = ANSWER.slice(0, WORDS.slice(0, cutAfter).join('').length).trimEnd()
      expect(prefillOf(b.requests.at(-1)!)).toBe(kept)
      // the client's cap holds for the whole answer: the continuation may write what the sent text left
      expect((b.requests.at(-1)!.json as { max_tokens: number }).max_tokens).toBe(
        512 - Math.ceil(kept.length / 4),
      )
    }
  })

  it('restarts an Anthropic provider that answers a prefill with 400, and remembers it', async () => {
    let cutAfter = 0
    const { gw, b } = await route(
      claude(() => cutAfter),
      claude(() => null, { refusesPrefill: true }),
    )
    for (cutAfter of [1, 17, 59]) {
      const before = b.requests.length
      const events = eventsOf((await rawPost(gw, '/messages', streamed)).text)
      const text = events.map((e) => (e.type === 'content_block_delta' ? e.delta?.text : '')).join('')
      expect(text, `cut after ${cutAfter}`).toBe(ANSWER)
      expect(events.at(-1)?.x_switchboard?.legs.map((l) => l.mode)).toEqual(['original', 'restart'])
      // the first cut learns the 400; every later one goes straight to the restart
      const asked = b.requests.slice(before).map((r) => prefillOf(r) !== null)
      expect(asked).toEqual(cutAfter === 1 ? [true, false] : [false])
    }
  })

  it('restarts on a provider declared continuation: restart, skipping the text already sent', async () => {
    let cutAfter = 0
    const { gw, b } = await route(
      claude(() => cutAfter),
      claude(() => null),
      { continuation: 'restart' },
    )
    for (cutAfter of [1, 17, 59]) {
      const events = eventsOf((await rawPost(gw, '/messages', streamed)).text)
      const text = events.map((e) => (e.type === 'content_block_delta' ? e.delta?.text : '')).join('')
      expect(text, `cut after ${cutAfter}`).toBe(ANSWER)
      expect(events.at(-1)?.x_switchboard?.legs.map((l) => l.mode)).toEqual(['original', 'restart'])
      expect(prefillOf(b.requests.at(-1)!)).toBeNull()
    }
  })

  it('does not continue a stream cut inside a tool_use block', async () => {
    const toolUse: Handler = (_req, res) => {
      const event = (type: string, data: Record<string, unknown>) =>
        res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`)
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      event('message_start', {
        message: { id: 'msg_t', type: 'message', role: 'assistant', model: MODEL, content: [] },
      })
      event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } })
      event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Let me look. ' } })
      event('content_block_stop', { index: 0 })
      event('content_block_start', {
        index: 1,
        content_block: { type: 'tool_use', id: 'tu_1', name: 'get', input: {} },
      })
      event('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: '{"ci' } })
      res.write('', () => res.socket?.destroy())
    }
    const { gw, b } = await route(
      toolUse,
      claude(() => null),
    )
    const events = eventsOf((await rawPost(gw, '/messages', streamed)).text)
    expect(events.at(-1)).toMatchObject({ type: 'error', error: { type: 'api_error' } })
    expect(b.requests).toHaveLength(0)
  })

  it('gives the Anthropic SDK one complete message', async () => {
    const { gw } = await route(
      claude(() => 25),
      claude(() => null),
    )
    const client = new Anthropic({
      apiKey: ADMIN_TOKEN,
      baseURL: gw.baseURL.replace(/\/v1$/, ''),
      maxRetries: 0,
      timeout: 10_000,
    })
    const stream = client.messages.stream({
      model: 'claude',
      max_tokens: 512,
      messages: [{ role: 'user', content: 'hi' }],
    })
    const message = await stream.finalMessage()
    expect(message.content).toHaveLength(1)
    expect(message.content[0]).toMatchObject({ type: 'text', text: ANSWER })
  })
})
