/**
 * An Anthropic Messages client on a Chat Completions target: the request to Chat Completions, the
 * answer and its stream back to Messages.
 */
import { unsupported } from './chat-to-messages.js'
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

const MAPPED = new Set([
  'model',
  'messages',
  'system',
  'max_tokens',
  'temperature',
  'top_p',
  'stop_sequences',
  'stream',
  'tools',
  'tool_choice',
  'thinking',
  'metadata',
])

/** Anthropic thinking budget → reasoning_effort. */
export function effortOfBudget(budget: number): string {
  if (budget < 4096) return 'low'
  if (budget < 16384) return 'medium'
  return 'high'
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return ''
  return content
    .filter((b) => isObject(b) && b.type === 'text')
    .map((b) => str((b as Json).text) ?? '')
    .join('\n\n')
}

class Drops {
  readonly names = new Set<string>()
  note(block: Json): void {
    if (block.cache_control !== undefined) this.names.add('cache_control')
  }
}

function userPart(block: Json, at: string, drops: Drops): Json | null {
  drops.note(block)
  const source = isObject(block.source) ? block.source : {}
  switch (block.type) {
    case 'text':
      return { type: 'text', text: str(block.text) ?? '' }
    case 'image':
      if (source.type === 'base64')
        return {
          type: 'image_url',
          image_url: { url: `data:${str(source.media_type)};base64,${str(source.data)}` },
        }
      if (source.type === 'url') return { type: 'image_url', image_url: { url: str(source.url) ?? '' } }
      throw unsupported(
        `${at}.source`,
        `an image source of type '${String(source.type)}' has no Chat Completions equivalent`,
      )
    case 'document':
      if (source.type === 'base64')
        return {
          type: 'file',
          file: defined({
            filename: str(block.title) ?? 'document.pdf',
            file_data: `data:${str(source.media_type)};base64,${str(source.data)}`,
          }),
        }
      if (source.type === 'text') return { type: 'text', text: str(source.data) ?? '' }
      throw unsupported(
        `${at}.source`,
        `a document source of type '${String(source.type)}' has no Chat Completions equivalent`,
      )
    default:
      throw unsupported(
        `${at}.type`,
        `a block of type '${String(block.type)}' has no Chat Completions equivalent`,
      )
  }
}

function toolResultText(content: unknown, at: string, drops: Drops): string | Json[] {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return ''
  const parts = content.filter(isObject).map((b, i) => userPart(b, `${at}.content[${i}]`, drops))
  // tool messages take text parts only
  return parts.every((p) => p?.type === 'text') ? (parts as Json[]) : JSON.stringify(content)
}

function mapMessages(messages: unknown, drops: Drops): Json[] {
  if (!Array.isArray(messages)) throw unsupported('messages', 'must be an array')
  const out: Json[] = []
  messages.forEach((message, i) => {
    if (!isObject(message)) throw unsupported(`messages[${i}]`, 'must be an object')
    const blocks =
      typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content
    if (!Array.isArray(blocks))
      throw unsupported(`messages[${i}].content`, 'must be a string or an array of blocks')
    if (message.role === 'assistant') {
      const texts: string[] = []
      const calls: Json[] = []
      for (const block of blocks.filter(isObject)) {
        drops.note(block)
        if (block.type === 'text') texts.push(str(block.text) ?? '')
        else if (block.type === 'tool_use')
          calls.push({
            id: str(block.id) ?? newId('call_'),
            type: 'function',
            function: { name: str(block.name) ?? '', arguments: JSON.stringify(block.input ?? {}) },
          })
        // thinking and redacted_thinking blocks of earlier turns: a chat target cannot take them back
      }
      out.push(
        defined({
          role: 'assistant',
          content: texts.length > 0 ? texts.join('') : null,
          tool_calls: calls.length > 0 ? calls : undefined,
        }),
      )
      return
    }
    if (message.role !== 'user') throw unsupported(`messages[${i}].role`, `must be user or assistant`)
    const parts: Json[] = []
    blocks.filter(isObject).forEach((block, j) => {
      const at = `messages[${i}].content[${j}]`
      if (block.type === 'tool_result') {
        drops.note(block)
        // tool messages come first: they answer the assistant message just before
        out.push({
          role: 'tool',
          tool_call_id: str(block.tool_use_id) ?? '',
          content: toolResultText(block.content, at, drops),
        })
        return
      }
      const part = userPart(block, at, drops)
      if (part) parts.push(part)
    })
    if (parts.length > 0) out.push({ role: 'user', content: parts })
  })
  return out
}

