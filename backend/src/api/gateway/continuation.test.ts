/**
 * Mid-stream continuation (issue 16 item 2): a Chat Completions stream cut, erroring or stalled
 * after its first content is continued by the next node (or the same one) and spliced into the
 * client's one stream: by prefill of the sent text, or by a restart whose answer begins with it.
 * The fake upstreams serve one canonical 60-token answer and cut it where the test says.
 */
import type { ServerResponse } from 'node:http'
import { describe, expect, it } from 'vitest'
import { rawPost, startGateway } from '../../../test/fake-openai.js'
import {
  fakeUpstream,
  type Handler,
  json,
  type RecordedRequest,
  waitFor,
} from '../../../test/fake-upstream.js'

/** 60 tokens, some with characters of two bytes, so a join at any token boundary is checked. */
const TOKENS = Array.from({ length: 60 }, (_, i) => (i % 7 === 3 ? `ü${i}, ` : `t${i} `))
const ANSWER = TOKENS.join('')
/** Where each token begins in ANSWER (and its end). */
const BOUNDARIES = [0]
for (const token of TOKENS) BOUNDARIES.push((BOUNDARIES.at(-1) ?? 0) + token.length)

const QUIET = {
  // a node that is cut on every request must stay in the plan: no circuit, no passive health
  BACKEND_CIRCUIT_FAILURES: '0',
  BACKEND_CIRCUIT_ERROR_RATIO: '0',
  BACKEND_HEALTH_CHECK_FAILURE_THRESHOLD: '1000',
  BACKEND_GATEWAY_TIMEOUT_SECONDS: '5',
  BACKEND_GATEWAY_FIRST_TOKEN_TIMEOUT_SECONDS: '5',
}

interface CanonicalOptions {
  /** Content chunks sent before the stream breaks (null: the whole answer). */
  cutAfter?: (req: RecordedRequest) => number | null
  /** How it breaks: a reset, silence, or an error event. */
  ending?: 'cut' | 'stall' | 'error'
  /** Answers a trailing assistant message with 400. */
  refusesPrefill?: boolean
  /** The answer a request without prefill gets (default the canonical one). */
  answer?: string
  /** Milliseconds between content chunks (default: all at once). */
  paceMs?: number
}

function lastMessage(req: RecordedRequest): { role?: string; content?: unknown } | undefined {
  return (req.json as { messages?: { role?: string; content?: unknown }[] }).messages?.at(-1)
}

function isPrefill(req: RecordedRequest): boolean {
  return lastMessage(req)?.role === 'assistant'
}

let served = 0

/** The answer's pieces from `from` on, split where its tokens begin (the first may be a token's tail). */
function piecesFrom(text: string, from: number): string[] {
  const cuts = text === ANSWER ? BOUNDARIES.filter((b) => b > from) : [text.length]
  const pieces: string[] = []
  let at = from
  for (const end of cuts) {
    if (end > at) pieces.push(text.slice(at, end))
    at = end
  }
  return pieces
}

/** A chat upstream serving the canonical answer (continuing a prefill of it), cut as told. */
function canonical(opts: CanonicalOptions = {}): Handler {
  return async (_req, res, recorded) => {
    const body = recorded.json as { model: string; stream_options?: { include_usage?: boolean } }
    let from = 0
    if (isPrefill(recorded)) {
      if (opts.refusesPrefill) {
        const error = { message: 'the last message must be a user message', type: 'invalid_request_error' }
        return json(400, { error })(_req, res, recorded)
      }
      const sent = String(lastMessage(recorded)?.content)
      if (!ANSWER.startsWith(sent))
        return json(400, { error: { message: 'not our answer' } })(_req, res, recorded)
      from = sent.length
    }
    served += 1
    const meta = {
      id: `chatcmpl-${served}`,
      object: 'chat.completion.chunk',
      created: 1000 + served,
      model: body.model,
    }
    const send = (choices: unknown[], extra: Record<string, unknown> = {}) =>
      res.write(`data: ${JSON.stringify({ ...meta, choices, ...extra })}\n\n`)
    res.writeHead(200, { 'content-type': 'text/event-stream' })
    send([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }])
    const pieces = piecesFrom(from === 0 ? (opts.answer ?? ANSWER) : ANSWER, from)
    const cutAfter = opts.cutAfter?.(recorded) ?? null
    for (const [i, piece] of pieces.entries()) {
      if (i === cutAfter) return breakStream(res, opts.ending ?? 'cut')
      if (opts.paceMs) await new Promise((resolve) => setTimeout(resolve, opts.paceMs))
      send([{ index: 0, delta: { content: piece }, finish_reason: null }])
    }
    send([{ index: 0, delta: {}, finish_reason: 'stop' }])
    if (body.stream_options?.include_usage)
      send([], {
        usage: { prompt_tokens: 10, completion_tokens: pieces.length, total_tokens: 10 + pieces.length },
      })
    res.end('data: [DONE]\n\n')
  }
}

