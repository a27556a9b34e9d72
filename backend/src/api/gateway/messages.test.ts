/**
 * /v1/messages and /v1/messages/count_tokens through the official `@anthropic-ai/sdk` and the
 * Vercel AI SDK's `@ai-sdk/anthropic`, against a fake Anthropic upstream: plain and streamed
 * answers, the Messages stream's failover rules, Anthropic-shaped errors, `x-api-key` client keys.
 */
import { createAnthropic } from '@ai-sdk/anthropic'
import Anthropic, { APIError } from '@anthropic-ai/sdk'
import { generateText, streamText } from 'ai'
import { describe, expect, it } from 'vitest'
import { messages, overloaded } from '../../../test/fake-anthropic.js'
import { ADMIN_TOKEN, rawPost, startGateway } from '../../../test/fake-openai.js'
import { fakeUpstream, type Handler } from '../../../test/fake-upstream.js'

const FAST = {
  BACKEND_GATEWAY_TIMEOUT_SECONDS: '2',
  BACKEND_GATEWAY_FIRST_TOKEN_TIMEOUT_SECONDS: '2',
  BACKEND_GATEWAY_STREAM_IDLE_TIMEOUT_SECONDS: '0.3',
}
const MODEL = 'claude-test'

async function twoProviders(first: Handler, second: Handler = messages()) {
  const gw = await startGateway(FAST)
  const a = await fakeUpstream(first)
  await gw.addProvider(a, { models: [MODEL], fields: { kind: 'anthropic' } })
  const b = await fakeUpstream(second)
  await gw.addProvider(b, { models: [MODEL], fields: { kind: 'anthropic' } })
  const origin = gw.baseURL.replace(/\/v1$/, '')
  const client = new Anthropic({ apiKey: ADMIN_TOKEN, baseURL: origin, maxRetries: 0, timeout: 10_000 })
  return { gw, a, b, client }
}

function typesOf(text: string): string[] {
  return text
    .split('\n\n')
    .flatMap((block) => block.split('\n').filter((l) => l.startsWith('data: ')))
    .map((line) => JSON.parse(line.slice(6)).type as string)
}

const streamed = { model: MODEL, max_tokens: 64, messages: [{ role: 'user', content: 'hi' }], stream: true }

describe('/v1/messages with the Anthropic SDK', () => {
  it('messages.create answers, with the client key sent as x-api-key', async () => {
    const { client, a } = await twoProviders(messages({ text: 'plain claude' }))
    const message = await client.messages.create({
      model: MODEL,
      max_tokens: 64,
      messages: [{ role: 'user', content: 'hi' }],
    })
    expect(message.content[0]).toEqual({ type: 'text', text: 'plain claude' })
    expect(a.requests[0]?.url).toBe('/v1/messages')
    // the provider's own key goes as Anthropic expects it, never the client's key
    const sent = a.requests[0]?.headers ?? {}
    expect(sent['x-api-key']).toMatch(/^sk-fake-provider-key-/)
    expect(sent.authorization).toBeUndefined()
    expect(sent['anthropic-version']).toBeTruthy()
  })

  it('messages.stream streams the text and the final message', async () => {
    const { client } = await twoProviders(messages({ text: 'streamed claude', parts: 3 }))
    const stream = client.messages.stream({
      model: MODEL,
      max_tokens: 64,
      messages: [{ role: 'user', content: 'hi' }],
    })
    const deltas: string[] = []
    stream.on('text', (text) => deltas.push(text))
    const final = await stream.finalMessage()
    expect(deltas.join('')).toBe('streamed claude')
    expect(final.stop_reason).toBe('end_turn')
  })

  it('messages.countTokens answers', async () => {
    const { client, a } = await twoProviders(messages())
    const count = await client.messages.countTokens({
      model: MODEL,
      messages: [{ role: 'user', content: 'hi' }],
    })
    expect(count.input_tokens).toBe(42)
    expect(a.requests[0]?.url).toBe('/v1/messages/count_tokens')
  })

  it('gateway errors are Anthropic-shaped, so the SDK raises its typed errors', async () => {
    const { client, gw } = await twoProviders(messages())
    const notFound = await client.messages
      .create({ model: 'nobody-offers', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] })
      .catch((e) => e)
    expect(notFound).toBeInstanceOf(Anthropic.NotFoundError)
    expect((notFound as APIError).error).toMatchObject({ type: 'error', error: { type: 'not_found_error' } })
    const origin = gw.baseURL.replace(/\/v1$/, '')
    const wrongKey = new Anthropic({ apiKey: 'sb-not-a-key', baseURL: origin, maxRetries: 0 })
    const unauthorized = await wrongKey.messages
      .create({ model: MODEL, max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] })
      .catch((e) => e)
    expect(unauthorized).toBeInstanceOf(Anthropic.AuthenticationError)
  })

  it('fails over a 529 and passes the last one on as an overloaded error', async () => {
    const { client, b } = await twoProviders(overloaded)
    const message = await client.messages.create({
      model: MODEL,
      max_tokens: 8,
      messages: [{ role: 'user', content: 'hi' }],
    })
    expect(message.content[0]).toMatchObject({ type: 'text' })
    expect(b.requests).toHaveLength(1)
    b.setHandler(overloaded)
    const error = await client.messages
      .create({ model: MODEL, max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] })
      .catch((e) => e)
    expect(error).toBeInstanceOf(APIError)
    expect((error as APIError).status).toBe(529)
  })
})

