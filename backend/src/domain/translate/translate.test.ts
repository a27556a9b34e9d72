/**
 * The mappers of domain/translate/, table-driven, on the documented payloads in fixtures/ (see its
 * README for where each came from).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { AppError } from '../../core/errors.js'
import { chatToMessagesRequest, MessagesToChatStream, messagesToChatResponse } from './chat-to-messages.js'
import { errorBody, translateErrorBody } from './errors.js'
import { translation } from './index.js'
import {
  ChatToMessagesStream,
  chatToMessagesResponse,
  effortOfBudget,
  messagesToChatRequest,
} from './messages-to-chat.js'
import { ChatToResponsesStream, responsesToChatRequest } from './responses-to-chat.js'
import type { Json, StreamEvent, StreamTranslator } from './types.js'

const dir = join(import.meta.dirname, 'fixtures')
const fixture = (name: string) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as Json
/** The data of each event of an SSE fixture (`[DONE]` left out). */
function events(name: string): Json[] {
  return readFileSync(join(dir, name), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('data: ') && l !== 'data: [DONE]')
    .map((l) => JSON.parse(l.slice(6)) as Json)
}
function run(translator: StreamTranslator, input: Json[]): StreamEvent[] {
  return [...input.flatMap((e) => translator.push(e)), ...translator.end()]
}

describe('chat → messages requests', () => {
  it('maps the documented vision + tools request', () => {
    const { body, dropped } = chatToMessagesRequest(fixture('openai-chat-vision-tools-request.json'))
    expect(dropped).toEqual([])
    expect(body).toEqual({
      model: 'gpt-4.1',
      max_tokens: 300,
      system: 'You are a helpful assistant.',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: "What's in this image, and what is the weather in Boston today?" },
            {
              type: 'image',
              source: {
                type: 'url',
                url: 'https://upload.wikimedia.org/wikipedia/commons/thumb/d/dd/Gfp-wisconsin-madison-the-nature-boardwalk.jpg/2560px-Gfp-wisconsin-madison-the-nature-boardwalk.jpg',
              },
            },
            { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/4AAQSkZJRg==' } },
          ],
        },
      ],
      temperature: 0.5,
      tools: [
        {
          name: 'get_current_weather',
          description: 'Get the current weather in a given location',
          input_schema: (
            (fixture('openai-chat-vision-tools-request.json').tools as Json[])[0]!.function as Json
          ).parameters,
        },
      ],
      tool_choice: { type: 'auto' },
    })
  })

  it.each([
    [{ tool_choice: 'none' }, { tool_choice: { type: 'none' } }],
    [{ tool_choice: 'required' }, { tool_choice: { type: 'any' } }],
    [
      { tool_choice: { type: 'function', function: { name: 'f' } } },
      { tool_choice: { type: 'tool', name: 'f' } },
    ],
    [{ parallel_tool_calls: false }, { tool_choice: { type: 'auto', disable_parallel_tool_use: true } }],
    [{ max_tokens: 50 }, { max_tokens: 50 }],
    [{}, { max_tokens: 4096 }],
    [{ stop: ['a', 'b'] }, { stop_sequences: ['a', 'b'] }],
    [{ top_p: 0.9 }, { top_p: 0.9 }],
    [{ user: 'u-1' }, { metadata: { user_id: 'u-1' } }],
    [
      { reasoning_effort: 'medium', max_tokens: 1000 },
      { max_tokens: 9192, thinking: { type: 'enabled', budget_tokens: 8192 } },
    ],
    [
      { reasoning_effort: 'high', max_tokens: 30000 },
      { max_tokens: 30000, thinking: { type: 'enabled', budget_tokens: 24576 } },
    ],
  ])('maps %j', (extra, expected) => {
    const { body } = chatToMessagesRequest({
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
      ...extra,
    })
    expect(body).toMatchObject(expected)
  })

  it('turns tool calls and their (parallel) results into tool_use and one user turn of tool_result', () => {
    const { body } = chatToMessagesRequest({
      model: 'm',
      messages: [
        { role: 'user', content: 'weather?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'c1', type: 'function', function: { name: 'w', arguments: '{"city":"Paris"}' } },
            { id: 'c2', type: 'function', function: { name: 'w', arguments: '{"city":"Oslo"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'c1', content: 'sunny' },
        { role: 'tool', tool_call_id: 'c2', content: [{ type: 'text', text: 'rain' }] },
      ],
    })
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'weather?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'c1', name: 'w', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'c2', name: 'w', input: { city: 'Oslo' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'c1', content: 'sunny' },
          { type: 'tool_result', tool_use_id: 'c2', content: [{ type: 'text', text: 'rain' }] },
        ],
      },
    ])
  })

  it('names what it drops, and not the defaults that change nothing', () => {
    const { dropped } = chatToMessagesRequest({
      model: 'm',
      messages: [],
      seed: 1,
      logit_bias: {},
      n: 3,
      presence_penalty: 0,
      response_format: { type: 'json_object' },
      logprobs: false,
    })
    expect(dropped.sort()).toEqual(['logit_bias', 'n', 'response_format', 'seed'])
  })

  it.each([
    [
      { role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'x', format: 'wav' } }] },
      'messages[0].content[0].type',
    ],
    [{ role: 'function', content: 'x' }, 'messages[0].role'],
    [
      { role: 'user', content: [{ type: 'file', file: { file_id: 'file-1' } }] },
      'messages[0].content[0].file',
    ],
  ])('refuses content with no equivalent (%j) naming %s', (message, field) => {
    const call = () => chatToMessagesRequest({ model: 'm', messages: [message] })
    expect(call).toThrow(AppError)
    expect(call).toThrow(field)
  })
})

