/**
 * Fake OpenAI-compatible providers (handlers for `fakeUpstream`) and a gateway test harness: the
 * real app listening on 127.0.0.1:0, the official `openai` client pointed at it, and helpers to
 * register fakes as providers and routes through the admin API.
 */
import type { ServerResponse } from 'node:http'
import type { FastifyInstance } from 'fastify'
import OpenAI from 'openai'
import type { Logger } from 'pino'
import { expect } from 'vitest'
import { type FakeUpstream, type Handler, json } from './fake-upstream.js'
import { buildTestApp } from './helpers.js'

export const ADMIN_TOKEN = 'admin-token-gateway-test'

export function completionBody(model: string, content = 'Hello there') {
  return {
    id: 'chatcmpl-fake',
    object: 'chat.completion',
    created: 1700000000,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
  }
}

/** Answers what each endpoint answers, echoing the model it received. */
export const ok =
  (content = 'Hello there'): Handler =>
  (req, res, recorded) => {
    const model = String((recorded.json as { model?: unknown })?.model ?? '')
    if (req.url?.endsWith('/embeddings')) {
      return json(200, {
        object: 'list',
        data: [{ object: 'embedding', index: 0, embedding: [0.1, 0.2] }],
        model,
      })(req, res, recorded)
    }
    if (req.url?.endsWith('/completions') && !req.url.endsWith('/chat/completions')) {
      const body = {
        id: 'cmpl-fake',
        object: 'text_completion',
        created: 1,
        model,
        choices: [{ index: 0, text: content, finish_reason: 'stop' }],
      }
      return json(200, body)(req, res, recorded)
    }
    return json(200, completionBody(model, content))(req, res, recorded)
  }

export function chunk(model: string, delta: Record<string, unknown>, finish: string | null = null): string {
  const body = {
    id: 'chatcmpl-fake',
    object: 'chat.completion.chunk',
    created: 1,
    model,
    choices: [{ index: 0, delta, finish_reason: finish }],
  }
  return `data: ${JSON.stringify(body)}\n\n`
}

function startSse(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
}

/** The words of a streamed answer: `w0 w1 …`. */
export function streamedText(n: number): string {
  return Array.from({ length: n }, (_, i) => `w${i} `).join('')
}

export interface SseOptions {
  /** Content chunks to send (each `w<i> `). */
  chunks?: number
  /** Send the final chunk with finish_reason "stop" (default true). */
  finish?: boolean
  /** Send `data: [DONE]` (default true). */
  done?: boolean
  /** After the content chunks: `cut` destroys the socket, `stall` keeps it open silently. */
  ending?: 'end' | 'cut' | 'stall'
  /** Extra raw text sent right after the role chunk (comments, invalid events). */
  extra?: string
  /** Line ending to use (default `\n`). */
  crlf?: boolean
}

/** An SSE chat stream: a role-only chunk, N content chunks, a finish chunk, `[DONE]`. */
export const sse =
  (opts: SseOptions = {}): Handler =>
  (_req, res, recorded) => {
    const model = String((recorded.json as { model?: unknown })?.model ?? '')
    const { chunks = 3, finish = true, done = true, ending = 'end', extra = '' } = opts
    startSse(res)
    const send = (text: string) => res.write(opts.crlf ? text.replace(/\n/g, '\r\n') : text)
    send(chunk(model, { role: 'assistant', content: '' }))
    if (extra) send(extra)
    for (let i = 0; i < chunks; i++) send(chunk(model, { content: `w${i} ` }))
    if (ending === 'cut') {
      // once what was written has left, so the client sees those chunks and then the reset
      res.write('', () => res.socket?.destroy())
      return
    }
    if (ending === 'stall') return
    if (finish) send(chunk(model, {}, 'stop'))
    if (done) send('data: [DONE]\n\n')
    res.end()
  }

/** Headers, then nothing: no first token ever comes. */
export const stallBeforeFirstToken: Handler = (_req, res) => {
  startSse(res)
  res.write(': keep-alive\n\n')
}

