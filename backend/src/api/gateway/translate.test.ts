/**
 * Translation through the gateway (issue 14): the openai SDK's chat.completions against an
 * Anthropic-only upstream, the Anthropic SDK's messages against a Chat-only upstream, plain and
 * streamed, tools, errors in the caller's shape, dropped parameters, and failover across kinds.
 */
import Anthropic, { RateLimitError } from '@anthropic-ai/sdk'
import type OpenAI from 'openai'
import { describe, expect, it } from 'vitest'
import { anthropicError, messages } from '../../../test/fake-anthropic.js'
import { ADMIN_TOKEN, chunk, ok, rateLimited, rawPost, sse, startGateway } from '../../../test/fake-openai.js'
import { fakeUpstream, type Handler, json } from '../../../test/fake-upstream.js'

const FAST = {
  BACKEND_GATEWAY_TIMEOUT_SECONDS: '2',
  BACKEND_GATEWAY_FIRST_TOKEN_TIMEOUT_SECONDS: '2',
  BACKEND_GATEWAY_STREAM_IDLE_TIMEOUT_SECONDS: '1',
}

async function gatewayWith(kind: 'openai' | 'anthropic', handler: Handler, model = 'm') {
  const gw = await startGateway(FAST)
  const up = await fakeUpstream(handler)
  await gw.addProvider(up, { models: [model], fields: { kind } })
  const origin = gw.baseURL.replace(/\/v1$/, '')
  const anthropic = new Anthropic({ apiKey: ADMIN_TOKEN, baseURL: origin, maxRetries: 0, timeout: 10_000 })
  return { gw, up, anthropic, openai: gw.client as OpenAI }
}