describe('messages → chat requests', () => {
  it('maps the documented tool_result request', () => {
    const { body, dropped } = messagesToChatRequest(fixture('anthropic-tool-result-request.json'))
    expect(dropped).toEqual([])
    expect(body).toEqual({
      model: 'claude-opus-4-1-20250805',
      messages: [
        { role: 'system', content: 'You are a helpful weather assistant.' },
        {
          role: 'user',
          content: [
            { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AAQSkZJRg==' } },
            { type: 'text', text: "What's the weather like where this photo was taken, San Francisco?" },
          ],
        },
        {
          role: 'assistant',
          content: "I'll check the current weather in San Francisco for you.",
          tool_calls: [
            {
              id: 'toolu_01A09q90qw90lq917835lq9',
              type: 'function',
              function: {
                name: 'get_weather',
                arguments: '{"location":"San Francisco, CA","unit":"celsius"}',
              },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'toolu_01A09q90qw90lq917835lq9', content: '15 degrees' },
      ],
      max_tokens: 1024,
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Get the current weather in a given location',
            parameters: (fixture('anthropic-tool-result-request.json').tools as Json[])[0]!.input_schema,
          },
        },
      ],
    })
  })

  it.each([
    [{ tool_choice: { type: 'any' } }, { tool_choice: 'required' }],
    [
      { tool_choice: { type: 'tool', name: 'f' } },
      { tool_choice: { type: 'function', function: { name: 'f' } } },
    ],
    [
      { tool_choice: { type: 'auto', disable_parallel_tool_use: true } },
      { tool_choice: 'auto', parallel_tool_calls: false },
    ],
    [{ stop_sequences: ['x'] }, { stop: ['x'] }],
    [{ thinking: { type: 'enabled', budget_tokens: 2048 } }, { reasoning_effort: 'low' }],
    [{ thinking: { type: 'enabled', budget_tokens: 10000 } }, { reasoning_effort: 'medium' }],
    [{ metadata: { user_id: 'u' } }, { user: 'u' }],
    [{ stream: true }, { stream: true, stream_options: { include_usage: true } }],
    [
      { temperature: 0.3, top_p: 0.8 },
      { temperature: 0.3, top_p: 0.8 },
    ],
  ])('maps %j', (extra, expected) => {
    const { body } = messagesToChatRequest({
      model: 'm',
      max_tokens: 8,
      messages: [{ role: 'user', content: 'hi' }],
      ...extra,
    })
    expect(body).toMatchObject(expected)
  })

  it('names top_k, cache_control and server tools as dropped', () => {
    const { dropped } = messagesToChatRequest({
      model: 'm',
      max_tokens: 8,
      top_k: 5,
      tools: [{ type: 'web_search_20250305', name: 'web_search' }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'hi', cache_control: { type: 'ephemeral' } }] },
      ],
    })
    expect(dropped.sort()).toEqual(['cache_control', 'tools.web_search_20250305', 'top_k'])
  })

  it.each([20, 1024, 4095, 4096, 16383, 16384, 32000])('a thinking budget of %i is an effort', (budget) => {
    expect(['low', 'medium', 'high']).toContain(effortOfBudget(budget))
  })
})