function breakStream(res: ServerResponse, ending: 'cut' | 'stall' | 'error'): void {
  if (ending === 'stall') return
  if (ending === 'error') {
    res.end(
      `data: ${JSON.stringify({ error: { message: 'overloaded', type: 'server_error', code: 'overloaded' } })}\n\n`,
    )
    return
  }
  res.write('', () => res.socket?.destroy())
}

interface Chunk {
  id?: string
  created?: number
  model?: string
  choices?: { delta?: { content?: string; tool_calls?: unknown } }[]
  usage?: Record<string, number>
  x_switchboard?: {
    continued: boolean
    continued_by: number
    legs: { provider_id: number; model: string; mode: string }[]
  }
  error?: { code?: string }
}

/** The stream as the client got it: its JSON events, whether it ended with [DONE], and the text. */
function read(text: string) {
  const data = text
    .split('\n\n')
    .filter((e) => e.startsWith('data: '))
    .map((e) => e.slice(6))
  const done = data.at(-1) === '[DONE]'
  const chunks = data.filter((d) => d !== '[DONE]').map((d) => JSON.parse(d) as Chunk)
  const content = chunks.map((c) => c.choices?.[0]?.delta?.content ?? '').join('')
  return { chunks, done, content, last: chunks.at(-1) }
}

const request = { model: 'r', messages: [{ role: 'user', content: 'count' }], stream: true }

async function routeOf(
  first: Handler,
  second: Handler,
  opts: {
    config?: Record<string, unknown>
    secondModels?: string[]
    env?: Record<string, string>
    /** How the nodes continue (`continuation` of both providers); unset: the openai kind's default, restart. */
    continuation?: 'prefill' | 'restart'
  } = {},
) {
  const gw = await startGateway({ ...QUIET, ...opts.env })
  const a = await fakeUpstream(first)
  const b = await fakeUpstream(second)
  const fields = opts.continuation ? { continuation: opts.continuation } : undefined
  const aId = await gw.addProvider(a, fields ? { fields } : {})
  const bId = await gw.addProvider(b, {
    ...(opts.secondModels ? { models: opts.secondModels } : {}),
    ...(fields ? { fields } : {}),
  })
  await gw.addRoute({
    name: 'r',
    mode: 'auto',
    config: { strategy: 'failover', ...opts.config },
    nodes: [{ api_id: aId }, { api_id: bId }],
  })
  return { gw, a, b, aId, bId }
}

function expectConsistent(chunks: Chunk[]): void {
  const [first] = chunks
  for (const c of chunks) {
    expect([c.id, c.created, c.model]).toEqual([first?.id, first?.created, first?.model])
  }
}

