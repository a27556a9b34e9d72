/**
 * Real clients on /v1/responses: the Vercel AI SDK's default `openai('model')` (the Responses API)
 * and LangChain's ChatOpenAI with `useResponsesApi`, plain and streamed, against a fake Responses
 * upstream on 127.0.0.1.
 */
import { createOpenAI } from '@ai-sdk/openai'
import { ChatOpenAI } from '@langchain/openai'
import { generateText, streamText } from 'ai'
import { describe, expect, it } from 'vitest'
import { ADMIN_TOKEN, serverError, startGateway } from '../../../test/fake-openai.js'
import { responses } from '../../../test/fake-responses.js'
import { fakeUpstream } from '../../../test/fake-upstream.js'

async function gateway() {
  const gw = await startGateway()
  // the first provider fails: every answer below came through the gateway's failover
  const broken = await fakeUpstream(serverError)
  await gw.addProvider(broken)
  const fake = await fakeUpstream(responses({ text: 'answer through the gateway', parts: 4 }))
  await gw.addProvider(fake)
  return { gw, fake }
}

describe('the Vercel AI SDK on /v1/responses', () => {
  it('generateText with openai(model) answers through /responses', async () => {
    const { gw, fake } = await gateway()
    const openai = createOpenAI({ baseURL: gw.baseURL, apiKey: ADMIN_TOKEN })
    const result = await generateText({ model: openai('gpt-test'), prompt: 'hi', maxRetries: 0 })
    expect(result.text).toBe('answer through the gateway')
    expect(result.usage.inputTokens).toBe(5)
    expect(fake.requests[0]?.url).toBe('/v1/responses')
  })

  it('streamText with openai(model) streams the deltas', async () => {
    const { gw } = await gateway()
    const openai = createOpenAI({ baseURL: gw.baseURL, apiKey: ADMIN_TOKEN })
    const result = streamText({ model: openai('gpt-test'), prompt: 'hi', maxRetries: 0 })
    const parts: string[] = []
    for await (const text of result.textStream) parts.push(text)
    expect(parts.join('')).toBe('answer through the gateway')
    expect(parts.length).toBeGreaterThan(1)
    expect(await result.finishReason).toBe('stop')
  })
})

describe('LangChain ChatOpenAI with useResponsesApi', () => {
  const model = (baseURL: string) =>
    new ChatOpenAI({
      model: 'gpt-test',
      useResponsesApi: true,
      apiKey: ADMIN_TOKEN,
      maxRetries: 0,
      configuration: { baseURL },
    })

  it('invoke answers through /responses', async () => {
    const { gw, fake } = await gateway()
    const message = await model(gw.baseURL).invoke('hi')
    expect(message.text).toBe('answer through the gateway')
    expect(fake.requests[0]?.url).toBe('/v1/responses')
  })

  it('stream yields the deltas', async () => {
    const { gw } = await gateway()
    let text = ''
    for await (const chunk of await model(gw.baseURL).stream('hi')) text += chunk.text
    expect(text).toBe('answer through the gateway')
  })
})