describe('answers', () => {
  it('an Anthropic tool_use answer as a chat completion (usage with the cached tokens inside)', () => {
    const chat = messagesToChatResponse(fixture('anthropic-tool-use-response.json'), 1700000000)
    expect(chat).toEqual({
      id: 'chatcmpl-msg_01Aq9w938a90dw8q',
      object: 'chat.completion',
      created: 1700000000,
      model: 'claude-opus-4-1-20250805',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: "I'll check the current weather in San Francisco for you.",
            tool_calls: [
              {
                id: 'toolu_01A09q90qw90lq917835lq9',
                type: 'function',
                function: {
                  name: 'get_weather',
                  arguments: '{"location":"San Francisco, CA","unit":"celsius"}',
                },
              },
            ],
          },
          logprobs: null,
          finish_reason: 'tool_calls',
        },
      ],
      usage: {
        prompt_tokens: 500,
        completion_tokens: 71,
        total_tokens: 571,
        prompt_tokens_details: { cached_tokens: 120 },
      },
    })
  })

  it('a chat answer with parallel tool calls as an Anthropic message', () => {
    const message = chatToMessagesResponse(fixture('openai-chat-tool-calls-response.json'))
    expect(message).toEqual({
      id: 'msg_chatcmpl-abc123',
      type: 'message',
      role: 'assistant',
      model: 'gpt-4o-mini',
      content: [
        {
          type: 'tool_use',
          id: 'call_abc123',
          name: 'get_current_weather',
          input: { location: 'Boston, MA' },
        },
        {
          type: 'tool_use',
          id: 'call_def456',
          name: 'get_current_weather',
          input: { location: 'Paris, France' },
        },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: {
        input_tokens: 82,
        output_tokens: 17,
        cache_read_input_tokens: 0,
        cache_creation_input_tokens: 0,
      },
    })
  })

  it.each([
    ['stop', 'end_turn'],
    ['length', 'max_tokens'],
    ['tool_calls', 'tool_use'],
    ['content_filter', 'refusal'],
  ])('finish_reason %s is stop_reason %s (and back)', (finish, stop) => {
    const message = chatToMessagesResponse({
      choices: [{ message: { content: 'x' }, finish_reason: finish }],
    })
    expect(message.stop_reason).toBe(stop)
    const chat = messagesToChatResponse({ content: [], stop_reason: stop }, 0)
    expect((chat.choices as Json[])[0]!.finish_reason).toBe(finish)
  })
})