describe('mid-stream continuation (chat)', () => {
  it('continues a stream cut at every position of the answer by prefill, byte for byte', async () => {
    let cutAfter = 0
    const { gw, b, aId, bId } = await routeOf(canonical({ cutAfter: () => cutAfter }), canonical(), {
      continuation: 'prefill',
    })
    for (cutAfter = 1; cutAfter < 60; cutAfter++) {
      const res = await rawPost(gw, '/chat/completions', request)
      const got = read(res.text)
      expect(got.content, `cut after ${cutAfter}`).toBe(ANSWER)
      expect(got.done).toBe(true)
      expectConsistent(got.chunks)
      expect(got.last?.x_switchboard).toEqual({
        continued: true,
        continued_by: bId,
        legs: [
          { provider_id: aId, model: 'gpt-test', mode: 'original' },
          { provider_id: bId, model: 'gpt-test', mode: 'prefill' },
        ],
      })
      const asked = b.requests.at(-1)!
      expect(lastMessage(asked)).toEqual({
        role: 'assistant',
        content: ANSWER.slice(0, BOUNDARIES[cutAfter]),
      })
    }
    expect(b.requests).toHaveLength(59)
  })

  it("lowers the client's max_tokens by the sent text on a prefill, and keeps it on a restart", async () => {
    const capped = { ...request, max_tokens: 100, max_completion_tokens: 90 }
    const sent = ANSWER.slice(0, BOUNDARIES[20])
    const caps = (r: RecordedRequest) => {
      const { max_tokens, max_completion_tokens } = r.json as Record<string, unknown>
      return { max_tokens, max_completion_tokens }
    }
    const prefilled = await routeOf(canonical({ cutAfter: () => 20 }), canonical(), {
      continuation: 'prefill',
    })
    expect(read((await rawPost(prefilled.gw, '/chat/completions', capped)).text).content).toBe(ANSWER)
    const spent = Math.ceil(sent.length / 4)
    expect(caps(prefilled.b.requests.at(-1)!)).toEqual({
      max_tokens: 100 - spent,
      max_completion_tokens: 90 - spent,
    })
    // a cap the sent text used up still leaves the continuation one token, not a refused request
    const tight = { ...request, max_tokens: 2 }
    expect(read((await rawPost(prefilled.gw, '/chat/completions', tight)).text).content).toBe(ANSWER)
    expect(caps(prefilled.b.requests.at(-1)!).max_tokens).toBe(1)

    const restarted = await routeOf(canonical({ cutAfter: () => 20 }), canonical({ refusesPrefill: true }))
    expect(read((await rawPost(restarted.gw, '/chat/completions', capped)).text).content).toBe(ANSWER)
    expect(caps(restarted.b.requests.at(-1)!)).toEqual({ max_tokens: 100, max_completion_tokens: 90 })
  })

  it('restarts an OpenAI-compatible provider by default (never a prefill it would answer as a new turn), skipping the sent text, at every position', async () => {
    let cutAfter = 0
    const { gw, b } = await routeOf(
      canonical({ cutAfter: () => cutAfter }),
      canonical({ refusesPrefill: true }),
    )
    for (cutAfter = 1; cutAfter < 60; cutAfter++) {
      const before = b.requests.length
      const got = read((await rawPost(gw, '/chat/completions', request)).text)
      expect(got.content, `cut after ${cutAfter}`).toBe(ANSWER)
      expect(got.done).toBe(true)
      expectConsistent(got.chunks)
      expect(got.last?.x_switchboard?.legs.at(-1)?.mode).toBe('restart')
      expect(b.requests.slice(before).map(isPrefill)).toEqual([false])
    }
  })

  it('ends with the error event when a restarted answer does not begin with the text already sent', async () => {
    const { gw, b } = await routeOf(
      canonical({ cutAfter: () => 5 }),
      canonical({ refusesPrefill: true, answer: 'Something else entirely, said another way.' }),
    )
    const got = read((await rawPost(gw, '/chat/completions', request)).text)
    expect(got.done).toBe(false)
    expect(got.content).toBe(ANSWER.slice(0, BOUNDARIES[5]))
    expect(got.last?.error).toMatchObject({ code: 'upstream_reset' })
    expect(b.requests).toHaveLength(1)
    const metrics = await gw.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: 'Bearer admin-token-gateway-test' },
    })
    expect(metrics.body).toContain('switchboard_stream_continuations_total{outcome="diverged"} 1')
  })

  it('does not continue a stream cut in the middle of a tool call', async () => {
    const toolCall: Handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      const call = { index: 0, id: 'call_1', type: 'function', function: { name: 'get', arguments: '{"ci' } }
      res.write(
        `data: ${JSON.stringify({ id: 'x', choices: [{ index: 0, delta: { tool_calls: [call] } }] })}\n\n`,
      )
      res.write('', () => res.socket?.destroy())
    }
    const { gw, b } = await routeOf(toolCall, canonical())
    const got = read((await rawPost(gw, '/chat/completions', request)).text)
    expect(got.done).toBe(false)
    expect(got.last?.error).toMatchObject({ code: 'upstream_reset' })
    expect(b.requests).toHaveLength(0)
  })

  it('continues a stream that goes silent past the route idle timeout, and one that sends an error event', async () => {
    const { gw } = await routeOf(canonical({ cutAfter: () => 7, ending: 'stall' }), canonical(), {
      config: { idle_timeout: 0.2 },
    })
    const stalled = read((await rawPost(gw, '/chat/completions', request)).text)
    expect(stalled.content).toBe(ANSWER)
    expect(stalled.done).toBe(true)
    const erroring = await routeOf(canonical({ cutAfter: () => 9, ending: 'error' }), canonical())
    const errored = read((await rawPost(erroring.gw, '/chat/completions', request)).text)
    expect(errored.content).toBe(ANSWER)
    expect(errored.last?.x_switchboard?.continued).toBe(true)
  })

  it('sums the usage of both legs in the final chunk and the request log, which names the continuing attempt', async () => {
    const { gw, bId } = await routeOf(canonical({ cutAfter: () => 20 }), canonical(), {
      continuation: 'prefill',
    })
    const body = { ...request, stream_options: { include_usage: true } }
    const got = read((await rawPost(gw, '/chat/completions', body)).text)
    expect(got.content).toBe(ANSWER)
    // the cut leg is counted by its 20 content events, the continuation reports 40
    expect(got.last?.usage).toEqual({ prompt_tokens: 10, completion_tokens: 60, total_tokens: 70 })
    expect(got.last?.x_switchboard?.continued_by).toBe(bId)
    type Row = {
      provider_id: number
      error_code: string | null
      usage: Record<string, number>
      attempts: Record<string, unknown>[]
    }
    let rows: Row[] = []
    await waitFor(async () => {
      await gw.app.core.requestLog.flushNow()
      rows = ((await gw.admin('GET', '/api/requests')).body as { data: Row[] }).data
      return rows.length > 0
    })
    expect(rows[0]).toMatchObject({
      provider_id: bId,
      error_code: null,
      usage: { input_tokens: 10, output_tokens: 60 },
    })
    expect(rows[0]?.attempts.map((a) => [a.outcome, a.continuation])).toEqual([
      ['stream_error', undefined],
      ['success', 'prefill'],
    ])
  })

  it('keeps the error event with stream_recovery: error', async () => {
    const { gw, b } = await routeOf(canonical({ cutAfter: () => 3 }), canonical(), {
      config: { stream_recovery: 'error' },
    })
    const got = read((await rawPost(gw, '/chat/completions', request)).text)
    expect(got.done).toBe(false)
    expect(got.last?.error).toMatchObject({ code: 'upstream_reset' })
    expect(b.requests).toHaveLength(0)
  })

  it('does not continue on a node serving another model unless the route says continue', async () => {
    const other = await routeOf(canonical({ cutAfter: () => 3 }), canonical(), {
      secondModels: ['other-model'],
    })
    const refused = read((await rawPost(other.gw, '/chat/completions', request)).text)
    expect(refused.last?.error).toMatchObject({ code: 'upstream_reset' })
    expect(other.b.requests).toHaveLength(0)

    const allowed = await routeOf(canonical({ cutAfter: () => 3 }), canonical(), {
      secondModels: ['other-model'],
      config: { stream_recovery: 'continue' },
    })
    const got = read((await rawPost(allowed.gw, '/chat/completions', request)).text)
    expect(got.content).toBe(ANSWER)
    expectConsistent(got.chunks)
    expect(got.chunks[0]?.model).toBe('gpt-test')
    expect(got.last?.x_switchboard?.legs.map((l) => l.model)).toEqual(['gpt-test', 'other-model'])
  })

  it('continues on the same node when it is the only one', async () => {
    const gw = await startGateway(QUIET)
    const only = await fakeUpstream(canonical({ cutAfter: (req) => (isPrefill(req) ? null : 11) }))
    const id = await gw.addProvider(only, { fields: { continuation: 'prefill' } })
    await gw.addRoute({ name: 'r', mode: 'auto', config: {}, nodes: [{ api_id: id }] })
    const got = read((await rawPost(gw, '/chat/completions', request)).text)
    expect(got.content).toBe(ANSWER)
    expect(got.last?.x_switchboard?.legs.map((l) => l.provider_id)).toEqual([id, id])
  })

  it('gives the openai SDK one complete answer', async () => {
    const { gw } = await routeOf(canonical({ cutAfter: () => 30 }), canonical())
    const stream = await gw.client.chat.completions.create({
      model: 'r',
      messages: [{ role: 'user', content: 'count' }],
      stream: true,
    })
    let text = ''
    const ids = new Set<string>()
    for await (const part of stream) {
      ids.add(part.id)
      text += part.choices[0]?.delta?.content ?? ''
    }
    expect(text).toBe(ANSWER)
    expect(ids.size).toBe(1)
  })

  it('restarts at once on a provider declared continuation: restart, which a backup keeps', async () => {
    const { gw, b, bId } = await routeOf(canonical({ cutAfter: () => 8 }), canonical())
    const patched = await gw.admin('PATCH', `/api/providers/${bId}`, { continuation: 'restart' })
    expect(patched.body).toMatchObject({ continuation: 'restart' })
    const got = read((await rawPost(gw, '/chat/completions', request)).text)
    expect(got.content).toBe(ANSWER)
    expect(got.last?.x_switchboard?.legs.at(-1)?.mode).toBe('restart')
    expect(b.requests.map(isPrefill)).toEqual([false])
    const exported = await gw.admin('GET', '/api/admin/providers/export')
    const providers = (exported.body as { providers: { id: number; continuation?: unknown }[] }).providers
    expect(providers.map((p) => p.continuation ?? null)).toEqual([null, 'restart'])
    await gw.admin('PATCH', `/api/providers/${bId}`, { continuation: null })
    expect((await gw.admin('POST', '/api/admin/providers/restore', exported.body)).status).toBe(200)
    expect((await gw.admin('GET', `/api/providers/${bId}`)).body).toMatchObject({ continuation: 'restart' })
    const bad = await gw.admin('PATCH', `/api/providers/${bId}`, { continuation: 'sometimes' })
    expect(bad.status).toBe(422)
  })

  it('keeps a restart that replays the sent text for longer than the first-token timeout', async () => {
    const { gw, bId } = await routeOf(canonical({ cutAfter: () => 40 }), canonical({ paceMs: 15 }), {
      config: { first_token_timeout: 0.3, idle_timeout: 2 },
    })
    await gw.admin('PATCH', `/api/providers/${bId}`, { continuation: 'restart' })
    // 40 replayed chunks 15 ms apart: past the 0.3 s first-token timeout before the first new text
    const got = read((await rawPost(gw, '/chat/completions', request)).text)
    expect(got.content).toBe(ANSWER)
    expect(got.last?.x_switchboard?.legs.at(-1)?.mode).toBe('restart')
  })

  it('refuses a stream_recovery that is not continue or error with a 422 naming the field', async () => {
    const gw = await startGateway()
    const p = await fakeUpstream(canonical())
    const id = await gw.addProvider(p)
    const bad = await gw.admin('POST', '/api/model-routes', {
      name: 'bad',
      mode: 'auto',
      config: { stream_recovery: 'retry' },
      nodes: [{ api_id: id }],
    })
    expect(bad.status).toBe(422)
    expect((bad.body as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual([
      'config.stream_recovery',
    ])
  })
})