/** A role-only chunk, then silence. */
export const roleThenStall: Handler = (_req, res, recorded) => {
  startSse(res)
  res.write(chunk(String((recorded.json as { model?: unknown })?.model), { role: 'assistant', content: '' }))
}

/** An `error` event before any content. */
export const errorEvent: Handler = (_req, res) => {
  startSse(res)
  res.write(
    `data: ${JSON.stringify({ error: { message: 'overloaded', type: 'server_error', code: 'overloaded' } })}\n\n`,
  )
  res.end()
}

export const rateLimited = (retryAfter?: string): Handler =>
  json(
    429,
    { error: { message: 'rate limited', type: 'rate_limit_error', code: 'rate_limit_exceeded' } },
    retryAfter ? { 'retry-after': retryAfter } : {},
  )

export const serverError: Handler = json(500, {
  error: { message: 'boom', type: 'server_error', code: null },
})

export const contextLengthExceeded: Handler = json(400, {
  error: { message: 'too long', type: 'invalid_request_error', code: 'context_length_exceeded' },
})

export const badRequest: Handler = json(400, {
  error: { message: 'bad temperature', type: 'invalid_request_error', code: 'invalid_value' },
})

/** A 401 whose body echoes the key it received, as some providers do. */
export const unauthorizedEcho: Handler = (req, res) => {
  const key = String(req.headers.authorization ?? '').replace(/^Bearer /, '')
  res.writeHead(401, { 'content-type': 'application/json' })
  res.end(
    JSON.stringify({
      error: {
        message: `Incorrect API key provided: ${key}`,
        type: 'invalid_request_error',
        code: 'invalid_api_key',
      },
    }),
  )
}

export interface Gateway {
  app: FastifyInstance
  dir: string
  baseURL: string
  client: OpenAI
  /** Registers a fake as a provider (base URL `<fake>/v1`); returns its id. */
  addProvider(
    fake: FakeUpstream,
    opts?: {
      name?: string
      models?: string[]
      apiKey?: string
      /** Provider fields beyond these (kind, endpoints, a base_url of its own…). */
      fields?: Record<string, unknown>
    },
  ): Promise<number>
  addRoute(body: Record<string, unknown>): Promise<number>
  admin(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    payload?: unknown,
  ): Promise<{ status: number; body: unknown }>
}

let providerCount = 0

/** The real app on 127.0.0.1:0 with an admin token; the openai client uses the token as its key. */
export async function startGateway(
  env: Record<string, string> = {},
  opts: { logger?: Logger; clock?: () => number } = {},
): Promise<Gateway> {
  const { app, dir } = await buildTestApp(
    { BACKEND_ADMIN_TOKEN: ADMIN_TOKEN, BACKEND_GATEWAY_MAX_ATTEMPTS: '3', ...env },
    opts,
  )
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  const baseURL = `http://127.0.0.1:${port}/v1`
  const client = new OpenAI({ apiKey: ADMIN_TOKEN, baseURL, maxRetries: 0, timeout: 10_000 })
  const admin: Gateway['admin'] = async (method, url, payload) => {
    const res = await app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      ...(payload === undefined ? {} : { payload: payload as object }),
    })
    return { status: res.statusCode, body: res.body ? res.json() : null }
  }
  return {
    app,
    dir,
    baseURL,
    client,
    admin,
    async addProvider(fake, o = {}) {
      providerCount += 1
      const res = await admin('POST', '/api/providers', {
        name: o.name ?? `fake-${providerCount}`,
        base_url: `${fake.url}/v1`,
        api_key: o.apiKey ?? `sk-fake-provider-key-${providerCount}-0123456789`,
        models: o.models ?? ['gpt-test'],
        ...o.fields,
      })
      expect(res.status).toBe(201)
      return (res.body as { id: number }).id
    },
    async addRoute(body) {
      const res = await admin('POST', '/api/model-routes', body)
      expect(res.status).toBe(201)
      return (res.body as { id: number }).id
    },
  }
}

/** A raw request to the gateway (for what the SDK hides: headers, bodies it would not send). */
export async function rawPost(
  gateway: Gateway,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${gateway.baseURL}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}`, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
  return { status: res.status, headers: res.headers, text: await res.text() }
}