describe('streams', () => {
  it('the documented Anthropic tool-use stream as chat chunks, argument fragments one for one', () => {
    const out = run(new MessagesToChatStream(1, true), events('anthropic-stream-tool-use.sse')).map(
      (e) => e.data,
    )
    const deltas = out.flatMap((c) => (c.choices as Json[]).map((ch) => ch.delta as Json))
    expect(deltas.map((d) => d.content ?? '').join('')).toBe(
      "Okay, let's check the weather for San Francisco, CA:",
    )
    const fragments = deltas.flatMap((d) =>
      ((d.tool_calls as Json[] | undefined) ?? []).map((t) => (t.function as Json).arguments),
    )
    expect(fragments).toEqual([
      '',
      '{"location":',
      ' "San',
      ' Francisc',
      'o,',
      ' CA"',
      ', ',
      '"unit": "fah',
      'renheit"}',
    ])
    const first = deltas.find((d) => d.tool_calls) as Json
    expect((first.tool_calls as Json[])[0]).toMatchObject({
      index: 0,
      id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6',
      function: { name: 'get_weather' },
    })
    const finishes = out.flatMap((c) => (c.choices as Json[]).map((ch) => ch.finish_reason)).filter(Boolean)
    expect(finishes).toEqual(['tool_calls'])
    expect(out.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 472, completion_tokens: 89 } })
  })

  it('the documented chat tool-call stream as Anthropic events', () => {
    const out = run(new ChatToMessagesStream(), events('openai-chat-stream-tool-call.sse')).map((e) => e.data)
    expect(out.map((e) => e.type)).toEqual([
      'message_start',
      'content_block_start',
      ...Array(5).fill('content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ])
    expect(out[1]).toMatchObject({
      index: 0,
      content_block: {
        type: 'tool_use',
        id: 'call_DdmO9pD3xa9XTPNJ32zg2hcA',
        name: 'get_weather',
        input: {},
      },
    })
    const json = out
      .filter((e) => e.type === 'content_block_delta')
      .map((e) => (e.delta as Json).partial_json)
      .join('')
    expect(JSON.parse(json)).toEqual({ location: 'Paris, France' })
    expect(out.at(-2)).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'tool_use', stop_sequence: null },
      usage: {
        input_tokens: 50,
        output_tokens: 15,
        cache_read_input_tokens: 10,
        cache_creation_input_tokens: 0,
      },
    })
  })

  it('the documented chat tool-call stream as Responses events, ending with the whole Response', () => {
    const shell = { id: 'resp_1', createdAt: 1, request: { model: 'gpt-4.1', input: 'hi' } }
    const stream = new ChatToResponsesStream(shell)
    const out = run(stream, events('openai-chat-stream-tool-call.sse')).map((e) => e.data)
    expect(out.map((e) => e.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      ...Array(5).fill('response.function_call_arguments.delta'),
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ])
    expect(out.map((e) => e.sequence_number)).toEqual(out.map((_, i) => i))
    const completed = out.at(-1)!.response as Json
    expect(completed).toMatchObject({
      id: 'resp_1',
      status: 'completed',
      output: [
        {
          type: 'function_call',
          call_id: 'call_DdmO9pD3xa9XTPNJ32zg2hcA',
          name: 'get_weather',
          arguments: '{"location":"Paris, France"}',
          status: 'completed',
        },
      ],
      usage: {
        input_tokens: 60,
        output_tokens: 15,
        input_tokens_details: { cached_tokens: 10 },
        output_tokens_details: { reasoning_tokens: 4 },
      },
    })
    expect(stream.result).toEqual(completed)
  })

  it('a stream that never finished ends with nothing (the gateway ends it as truncated)', () => {
    const input = events('openai-chat-stream-tool-call.sse').slice(0, 3)
    for (const translator of [
      new ChatToMessagesStream(),
      new ChatToResponsesStream({ id: 'resp_x', createdAt: 0, request: {} }),
    ]) {
      for (const e of input) translator.push(e)
      expect(translator.end()).toEqual([])
    }
  })

  it('Responses on Messages goes through the chat mapping both ways', () => {
    const t = translation('responses', 'messages', {
      nowSeconds: 1,
      includeUsage: false,
      shell: { id: 'resp_2', createdAt: 1, request: { model: 'claude' } },
    })
    const { body } = t.request({
      model: 'claude',
      instructions: 'brief',
      input: 'hi',
      max_output_tokens: 20,
      reasoning: { effort: 'low' },
    })
    expect(body).toEqual({
      model: 'claude',
      max_tokens: 2068,
      system: 'brief',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      thinking: { type: 'enabled', budget_tokens: 2048 },
    })
    const out = run(t.stream(), events('anthropic-stream-tool-use.sse')).map((e) => e.data)
    expect(out.at(-1)).toMatchObject({
      type: 'response.completed',
      response: { usage: { input_tokens: 472, output_tokens: 89 } },
    })
    const items = (out.at(-1)!.response as Json).output as Json[]
    expect(items.map((i) => i.type)).toEqual(['message', 'function_call'])
    expect(t.result()).toMatchObject({ id: 'resp_2' })
  })
})