function mapTools(tools: unknown, drops: Drops): Json[] | undefined {
  if (!Array.isArray(tools)) return undefined
  const out: Json[] = []
  for (const tool of tools.filter(isObject)) {
    drops.note(tool)
    if (tool.type !== undefined && tool.type !== 'custom') {
      drops.names.add(`tools.${String(tool.type)}`)
      continue
    }
    out.push({
      type: 'function',
      function: defined({
        name: str(tool.name) ?? '',
        description: str(tool.description),
        parameters: tool.input_schema,
      }),
    })
  }
  return out.length > 0 ? out : undefined
}

function mapToolChoice(choice: unknown): { tool_choice?: unknown; parallel_tool_calls?: boolean } {
  if (!isObject(choice)) return {}
  const parallel = choice.disable_parallel_tool_use === true ? false : undefined
  const tool_choice =
    choice.type === 'auto'
      ? 'auto'
      : choice.type === 'any'
        ? 'required'
        : choice.type === 'none'
          ? 'none'
          : choice.type === 'tool'
            ? { type: 'function', function: { name: str(choice.name) ?? '' } }
            : undefined
  return defined({ tool_choice, parallel_tool_calls: parallel })
}

/** An Anthropic Messages request as a Chat Completions request. */
export function messagesToChatRequest(request: Json): TranslatedRequest {
  const drops = new Drops()
  for (const [key, value] of Object.entries(request)) {
    if (!MAPPED.has(key) && value !== undefined) drops.names.add(key)
  }
  const messages = mapMessages(request.messages, drops)
  const system = request.system
  if (Array.isArray(system)) for (const block of system.filter(isObject)) drops.note(block)
  const systemText = textOf(system)
  if (systemText) messages.unshift({ role: 'system', content: systemText })
  const thinking = isObject(request.thinking) ? request.thinking : null
  const budget = thinking?.type === 'enabled' ? num(thinking.budget_tokens) : undefined
  const metadata = isObject(request.metadata) ? request.metadata : {}
  const stream = request.stream === true
  const body = defined({
    model: request.model,
    messages,
    max_tokens: num(request.max_tokens),
    temperature: num(request.temperature),
    top_p: num(request.top_p),
    stop:
      Array.isArray(request.stop_sequences) && request.stop_sequences.length > 0
        ? request.stop_sequences
        : undefined,
    stream: stream ? true : undefined,
    stream_options: stream ? { include_usage: true } : undefined,
    tools: mapTools(request.tools, drops),
    ...mapToolChoice(request.tool_choice),
    reasoning_effort: budget !== undefined ? effortOfBudget(budget) : undefined,
    user: str(metadata.user_id),
  })
  return { body, dropped: [...drops.names] }
}

export const STOP_OF_FINISH: Record<string, string> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  function_call: 'tool_use',
  content_filter: 'refusal',
}

/** Chat Completions usage → Anthropic usage (Anthropic's input_tokens leave the cached ones out). */
export function messagesUsageOf(usage: unknown): Json {
  const u = isObject(usage) ? usage : {}
  const cached =
    num(isObject(u.prompt_tokens_details) ? u.prompt_tokens_details.cached_tokens : undefined) ?? 0
  const input = num(u.prompt_tokens) ?? 0
  return {
    input_tokens: Math.max(0, input - cached),
    output_tokens: num(u.completion_tokens) ?? 0,
    cache_read_input_tokens: cached,
    cache_creation_input_tokens: 0,
  }
}

function messageId(id: unknown): string {
  const text = str(id)
  return text ? `msg_${text.replace(/[^A-Za-z0-9_-]/g, '')}` : newId('msg_')
}

function parseJson(text: string): unknown {
  try {
    return text.trim() === '' ? {} : JSON.parse(text)
  } catch {
    return {}
  }
}

/** A Chat Completions answer as an Anthropic Messages answer. */
export function chatToMessagesResponse(chat: Json): Json {
  const choice = Array.isArray(chat.choices) && isObject(chat.choices[0]) ? chat.choices[0] : {}
  const message = isObject(choice.message) ? choice.message : {}
  const content: Json[] = []
  const reasoning = str(message.reasoning_content) ?? str(message.reasoning)
  if (reasoning) content.push({ type: 'thinking', thinking: reasoning, signature: '' })
  const text = str(message.content) ?? str(message.refusal)
  if (text) content.push({ type: 'text', text })
  for (const call of Array.isArray(message.tool_calls) ? message.tool_calls.filter(isObject) : []) {
    const fn = isObject(call.function) ? call.function : {}
    content.push({
      type: 'tool_use',
      id: str(call.id) ?? newId('toolu_'),
      name: str(fn.name) ?? '',
      input: parseJson(str(fn.arguments) ?? ''),
    })
  }
  const finish = str(choice.finish_reason)
  return {
    id: messageId(chat.id),
    type: 'message',
    role: 'assistant',
    model: str(chat.model) ?? '',
    content,
    stop_reason: finish ? (STOP_OF_FINISH[finish] ?? 'end_turn') : 'end_turn',
    stop_sequence: null,
    usage: messagesUsageOf(chat.usage),
  }
}

