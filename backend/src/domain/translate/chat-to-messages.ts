/**
 * A Chat Completions client on an Anthropic Messages target: the request to Messages, the answer and
 * its stream back to Chat Completions.
 */
import { AppError } from '../../core/errors.js'
import {
  defined,
  isObject,
  type Json,
  newId,
  num,
  type StreamEvent,
  type StreamTranslator,
  str,
  type TranslatedRequest,
} from './types.js'

/** Messages needs max_tokens; a chat request without one gets this. */
export const DEFAULT_MAX_TOKENS = 4096

/** reasoning_effort → Anthropic thinking budget (tokens). */
export const THINKING_BUDGETS: Record<string, number> = {
  minimal: 1024,
  low: 2048,
  medium: 8192,
  high: 24576,
}

/** The chat parameters mapped (everything else is dropped and named). */
const MAPPED = new Set([
  'model',
  'messages',
  'max_tokens',
  'max_completion_tokens',
  'temperature',
  'top_p',
  'stop',
  'stream',
  'stream_options',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'reasoning_effort',
  'user',
  'n',
])
/** Parameters that change nothing when absent at their default (not worth a dropped name). */
const HARMLESS: Record<string, (value: unknown) => boolean> = {
  n: (v) => v === 1 || v === null,
  logprobs: (v) => v === false || v === null,
  response_format: (v) => isObject(v) && v.type === 'text',
  store: (v) => v === false || v === null,
  presence_penalty: (v) => v === 0 || v === null,
  frequency_penalty: (v) => v === 0 || v === null,
}

export function unsupported(param: string, why: string): AppError {
  return new AppError('unsupported_parameter', `${param}: ${why}`, { param })
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return ''
  return content
    .map((part) => (isObject(part) ? (str(part.text) ?? str(part.refusal) ?? '') : ''))
    .filter((text) => text !== '')
    .join('\n\n')
}

/** `data:image/png;base64,AAAA` → its media type and data, or null for a plain URL. */
export function parseDataUrl(url: string): { mediaType: string; data: string } | null {
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(url)
  return match ? { mediaType: match[1]!, data: match[2]! } : null
}

function userPart(part: unknown, at: string): Json {
  if (!isObject(part)) throw unsupported(at, 'a content part must be an object')
  switch (part.type) {
    case 'text':
      return { type: 'text', text: str(part.text) ?? '' }
    case 'image_url': {
      const image = part.image_url
      const url = isObject(image) ? str(image.url) : str(image)
      if (!url) throw unsupported(`${at}.image_url`, 'needs a url')
      const inline = parseDataUrl(url)
      return inline
        ? { type: 'image', source: { type: 'base64', media_type: inline.mediaType, data: inline.data } }
        : { type: 'image', source: { type: 'url', url } }
    }
    case 'file': {
      const file = isObject(part.file) ? part.file : {}
      const inline = parseDataUrl(str(file.file_data) ?? '')
      if (!inline)
        throw unsupported(`${at}.file`, 'only inline file_data (a base64 data URL) can go to Anthropic')
      return {
        type: 'document',
        source: { type: 'base64', media_type: inline.mediaType, data: inline.data },
        ...(str(file.filename) ? { title: str(file.filename) } : {}),
      }
    }
    default:
      throw unsupported(`${at}.type`, `content of type '${String(part.type)}' has no Anthropic equivalent`)
  }
}

function parseArguments(text: unknown): Json {
  if (typeof text !== 'string' || text.trim() === '') return {}
  try {
    const parsed = JSON.parse(text) as unknown
    return isObject(parsed) ? parsed : { value: parsed }
  } catch {
    throw unsupported('messages[].tool_calls[].function.arguments', 'is not valid JSON')
  }
}

function toolResultContent(content: unknown): string | Json[] {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return ''
  return content.filter(isObject).map((part, i) => userPart(part, `tool content[${i}]`))
}