describe('Messages streams fail over until the first content_block_delta, and never after', () => {
  it('holds message_start and ping: an overloaded_error event or a cut after them fails over', async () => {
    for (const before of ['overloaded', 'cut'] as const) {
      const { gw, b } = await twoProviders(messages({ before }))
      const res = await rawPost(gw, '/messages', streamed)
      const types = typesOf(res.text)
      expect(types.filter((t) => t === 'message_start')).toHaveLength(1)
      expect(types.at(-1)).toBe('message_stop')
      expect(b.requests).toHaveLength(1)
    }
  })

  it('ends a stream cut after the first delta with an Anthropic error event, and does not retry', async () => {
    const { gw, b } = await twoProviders(messages({ ending: 'cut' }))
    const res = await rawPost(gw, '/messages', streamed)
    expect(res.status).toBe(200)
    const types = typesOf(res.text)
    expect(types).toContain('content_block_delta')
    expect(types).not.toContain('message_stop')
    expect(res.text).toMatch(/event: error\ndata: \{"type":"error","error":\{"type":"api_error","message":/)
    expect(b.requests).toHaveLength(0)
  })

  it('treats a clean close without message_stop as truncated', async () => {
    const { gw } = await twoProviders(messages({ ending: 'close' }))
    const res = await rawPost(gw, '/messages', streamed)
    expect(typesOf(res.text).at(-1)).toBe('error')
    expect(res.text).not.toContain('[DONE]')
  })

  it('the SDK raises the error event after the commit as an error', async () => {
    const { client } = await twoProviders(messages({ ending: 'cut' }))
    const stream = client.messages.stream({
      model: MODEL,
      max_tokens: 8,
      messages: [{ role: 'user', content: 'hi' }],
    })
    await expect(stream.finalMessage()).rejects.toThrow()
  })
})

describe('client keys on /v1', () => {
  it('accepts x-api-key on /v1/messages and api-key anywhere under /v1', async () => {
    const { gw } = await twoProviders(messages())
    const body = { model: MODEL, max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] }
    const headers = { authorization: '' }
    expect((await rawPost(gw, '/messages', body, { ...headers, 'x-api-key': ADMIN_TOKEN })).status).toBe(200)
    expect((await rawPost(gw, '/messages', body, { ...headers, 'api-key': ADMIN_TOKEN })).status).toBe(200)
    const models = await fetch(`${gw.baseURL}/models`, { headers: { 'api-key': ADMIN_TOKEN } })
    expect(models.status).toBe(200)
    const xOnChat = await fetch(`${gw.baseURL}/models`, { headers: { 'x-api-key': ADMIN_TOKEN } })
    expect(xOnChat.status).toBe(401)
  })
})

describe('the Vercel AI SDK with @ai-sdk/anthropic', () => {
  it('generateText and streamText go through /v1/messages', async () => {
    const { gw, a } = await twoProviders(messages({ text: 'vercel via claude' }))
    const anthropic = createAnthropic({ baseURL: gw.baseURL, apiKey: ADMIN_TOKEN })
    const result = await generateText({ model: anthropic(MODEL), prompt: 'hi', maxRetries: 0 })
    expect(result.text).toBe('vercel via claude')
    expect(a.requests[0]?.url).toBe('/v1/messages')
    const streamedResult = streamText({ model: anthropic(MODEL), prompt: 'hi', maxRetries: 0 })
    let text = ''
    for await (const part of streamedResult.textStream) text += part
    expect(text).toBe('vercel via claude')
  })
})