type OpenBlock = { kind: 'text' | 'thinking' } | { kind: 'tool'; toolIndex: number }

/** A Chat Completions stream as Anthropic Messages events, chunk by chunk. */
export class ChatToMessagesStream implements StreamTranslator {
  #isStarted = false
  #blocks = 0
  #open: OpenBlock | null = null
  /** chat tool_calls index → content block index */
  readonly #tools = new Map<number, number>()
  #stop: string | null = null
  #usage: unknown = null

  #ev(data: Json): StreamEvent {
    return { event: data.type as string, data }
  }

  #close(out: StreamEvent[]): void {
    if (this.#open === null) return
    out.push(this.#ev({ type: 'content_block_stop', index: this.#blocks - 1 }))
    this.#open = null
  }

  #openBlock(out: StreamEvent[], block: Json, open: OpenBlock): number {
    this.#close(out)
    const index = this.#blocks++
    out.push(this.#ev({ type: 'content_block_start', index, content_block: block }))
    this.#open = open
    return index
  }

  push(chunk: Json): StreamEvent[] {
    const out: StreamEvent[] = []
    if (!this.#isStarted) {
      this.#isStarted = true
      out.push(
        this.#ev({
          type: 'message_start',
          message: {
            id: messageId(chunk.id),
            type: 'message',
            role: 'assistant',
            model: str(chunk.model) ?? '',
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage: { input_tokens: 0, output_tokens: 0 },
          },
        }),
      )
    }
    if (isObject(chunk.usage)) this.#usage = chunk.usage
    const choice = Array.isArray(chunk.choices) && isObject(chunk.choices[0]) ? chunk.choices[0] : null
    if (!choice) return out
    const delta = isObject(choice.delta) ? choice.delta : {}
    const reasoning = str(delta.reasoning_content) ?? str(delta.reasoning)
    if (reasoning) {
      if (this.#open?.kind !== 'thinking')
        this.#openBlock(out, { type: 'thinking', thinking: '', signature: '' }, { kind: 'thinking' })
      out.push(
        this.#ev({
          type: 'content_block_delta',
          index: this.#blocks - 1,
          delta: { type: 'thinking_delta', thinking: reasoning },
        }),
      )
    }
    const text = str(delta.content)
    if (text) {
      if (this.#open?.kind !== 'text') this.#openBlock(out, { type: 'text', text: '' }, { kind: 'text' })
      out.push(
        this.#ev({
          type: 'content_block_delta',
          index: this.#blocks - 1,
          delta: { type: 'text_delta', text },
        }),
      )
    }
    for (const call of Array.isArray(delta.tool_calls) ? delta.tool_calls.filter(isObject) : []) {
      const toolIndex = num(call.index) ?? 0
      const fn = isObject(call.function) ? call.function : {}
      let index = this.#tools.get(toolIndex)
      if (index === undefined) {
        const block = {
          type: 'tool_use',
          id: str(call.id) ?? newId('toolu_'),
          name: str(fn.name) ?? '',
          input: {},
        }
        index = this.#openBlock(out, block, { kind: 'tool', toolIndex })
        this.#tools.set(toolIndex, index)
      }
      const fragment = str(fn.arguments)
      if (fragment)
        out.push(
          this.#ev({
            type: 'content_block_delta',
            index,
            delta: { type: 'input_json_delta', partial_json: fragment },
          }),
        )
    }
    const finish = str(choice.finish_reason)
    if (finish) {
      this.#close(out)
      this.#stop = STOP_OF_FINISH[finish] ?? 'end_turn'
    }
    return out
  }

  end(): StreamEvent[] {
    if (this.#stop === null) return []
    const out: StreamEvent[] = []
    this.#close(out)
    out.push(
      this.#ev({
        type: 'message_delta',
        delta: { stop_reason: this.#stop, stop_sequence: null },
        usage: messagesUsageOf(this.#usage),
      }),
      this.#ev({ type: 'message_stop' }),
    )
    return out
  }
}
