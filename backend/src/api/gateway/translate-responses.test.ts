/**
 * /v1/responses answered by providers that do not speak Responses (issue 14 items 3 and 6): the
 * openai SDK's responses API and the Vercel AI SDK's default `openai('m')` with streamText and a
 * tool loop against a Chat-only upstream, the store (previous_response_id, retrieve, input_items,
 * delete; store: false keeps nothing), and a Messages-only upstream through the same path.
 */
import { createOpenAI } from '@ai-sdk/openai'
import { stepCountIs, streamText, tool } from 'ai'
import type OpenAI from 'openai'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { messages } from '../../../test/fake-anthropic.js'
import { chatToolLoop } from '../../../test/fake-chat-tools.js'
import { ADMIN_TOKEN, ok, rawPost, sse, startGateway } from '../../../test/fake-openai.js'
import { fakeUpstream, type Handler } from '../../../test/fake-upstream.js'

async function chatOnly(handler: Handler) {
  const gw = await startGateway()
  const up = await fakeUpstream(handler)
  await gw.addProvider(up, { models: ['m'], fields: { kind: 'openai', endpoints: ['chat'] } })
  return { gw, up, client: gw.client as OpenAI }
}

describe('responses on a Chat-only provider', () => {
  it('answers, keeps the conversation (store: true) for previous_response_id, retrieve, input_items and delete', async () => {
    const { client, up, gw } = await chatOnly(ok('first answer'))
    const first = await client.responses.create({ model: 'm', instructions: 'be brief', input: 'hello' })
    expect(first.output_text).toBe('first answer')
    expect(first.id).toMatch(/^resp_/)
    expect(first.usage).toMatchObject({ input_tokens: 3, output_tokens: 2 })
    expect(up.requests[0]?.url).toBe('/v1/chat/completions')
    expect(up.requests[0]?.json).toEqual({
      model: 'm',
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: [{ type: 'text', text: 'hello' }] },
      ],
    })
    const second = await client.responses.create({
      model: 'm',
      input: 'and again?',
      previous_response_id: first.id,
    })
    expect(second.previous_response_id).toBe(first.id)
    expect(up.requests[1]?.json).toMatchObject({
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'hello' }] },
        { role: 'assistant', content: 'first answer' },
        { role: 'user', content: [{ type: 'text', text: 'and again?' }] },
      ],
    })
    const retrieved = await client.responses.retrieve(first.id)
    expect(retrieved.output_text).toBe('first answer')
    const items = await client.responses.inputItems.list(second.id)
    expect(items.data).toHaveLength(1)
    expect(items.data[0]).toMatchObject({ type: 'message', role: 'user' })
    expect(await client.responses.delete(first.id)).toMatchObject({ id: first.id, deleted: true })
    const after = await fetch(`${gw.baseURL}/responses/${first.id}`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    })
    expect(after.status).toBe(404)
  })

  it('store: false keeps nothing', async () => {
    const { client, gw } = await chatOnly(ok('not kept'))
    const answer = await client.responses.create({ model: 'm', input: 'hi', store: false })
    expect((answer as unknown as { store: boolean }).store).toBe(false)
    const res = await fetch(`${gw.baseURL}/responses/${answer.id}`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    })
    expect(res.status).toBe(404)
    const follow = await rawPost(gw, '/responses', {
      model: 'm',
      input: 'more',
      previous_response_id: answer.id,
    })
    expect(follow.status).toBe(404)
  })

  it('responses.stream streams typed events and the final response', async () => {
    const { client, gw } = await chatOnly(sse({ chunks: 3 }))
    const stream = client.responses.stream({ model: 'm', input: 'hi' })
    const deltas: string[] = []
    stream.on('response.output_text.delta', (e) => deltas.push(e.delta))
    const final = await stream.finalResponse()
    expect(deltas.join('')).toBe('w0 w1 w2 ')
    expect(final.output_text).toBe('w0 w1 w2 ')
    expect(final.status).toBe('completed')
    const kept = await client.responses.retrieve(final.id)
    expect(kept.output_text).toBe('w0 w1 w2 ')
    void gw
  })
})

describe('the Vercel AI SDK default openai(m) on a Chat-only provider', () => {
  it('streamText with a tool runs the loop: tool call streamed, result sent back, text answer', async () => {
    const { gw, up } = await chatOnly(chatToolLoop)
    const openai = createOpenAI({ baseURL: gw.baseURL, apiKey: ADMIN_TOKEN })
    const calls: unknown[] = []
    const result = streamText({
      model: openai('m'),
      prompt: 'weather in Paris?',
      maxRetries: 0,
      stopWhen: stepCountIs(3),
      tools: {
        weather: tool({
          description: 'the weather of a city',
          inputSchema: z.object({ city: z.string() }),
          execute: async ({ city }) => {
            calls.push(city)
            return { city, sky: 'sunny' }
          },
        }),
      },
    })
    const parts: string[] = []
    for await (const text of result.textStream) parts.push(text)
    expect(calls).toEqual(['Paris'])
    expect(parts.join('')).toBe('The tool said: {"city":"Paris","sky":"sunny"}')
    expect(up.requests).toHaveLength(2)
    const second = up.requests[1]?.json as { messages: { role: string }[]; tools: unknown[] }
    expect(second.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool'])
    expect(second.tools).toHaveLength(1)
    expect(up.requests.every((r) => r.url === '/v1/chat/completions')).toBe(true)
  })
})

describe('responses on a Messages-only provider', () => {
  it('answers through Responses -> Chat -> Messages, plain and streamed', async () => {
    const gw = await startGateway()
    const up = await fakeUpstream(messages({ text: 'from claude', parts: 2 }))
    await gw.addProvider(up, { models: ['m'], fields: { kind: 'anthropic' } })
    const client = gw.client as OpenAI
    const plain = await client.responses.create({ model: 'm', input: 'hi', max_output_tokens: 50 })
    expect(plain.output_text).toBe('from claude')
    expect(up.requests[0]?.url).toBe('/v1/messages')
    expect(up.requests[0]?.json).toMatchObject({ max_tokens: 50 })
    const stream = client.responses.stream({ model: 'm', input: 'hi' })
    const final = await stream.finalResponse()
    expect(final.output_text).toBe('from claude')
    expect(final.usage).toMatchObject({ input_tokens: 7, output_tokens: 4 })
    const res = await rawPost(gw, '/responses', { model: 'm', input: 'hi' })
    expect(res.headers.get('x-switchboard-translated')).toBe('responses->messages')
  })
})
