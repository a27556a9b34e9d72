/**
 * A fake Chat Completions upstream that answers tool calls deterministically (for the tool loops of
 * real clients): without a tool result in the conversation it calls `weather` (its arguments
 * streamed in two fragments); once the last message is a tool result, it answers with text quoting it.
 */
import { chunk } from './fake-openai.js'
import type { Handler } from './fake-upstream.js'

export const WEATHER_ARGS = ['{"city":', '"Paris"}']

export const chatToolLoop: Handler = (_req, res, recorded) => {
  const body = (recorded.json ?? {}) as {
    model?: string
    stream?: boolean
    messages?: { role: string; content?: unknown }[]
  }
  const model = String(body.model ?? '')
  const last = body.messages?.at(-1)
  const usage = { prompt_tokens: 11, completion_tokens: 6, total_tokens: 17 }
  if (last?.role === 'tool') {
    const result = typeof last.content === 'string' ? last.content : JSON.stringify(last.content)
    const text = `The tool said: ${result}`
    if (!body.stream) {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(
        JSON.stringify({
          id: 'chatcmpl-text',
          object: 'chat.completion',
          created: 1,
          model,
          choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
          usage,
        }),
      )
      return
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' })
    res.write(chunk(model, { role: 'assistant', content: '' }))
    res.write(chunk(model, { content: text.slice(0, 8) }))
    res.write(chunk(model, { content: text.slice(8) }))
    res.write(chunk(model, {}, 'stop'))
    res.write(
      `data: ${JSON.stringify({ id: 'chatcmpl-text', object: 'chat.completion.chunk', created: 1, model, choices: [], usage })}\n\n`,
    )
    res.end('data: [DONE]\n\n')
    return
  }
  const call = {
    id: 'call_weather_1',
    type: 'function',
    function: { name: 'weather', arguments: WEATHER_ARGS.join('') },
  }
  if (!body.stream) {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(
      JSON.stringify({
        id: 'chatcmpl-tool',
        object: 'chat.completion',
        created: 1,
        model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: null, tool_calls: [call] },
            finish_reason: 'tool_calls',
          },
        ],
        usage,
      }),
    )
    return
  }
  res.writeHead(200, { 'content-type': 'text/event-stream' })
  res.write(chunk(model, { role: 'assistant', content: null }))
  res.write(
    chunk(model, {
      tool_calls: [{ index: 0, id: call.id, type: 'function', function: { name: 'weather', arguments: '' } }],
    }),
  )
  for (const fragment of WEATHER_ARGS)
    res.write(chunk(model, { tool_calls: [{ index: 0, function: { arguments: fragment } }] }))
  res.write(chunk(model, {}, 'tool_calls'))
  res.write(
    `data: ${JSON.stringify({ id: 'chatcmpl-tool', object: 'chat.completion.chunk', created: 1, model, choices: [], usage })}\n\n`,
  )
  res.end('data: [DONE]\n\n')
}