describe('Responses → chat requests', () => {
  it('maps items: messages, function calls and their outputs, tools, format', () => {
    const { body, dropped } = responsesToChatRequest(
      {
        model: 'm',
        tools: [{ type: 'function', name: 'w', parameters: { type: 'object' } }, { type: 'web_search' }],
        text: { format: { type: 'json_schema', name: 'out', schema: { type: 'object' }, strict: true } },
      },
      [
        { type: 'message', role: 'developer', content: 'rules' },
        {
          type: 'message',
          role: 'user',
          content: [
            { type: 'input_text', text: 'hi' },
            { type: 'input_image', image_url: 'https://x/y.png', detail: 'low' },
          ],
        },
        { type: 'function_call', call_id: 'c1', name: 'w', arguments: '{}' },
        { type: 'function_call', call_id: 'c2', name: 'w', arguments: '{"a":1}' },
        { type: 'function_call_output', call_id: 'c1', output: 'one' },
        { type: 'function_call_output', call_id: 'c2', output: 'two' },
        { type: 'reasoning', summary: [] },
      ],
    )
    expect(dropped).toEqual(['tools.web_search'])
    expect(body).toEqual({
      model: 'm',
      messages: [
        { role: 'system', content: 'rules' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'hi' },
            { type: 'image_url', image_url: { url: 'https://x/y.png', detail: 'low' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'c1', type: 'function', function: { name: 'w', arguments: '{}' } },
            { id: 'c2', type: 'function', function: { name: 'w', arguments: '{"a":1}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'c1', content: 'one' },
        { role: 'tool', tool_call_id: 'c2', content: 'two' },
      ],
      tools: [{ type: 'function', function: { name: 'w', parameters: { type: 'object' } } }],
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'out', schema: { type: 'object' }, strict: true },
      },
    })
  })

  it('refuses an item reference it could not resolve', () => {
    expect(() => responsesToChatRequest({ model: 'm' }, [{ type: 'item_reference', id: 'msg_1' }])).toThrow(
      'input[0].type',
    )
  })
})

describe('errors in the caller’s shape', () => {
  const anthropic = JSON.stringify({
    type: 'error',
    error: { type: 'rate_limit_error', message: 'slow down' },
  })
  const openai = JSON.stringify({
    error: {
      message: 'bad value',
      type: 'invalid_request_error',
      code: 'invalid_value',
      param: 'temperature',
    },
  })
  it.each([
    [
      'chat',
      429,
      anthropic,
      { error: { message: 'slow down', type: 'rate_limit_error', code: 'rate_limit_error', param: null } },
    ],
    [
      'messages',
      400,
      openai,
      { type: 'error', error: { type: 'invalid_request_error', message: 'bad value' } },
    ],
    [
      'messages',
      529,
      'upstream overloaded',
      { type: 'error', error: { type: 'overloaded_error', message: 'upstream overloaded' } },
    ],
    [
      'responses',
      500,
      '',
      { error: { message: 'the upstream answered 500', type: 'api_error', code: null, param: null } },
    ],
  ] as const)('%s client, %i', (format, status, body, expected) => {
    expect(JSON.parse(translateErrorBody(format, status, body))).toEqual(expected)
  })

  it('keeps the OpenAI code and param', () => {
    expect(
      JSON.parse(
        errorBody('chat', {
          status: 400,
          type: 'invalid_request_error',
          code: 'invalid_value',
          message: 'm',
          param: 'p',
        }),
      ),
    ).toEqual({
      error: { message: 'm', type: 'invalid_request_error', code: 'invalid_value', param: 'p' },
    })
  })
})