/** Chat messages → Anthropic system text and alternating messages. */
function mapMessages(messages: unknown): { system: string[]; messages: Json[] } {
  if (!Array.isArray(messages)) throw unsupported('messages', 'must be an array')
  const system: string[] = []
  const out: Json[] = []
  const push = (role: 'user' | 'assistant', blocks: Json[]) => {
    const last = out.at(-1)
    if (last && last.role === role) (last.content as Json[]).push(...blocks)
    else out.push({ role, content: blocks })
  }
  messages.forEach((message, i) => {
    if (!isObject(message)) throw unsupported(`messages[${i}]`, 'must be an object')
    const { role, content } = message
    if (role === 'system' || role === 'developer') {
      const text = textOf(content)
      if (text) system.push(text)
    } else if (role === 'user') {
      const blocks =
        typeof content === 'string'
          ? [{ type: 'text', text: content }]
          : Array.isArray(content)
            ? content.map((part, j) => userPart(part, `messages[${i}].content[${j}]`))
            : []
      push('user', blocks)
    } else if (role === 'assistant') {
      const blocks: Json[] = []
      const text = textOf(content)
      if (text) blocks.push({ type: 'text', text })
      if (Array.isArray(message.tool_calls)) {
        for (const call of message.tool_calls) {
          if (!isObject(call) || !isObject(call.function)) continue
          blocks.push({
            type: 'tool_use',
            id: str(call.id) ?? newId('toolu_'),
            name: str(call.function.name) ?? '',
            input: parseArguments(call.function.arguments),
          })
        }
      }
      if (blocks.length > 0) push('assistant', blocks)
    } else if (role === 'tool') {
      push('user', [
        {
          type: 'tool_result',
          tool_use_id: str(message.tool_call_id) ?? '',
          content: toolResultContent(content),
        },
      ])
    } else {
      throw unsupported(`messages[${i}].role`, `role '${String(role)}' has no Anthropic equivalent`)
    }
  })
  return { system, messages: out }
}

function mapTools(tools: unknown): Json[] | undefined {
  if (!Array.isArray(tools)) return undefined
  return tools.map((tool, i) => {
    const fn = isObject(tool) && isObject(tool.function) ? tool.function : null
    if (!fn || (tool as Json).type !== 'function')
      throw unsupported(`tools[${i}]`, 'only function tools map to Anthropic')
    return defined({
      name: str(fn.name) ?? '',
      description: str(fn.description),
      input_schema: isObject(fn.parameters) ? fn.parameters : { type: 'object', properties: {} },
    })
  })
}

function mapToolChoice(choice: unknown, parallel: unknown): Json | undefined {
  let out: Json | undefined
  if (choice === 'auto') out = { type: 'auto' }
  else if (choice === 'none') out = { type: 'none' }
  else if (choice === 'required') out = { type: 'any' }
  else if (isObject(choice) && isObject(choice.function))
    out = { type: 'tool', name: str(choice.function.name) ?? '' }
  if (parallel === false) out = { ...(out ?? { type: 'auto' }), disable_parallel_tool_use: true }
  return out
}

/** A Chat Completions request as an Anthropic Messages request. */
export function chatToMessagesRequest(chat: Json): TranslatedRequest {
  const dropped: string[] = []
  for (const [key, value] of Object.entries(chat)) {
    if (MAPPED.has(key) || value === undefined) continue
    if (HARMLESS[key]?.(value)) continue
    dropped.push(key)
  }
  const n = num(chat.n)
  if (n !== undefined && n > 1) dropped.push('n')
  const { system, messages } = mapMessages(chat.messages)
  let maxTokens = num(chat.max_completion_tokens) ?? num(chat.max_tokens) ?? DEFAULT_MAX_TOKENS
  let thinking: Json | undefined
  const effort = str(chat.reasoning_effort)
  if (effort && effort !== 'none') {
    const budget = THINKING_BUDGETS[effort]
    if (budget === undefined)
      throw unsupported('reasoning_effort', `'${effort}' is not minimal, low, medium or high`)
    // the budget counts inside max_tokens, and must be smaller
    if (maxTokens <= budget) maxTokens = budget + maxTokens
    thinking = { type: 'enabled', budget_tokens: budget }
  }
  const stop = chat.stop
  const body = defined({
    model: chat.model,
    max_tokens: maxTokens,
    system: system.length > 0 ? system.join('\n\n') : undefined,
    messages,
    temperature: num(chat.temperature),
    top_p: num(chat.top_p),
    stop_sequences: typeof stop === 'string' ? [stop] : Array.isArray(stop) ? stop : undefined,
    stream: chat.stream === true ? true : undefined,
    tools: mapTools(chat.tools),
    tool_choice: mapToolChoice(chat.tool_choice, chat.parallel_tool_calls),
    thinking,
    metadata: str(chat.user) ? { user_id: str(chat.user) } : undefined,
  })
  return { body, dropped }
}

export const FINISH_OF_STOP: Record<string, string> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  tool_use: 'tool_calls',
  pause_turn: 'stop',
  refusal: 'content_filter',
  model_context_window_exceeded: 'length',
}

/** Anthropic usage → Chat Completions usage (prompt tokens include the cached ones, as OpenAI counts). */
export function chatUsageOf(usage: unknown): Json | undefined {
  if (!isObject(usage)) return undefined
  const cached = num(usage.cache_read_input_tokens) ?? 0
  const input = (num(usage.input_tokens) ?? 0) + cached + (num(usage.cache_creation_input_tokens) ?? 0)
  const output = num(usage.output_tokens) ?? 0
  return {
    prompt_tokens: input,
    completion_tokens: output,
    total_tokens: input + output,
    prompt_tokens_details: { cached_tokens: cached },
  }
}