/** An Anthropic stream with a text block and two parallel tool_use blocks, arguments in fragments. */
const anthropicTools: Handler = (_req, res) => {
  res.writeHead(200, { 'content-type': 'text/event-stream' })
  const ev = (type: string, data: Record<string, unknown>) =>
    res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`)
  ev('message_start', {
    message: {
      id: 'msg_t',
      type: 'message',
      role: 'assistant',
      model: 'm',
      content: [],
      stop_reason: null,
      usage: { input_tokens: 10, cache_read_input_tokens: 5, output_tokens: 1 },
    },
  })
  ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } })
  ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Checking.' } })
  ev('content_block_stop', { index: 0 })
  for (const [i, city] of [
    [1, 'Paris'],
    [2, 'Oslo'],
  ] as const) {
    ev('content_block_start', {
      index: i,
      content_block: { type: 'tool_use', id: `toolu_${i}`, name: 'weather', input: {} },
    })
    ev('content_block_delta', { index: i, delta: { type: 'input_json_delta', partial_json: '' } })
    ev('content_block_delta', { index: i, delta: { type: 'input_json_delta', partial_json: '{"city":' } })
    ev('content_block_delta', { index: i, delta: { type: 'input_json_delta', partial_json: `"${city}"}` } })
    ev('content_block_stop', { index: i })
  }
  ev('message_delta', {
    delta: { stop_reason: 'tool_use', stop_sequence: null },
    usage: { output_tokens: 30 },
  })
  ev('message_stop', {})
  res.end()
}

describe('chat.completions on an Anthropic-only provider', () => {
  it('answers a plain request translated, usage counted with the cached tokens', async () => {
    const { gw, up } = await gatewayWith('anthropic', messages({ text: 'bonjour' }))
    const res = await rawPost(gw, '/chat/completions', {
      model: 'm',
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'hi' },
      ],
      max_completion_tokens: 100,
      temperature: 0.2,
      stop: 'END',
      seed: 7,
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('x-switchboard-translated')).toBe('chat->messages')
    expect(res.headers.get('x-switchboard-dropped-params')).toBe('seed')
    const body = JSON.parse(res.text)
    expect(body.object).toBe('chat.completion')
    expect(body.choices[0]).toMatchObject({
      message: { role: 'assistant', content: 'bonjour' },
      finish_reason: 'stop',
    })
    expect(body.usage).toMatchObject({ prompt_tokens: 7, completion_tokens: 4, total_tokens: 11 })
    expect(up.requests[0]?.url).toBe('/v1/messages')
    expect(up.requests[0]?.headers['x-api-key']).toMatch(/^sk-fake/)
    expect(up.requests[0]?.json).toEqual({
      model: 'm',
      max_tokens: 100,
      system: 'be brief',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      temperature: 0.2,
      stop_sequences: ['END'],
    })
  })

  it('streams text and parallel tool calls through the openai SDK, argument fragments as they come', async () => {
    const { openai, up } = await gatewayWith('anthropic', anthropicTools)
    const stream = await openai.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'weather in Paris and Oslo?' }],
      tools: [
        {
          type: 'function',
          function: {
            name: 'weather',
            parameters: { type: 'object', properties: { city: { type: 'string' } } },
          },
        },
      ],
      tool_choice: 'required',
      stream: true,
      stream_options: { include_usage: true },
    })
    const fragments: string[] = []
    let text = ''
    let finish: string | null = null
    let usage: OpenAI.CompletionUsage | undefined
    const calls: Record<number, { id?: string; name?: string; args: string }> = {}
    for await (const part of stream) {
      if (part.usage) usage = part.usage
      const choice = part.choices[0]
      if (!choice) continue
      text += choice.delta.content ?? ''
      for (const call of choice.delta.tool_calls ?? []) {
        const slot = calls[call.index] ?? { args: '' }
        calls[call.index] = slot
        if (call.id) slot.id = call.id
        if (call.function?.name) slot.name = call.function.name
        if (call.function?.arguments) {
          slot.args += call.function.arguments
          fragments.push(call.function.arguments)
        }
      }
      finish = choice.finish_reason ?? finish
    }
    expect(text).toBe('Checking.')
    expect(calls).toEqual({
      0: { id: 'toolu_1', name: 'weather', args: '{"city":"Paris"}' },
      1: { id: 'toolu_2', name: 'weather', args: '{"city":"Oslo"}' },
    })
    expect(fragments).toEqual(['{"city":', '"Paris"}', '{"city":', '"Oslo"}'])
    expect(finish).toBe('tool_calls')
    expect(usage).toMatchObject({
      prompt_tokens: 15,
      completion_tokens: 30,
      prompt_tokens_details: { cached_tokens: 5 },
    })
    expect(up.requests[0]?.json).toMatchObject({
      stream: true,
      tools: [{ name: 'weather', input_schema: { type: 'object' } }],
      tool_choice: { type: 'any' },
    })
  })

  it('a 429 stays a 429 with Retry-After, in OpenAI’s shape', async () => {
    const { gw } = await gatewayWith(
      'anthropic',
      json(429, anthropicError('rate_limit_error', 'slow down'), { 'retry-after': '7' }),
    )
    const res = await rawPost(gw, '/chat/completions', {
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
    })
    expect(res.status).toBe(429)
    expect(res.headers.get('retry-after')).toBe('7')
    expect(JSON.parse(res.text)).toEqual({
      error: { message: 'slow down', type: 'rate_limit_error', code: 'rate_limit_error', param: null },
    })
  })

  it('a route that does not drop parameters answers 400 naming the parameter', async () => {
    const { gw, up } = await gatewayWith('anthropic', messages())
    const providers = (await gw.admin('GET', '/api/providers')).body as { id: number }[]
    await gw.addRoute({
      name: 'strict',
      mode: 'specific',
      config: { drop_unsupported_params: false, model: 'm' },
      nodes: [{ api_id: providers[0]!.id, models: ['m'], priority: 1 }],
    })
    const res = await rawPost(gw, '/chat/completions', {
      model: 'strict',
      messages: [{ role: 'user', content: 'hi' }],
      logit_bias: { '1': 2 },
    })
    expect(res.status).toBe(400)
    expect(JSON.parse(res.text).error).toMatchObject({ code: 'unsupported_parameter' })
    expect(JSON.parse(res.text).error.message).toContain('logit_bias')
    expect(up.requests).toHaveLength(0)
  })
})

describe('messages on a Chat-only provider', () => {
  it('messages.create through the Anthropic SDK, tool use and usage translated', async () => {
    const toolAnswer = json(200, {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1,
      model: 'm',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: 'call_1',
                type: 'function',
                function: { name: 'weather', arguments: '{"city":"Paris"}' },
              },
            ],
          },
          finish_reason: 'tool_calls',
        },
      ],
      usage: {
        prompt_tokens: 20,
        completion_tokens: 5,
        total_tokens: 25,
        prompt_tokens_details: { cached_tokens: 8 },
      },
    })
    const { anthropic, up } = await gatewayWith('openai', toolAnswer)
    const message = await anthropic.messages.create({
      model: 'm',
      max_tokens: 64,
      system: 'you are terse',
      messages: [{ role: 'user', content: 'weather?' }],
      tools: [
        { name: 'weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } },
      ],
      tool_choice: { type: 'auto', disable_parallel_tool_use: true },
    })
    expect(message.stop_reason).toBe('tool_use')
    expect(message.content).toEqual([
      { type: 'tool_use', id: 'call_1', name: 'weather', input: { city: 'Paris' } },
    ])
    expect(message.usage).toMatchObject({ input_tokens: 12, cache_read_input_tokens: 8, output_tokens: 5 })
    expect(up.requests[0]?.url).toBe('/v1/chat/completions')
    expect(up.requests[0]?.json).toEqual({
      model: 'm',
      messages: [
        { role: 'system', content: 'you are terse' },
        { role: 'user', content: [{ type: 'text', text: 'weather?' }] },
      ],
      max_tokens: 64,
      tools: [
        {
          type: 'function',
          function: {
            name: 'weather',
            parameters: { type: 'object', properties: { city: { type: 'string' } } },
          },
        },
      ],
      tool_choice: 'auto',
      parallel_tool_calls: false,
    })
  })

  it('messages.stream streams the text and ends with the final message', async () => {
    const { anthropic } = await gatewayWith('openai', sse({ chunks: 3 }))
    const stream = anthropic.messages.stream({
      model: 'm',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'hi' }],
    })
    const deltas: string[] = []
    stream.on('text', (text) => deltas.push(text))
    const final = await stream.finalMessage()
    expect(deltas.join('')).toBe('w0 w1 w2 ')
    expect(final.stop_reason).toBe('end_turn')
    expect(final.content).toEqual([{ type: 'text', text: 'w0 w1 w2 ' }])
  })

  it('a 429 is the Anthropic SDK’s RateLimitError, Retry-After kept', async () => {
    const { anthropic } = await gatewayWith('openai', rateLimited('3'))
    const error = await anthropic.messages
      .create({ model: 'm', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] })
      .catch((e) => e)
    expect(error).toBeInstanceOf(RateLimitError)
    expect(error.headers.get('retry-after')).toBe('3')
    expect(error.error).toEqual({
      type: 'error',
      error: { type: 'rate_limit_error', message: 'rate limited' },
    })
  })
})

describe('planning across kinds', () => {
  it('fails over from an Anthropic provider to a Chat provider, each attempt in its own format', async () => {
    const gw = await startGateway(FAST)
    const a = await fakeUpstream(json(500, anthropicError('api_error', 'boom')))
    const b = await fakeUpstream(ok('from chat'))
    const idA = await gw.addProvider(a, { models: ['m'], fields: { kind: 'anthropic' } })
    const idB = await gw.addProvider(b, { models: ['m'], fields: { kind: 'openai' } })
    await gw.addRoute({
      name: 'mixed',
      mode: 'specific',
      config: { model: 'm' },
      nodes: [
        { api_id: idA, models: ['m'], priority: 1 },
        { api_id: idB, models: ['m'], priority: 2 },
      ],
    })
    const res = await rawPost(gw, '/messages', {
      model: 'mixed',
      max_tokens: 8,
      messages: [{ role: 'user', content: 'hi' }],
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('x-switchboard-attempts')).toBe('2')
    expect(res.headers.get('x-switchboard-translated')).toBe('messages->chat')
    expect(JSON.parse(res.text).content).toEqual([{ type: 'text', text: 'from chat' }])
    expect(a.requests[0]?.url).toBe('/v1/messages')
    expect(b.requests[0]?.url).toBe('/v1/chat/completions')
  })

  it('a provider that speaks the client’s format is used natively', async () => {
    const { gw } = await gatewayWith('openai', ok('native'))
    const res = await rawPost(gw, '/chat/completions', {
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('x-switchboard-translated')).toBeNull()
  })

  it('a chat stream cut before its finish ends with an error event in the client’s format', async () => {
    const { gw } = await gatewayWith('openai', sse({ chunks: 2, ending: 'cut' }))
    const res = await rawPost(gw, '/messages', {
      model: 'm',
      max_tokens: 8,
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    })
    expect(res.status).toBe(200)
    expect(res.text).toContain('event: error')
    expect(res.text).not.toContain('message_stop')
    void chunk
  })
})
