/**
 * Tool calls in the typed formats: a Responses function call (output_item.added, then
 * function_call_arguments deltas) and an Anthropic tool_use block (input_json_delta), streamed
 * through the gateway to the official SDKs, which rebuild the call from the events.
 */
import type { ServerResponse } from 'node:http'
import Anthropic from '@anthropic-ai/sdk'
import { describe, expect, it } from 'vitest'
import { ADMIN_TOKEN, startGateway } from '../../../test/fake-openai.js'
import { fakeUpstream, type Handler } from '../../../test/fake-upstream.js'

function send(res: ServerResponse, events: Record<string, unknown>[]) {
  res.writeHead(200, { 'content-type': 'text/event-stream' })
  for (const data of events) res.write(`event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`)
  res.end()
}

const ARGS = '{"city":"Paris","unit":"c"}'

const responsesToolCall: Handler = (_req, res) => {
  const base = { id: 'resp_tool_1', object: 'response', created_at: 1, model: 'gpt-test', tools: [] }
  const call = { id: 'fc_1', type: 'function_call', call_id: 'call_1', name: 'weather', arguments: '' }
  send(res, [
    {
      type: 'response.created',
      sequence_number: 0,
      response: { ...base, status: 'in_progress', output: [] },
    },
    {
      type: 'response.output_item.added',
      sequence_number: 1,
      output_index: 0,
      item: { ...call, status: 'in_progress' },
    },
    {
      type: 'response.function_call_arguments.delta',
      sequence_number: 2,
      item_id: 'fc_1',
      output_index: 0,
      delta: ARGS.slice(0, 10),
    },
    {
      type: 'response.function_call_arguments.delta',
      sequence_number: 3,
      item_id: 'fc_1',
      output_index: 0,
      delta: ARGS.slice(10),
    },
    {
      type: 'response.function_call_arguments.done',
      sequence_number: 4,
      item_id: 'fc_1',
      output_index: 0,
      arguments: ARGS,
    },
    {
      type: 'response.output_item.done',
      sequence_number: 5,
      output_index: 0,
      item: { ...call, arguments: ARGS, status: 'completed' },
    },
    {
      type: 'response.completed',
      sequence_number: 6,
      response: {
        ...base,
        status: 'completed',
        output: [{ ...call, arguments: ARGS, status: 'completed' }],
        usage: {
          input_tokens: 9,
          output_tokens: 6,
          total_tokens: 15,
          input_tokens_details: { cached_tokens: 0 },
          output_tokens_details: { reasoning_tokens: 0 },
        },
      },
    },
  ])
}

const messagesToolUse: Handler = (_req, res) => {
  send(res, [
    {
      type: 'message_start',
      message: {
        id: 'msg_tool',
        type: 'message',
        role: 'assistant',
        model: 'claude-test',
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 9, output_tokens: 1 },
      },
    },
    {
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'tool_use', id: 'toolu_1', name: 'weather', input: {} },
    },
    { type: 'ping' },
    {
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'input_json_delta', partial_json: ARGS.slice(0, 10) },
    },
    {
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'input_json_delta', partial_json: ARGS.slice(10) },
    },
    { type: 'content_block_stop', index: 0 },
    {
      type: 'message_delta',
      delta: { stop_reason: 'tool_use', stop_sequence: null },
      usage: { output_tokens: 6 },
    },
    { type: 'message_stop' },
  ])
}

describe('tool calls through the typed formats', () => {
  it('a Responses function call streams to the openai SDK', async () => {
    const gw = await startGateway()
    await gw.addProvider(await fakeUpstream(responsesToolCall))
    const final = await gw.client.responses
      .stream({
        model: 'gpt-test',
        input: 'weather?',
        tools: [{ type: 'function', name: 'weather', parameters: {}, strict: false }],
      })
      .finalResponse()
    expect(final.output[0]).toMatchObject({ type: 'function_call', name: 'weather', arguments: ARGS })
    expect(final.usage?.total_tokens).toBe(15)
  })

  it('an Anthropic tool_use block streams to the Anthropic SDK', async () => {
    const gw = await startGateway()
    await gw.addProvider(await fakeUpstream(messagesToolUse), {
      models: ['claude-test'],
      fields: { kind: 'anthropic' },
    })
    const client = new Anthropic({
      apiKey: ADMIN_TOKEN,
      baseURL: gw.baseURL.replace(/\/v1$/, ''),
      maxRetries: 0,
    })
    const final = await client.messages
      .stream({
        model: 'claude-test',
        max_tokens: 64,
        messages: [{ role: 'user', content: 'weather?' }],
        tools: [{ name: 'weather', input_schema: { type: 'object' } }],
      })
      .finalMessage()
    expect(final.stop_reason).toBe('tool_use')
    expect(final.content[0]).toMatchObject({
      type: 'tool_use',
      name: 'weather',
      input: { city: 'Paris', unit: 'c' },
    })
    expect(final.usage.output_tokens).toBe(6)
  })
})