function chatId(id: unknown): string {
  return `chatcmpl-${str(id) ?? newId('')}`
}

/** An Anthropic Messages answer as a Chat Completions answer. */
export function messagesToChatResponse(message: Json, nowSeconds: number): Json {
  const texts: string[] = []
  const reasoning: string[] = []
  const toolCalls: Json[] = []
  for (const block of Array.isArray(message.content) ? message.content : []) {
    if (!isObject(block)) continue
    if (block.type === 'text') texts.push(str(block.text) ?? '')
    else if (block.type === 'thinking') reasoning.push(str(block.thinking) ?? '')
    else if (block.type === 'tool_use')
      toolCalls.push({
        id: str(block.id) ?? newId('call_'),
        type: 'function',
        function: { name: str(block.name) ?? '', arguments: JSON.stringify(block.input ?? {}) },
      })
  }
  const stop = str(message.stop_reason)
  return defined({
    id: chatId(message.id),
    object: 'chat.completion',
    created: nowSeconds,
    model: str(message.model) ?? '',
    choices: [
      {
        index: 0,
        message: defined({
          role: 'assistant',
          content: texts.length > 0 ? texts.join('') : null,
          reasoning_content: reasoning.length > 0 ? reasoning.join('') : undefined,
          tool_calls: toolCalls.length > 0 ? toolCalls : undefined,
        }),
        logprobs: null,
        finish_reason: stop ? (FINISH_OF_STOP[stop] ?? 'stop') : 'stop',
      },
    ],
    usage: chatUsageOf(message.usage),
  })
}

/** An Anthropic Messages stream as Chat Completions chunks, event by event. */
export class MessagesToChatStream implements StreamTranslator {
  #id = chatId(undefined)
  #model = ''
  #usage: Json = {}
  /** Content block index → the chat tool_calls index of a tool_use block. */
  readonly #tools = new Map<number, number>()
  #finish: string | null = null

  constructor(
    readonly nowSeconds: number,
    /** Send the usage chunk (`stream_options.include_usage`). */
    readonly includeUsage: boolean,
  ) {}

  #chunk(delta: Json, finish: string | null = null): StreamEvent {
    return {
      data: {
        id: this.#id,
        object: 'chat.completion.chunk',
        created: this.nowSeconds,
        model: this.#model,
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      },
    }
  }

  push(event: Json): StreamEvent[] {
    switch (event.type) {
      case 'message_start': {
        const message = isObject(event.message) ? event.message : {}
        this.#id = chatId(message.id)
        this.#model = str(message.model) ?? ''
        if (isObject(message.usage)) this.#usage = { ...message.usage }
        return [this.#chunk({ role: 'assistant', content: '' })]
      }
      case 'content_block_start': {
        const block = isObject(event.content_block) ? event.content_block : {}
        const index = num(event.index) ?? 0
        if (block.type === 'tool_use') {
          const toolIndex = this.#tools.size
          this.#tools.set(index, toolIndex)
          const call = { index: toolIndex, id: str(block.id) ?? newId('call_'), type: 'function' }
          return [
            this.#chunk({
              tool_calls: [{ ...call, function: { name: str(block.name) ?? '', arguments: '' } }],
            }),
          ]
        }
        if (block.type === 'text' && str(block.text)) return [this.#chunk({ content: block.text })]
        return []
      }
      case 'content_block_delta': {
        const delta = isObject(event.delta) ? event.delta : {}
        if (delta.type === 'text_delta') return [this.#chunk({ content: str(delta.text) ?? '' })]
        if (delta.type === 'thinking_delta')
          return [this.#chunk({ reasoning_content: str(delta.thinking) ?? '' })]
        if (delta.type === 'input_json_delta') {
          const toolIndex = this.#tools.get(num(event.index) ?? 0)
          const fragment = str(delta.partial_json) ?? ''
          if (toolIndex === undefined || fragment === '') return []
          return [this.#chunk({ tool_calls: [{ index: toolIndex, function: { arguments: fragment } }] })]
        }
        return []
      }
      case 'message_delta': {
        if (isObject(event.usage)) this.#usage = { ...this.#usage, ...defined(event.usage) }
        const delta = isObject(event.delta) ? event.delta : {}
        const stop = str(delta.stop_reason)
        if (!stop) return []
        this.#finish = FINISH_OF_STOP[stop] ?? 'stop'
        const out = [this.#chunk({}, this.#finish)]
        if (this.includeUsage) {
          const { choices: _, ...head } = out[0]!.data
          out.push({ data: { ...head, choices: [], usage: chatUsageOf(this.#usage) } })
        }
        return out
      }
      default:
        // ping, content_block_stop, message_stop, signature and citation deltas
        return []
    }
  }

  end(): StreamEvent[] {
    return []
  }
}
