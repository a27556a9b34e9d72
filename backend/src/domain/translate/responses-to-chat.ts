/**
 * A Responses client on a Chat Completions target: input items to chat messages, the chat answer
 * and its stream back to a Response and its typed events. Earlier items (previous_response_id,
 * item_reference) are resolved by the caller from the gateway's store (services/gateway/response-store.ts).
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
  'input',
  'instructions',
  'max_output_tokens',
  'temperature',
  'top_p',
  'stream',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'reasoning',
  'text',
  'user',
  'safety_identifier',
  // kept by the gateway (the store), not sent on
  'store',
  'previous_response_id',
  'metadata',
  'include',
  'stream_options',
  'truncation',
])

function textPart(part: Json): string | null {
  if (part.type === 'input_text' || part.type === 'output_text' || part.type === 'text')
    return str(part.text) ?? ''
  if (part.type === 'refusal') return str(part.refusal) ?? ''
  return null
}

function chatPart(part: Json, at: string): Json {
  const text = textPart(part)
  if (text !== null) return { type: 'text', text }
  if (part.type === 'input_image') {
    const url = str(part.image_url)
    if (!url)
      throw unsupported(
        `${at}.image_url`,
        'only an image_url (URL or data URL) can go to Chat Completions, not a file_id',
      )
    return { type: 'image_url', image_url: defined({ url, detail: str(part.detail) }) }
  }
  if (part.type === 'input_file') {
    if (!str(part.file_data))
      throw unsupported(`${at}.file_data`, 'only inline file_data can go to Chat Completions')
    return { type: 'file', file: defined({ filename: str(part.filename), file_data: part.file_data }) }
  }
  throw unsupported(`${at}.type`, `content of type '${String(part.type)}' has no Chat Completions equivalent`)
}

/** Response input items (the earlier ones first) → chat messages. */
export function itemsToMessages(items: readonly Json[]): Json[] {
  const out: Json[] = []
  items.forEach((item, i) => {
    const at = `input[${i}]`
    const type = item.type ?? (item.role !== undefined ? 'message' : undefined)
    if (type === 'message') {
      const role = item.role === 'developer' ? 'system' : item.role
      if (role !== 'user' && role !== 'assistant' && role !== 'system')
        throw unsupported(`${at}.role`, `role '${String(item.role)}' has no Chat Completions equivalent`)
      const content = item.content
      if (typeof content === 'string') {
        out.push({ role, content })
        return
      }
      const parts = Array.isArray(content)
        ? content.filter(isObject).map((p, j) => chatPart(p, `${at}.content[${j}]`))
        : []
      if (role === 'user') out.push({ role, content: parts })
      else {
        const text = parts.map((p) => str(p.text) ?? '').join('')
        const last = out.at(-1)
        if (role === 'assistant' && last?.role === 'assistant' && last.content === null) last.content = text
        else out.push({ role, content: text })
      }
      return
    }
    if (type === 'function_call') {
      const call = {
        id: str(item.call_id) ?? '',
        type: 'function',
        function: { name: str(item.name) ?? '', arguments: str(item.arguments) ?? '' },
      }
      const last = out.at(-1)
      if (last?.role === 'assistant')
        last.tool_calls = [...((last.tool_calls as Json[] | undefined) ?? []), call]
      else out.push({ role: 'assistant', content: null, tool_calls: [call] })
      return
    }
    if (type === 'function_call_output') {
      const output = item.output
      const content =
        typeof output === 'string'
          ? output
          : Array.isArray(output)
            ? output.filter(isObject).map((p, j) => chatPart(p, `${at}.output[${j}]`))
            : JSON.stringify(output ?? '')
      out.push({ role: 'tool', tool_call_id: str(item.call_id) ?? '', content })
      return
    }
    if (type === 'reasoning') return // a chat target cannot take reasoning back
    throw unsupported(`${at}.type`, `an item of type '${String(type)}' has no Chat Completions equivalent`)
  })
  return out
}

/** The request's own input as items (a string is one user message). */
export function inputItems(input: unknown): Json[] {
  if (typeof input === 'string')
    return [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: input }] }]
  if (!Array.isArray(input)) throw unsupported('input', 'must be a string or an array of items')
  return input.map((item, i) => {
    if (!isObject(item)) throw unsupported(`input[${i}]`, 'must be an object')
    return item
  })
}

function mapTools(tools: unknown, dropped: string[]): Json[] | undefined {
  if (!Array.isArray(tools)) return undefined
  const out: Json[] = []
  for (const tool of tools.filter(isObject)) {
    if (tool.type !== 'function') {
      dropped.push(`tools.${String(tool.type)}`)
      continue
    }
    out.push({
      type: 'function',
      function: defined({
        name: str(tool.name) ?? '',
        description: str(tool.description),
        parameters: tool.parameters,
        strict: typeof tool.strict === 'boolean' ? tool.strict : undefined,
      }),
    })
  }
  return out.length > 0 ? out : undefined
}

function mapToolChoice(choice: unknown, dropped: string[]): unknown {
  if (choice === undefined || typeof choice === 'string') return choice
  if (isObject(choice) && choice.type === 'function')
    return { type: 'function', function: { name: str(choice.name) ?? '' } }
  dropped.push('tool_choice')
  return undefined
}

function mapFormat(text: unknown, dropped: string[]): Json | undefined {
  if (!isObject(text)) return undefined
  if (text.verbosity !== undefined) dropped.push('text.verbosity')
  const format = isObject(text.format) ? text.format : null
  if (!format || format.type === 'text') return undefined
  if (format.type === 'json_object') return { type: 'json_object' }
  if (format.type === 'json_schema')
    return {
      type: 'json_schema',
      json_schema: defined({
        name: str(format.name) ?? 'response',
        description: str(format.description),
        schema: format.schema,
        strict: format.strict,
      }),
    }
  dropped.push('text.format')
  return undefined
}

/**
 * A Responses request as a Chat Completions request; `earlier` are the items the conversation had
 * before (previous responses' input and output, references resolved).
 */
export function responsesToChatRequest(request: Json, items: readonly Json[]): TranslatedRequest {
  const dropped: string[] = []
  for (const [key, value] of Object.entries(request))
    if (!MAPPED.has(key) && value !== undefined) dropped.push(key)
  const messages = itemsToMessages(items)
  const instructions = str(request.instructions)
  if (instructions) messages.unshift({ role: 'system', content: instructions })
  const reasoning = isObject(request.reasoning) ? request.reasoning : {}
  const stream = request.stream === true
  const body = defined({
    model: request.model,
    messages,
    max_tokens: num(request.max_output_tokens),
    temperature: num(request.temperature),
    top_p: num(request.top_p),
    stream: stream ? true : undefined,
    stream_options: stream ? { include_usage: true } : undefined,
    tools: mapTools(request.tools, dropped),
    tool_choice: mapToolChoice(request.tool_choice, dropped),
    parallel_tool_calls:
      typeof request.parallel_tool_calls === 'boolean' ? request.parallel_tool_calls : undefined,
    reasoning_effort: str(reasoning.effort),
    response_format: mapFormat(request.text, dropped),
    user: str(request.user) ?? str(request.safety_identifier),
  })
  return { body, dropped }
}

/** Chat usage → Responses usage. */
export function responsesUsageOf(usage: unknown): Json | null {
  if (!isObject(usage)) return null
  const input = num(usage.prompt_tokens) ?? 0
  const output = num(usage.completion_tokens) ?? 0
  const cached = isObject(usage.prompt_tokens_details)
    ? (num(usage.prompt_tokens_details.cached_tokens) ?? 0)
    : 0
  const reasoning = isObject(usage.completion_tokens_details)
    ? (num(usage.completion_tokens_details.reasoning_tokens) ?? 0)
    : 0
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: cached },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: reasoning },
    total_tokens: input + output,
  }
}

/** What of the request the Response object repeats. */
export interface ResponseShell {
  id: string
  createdAt: number
  request: Json
}

function status(finish: string | null): { status: string; incomplete_details: Json | null } {
  if (finish === 'length')
    return { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } }
  if (finish === 'content_filter')
    return { status: 'incomplete', incomplete_details: { reason: 'content_filter' } }
  return { status: 'completed', incomplete_details: null }
}

/** A Response object (the shape OpenAI's API returns) around `output`. */
export function responseObject(
  shell: ResponseShell,
  model: string,
  output: Json[],
  finish: string | null,
  usage: unknown,
  state = status(finish),
): Json {
  const r = shell.request
  return {
    id: shell.id,
    object: 'response',
    created_at: shell.createdAt,
    status: state.status,
    error: null,
    incomplete_details: state.incomplete_details,
    instructions: r.instructions ?? null,
    max_output_tokens: r.max_output_tokens ?? null,
    model,
    output,
    parallel_tool_calls: r.parallel_tool_calls ?? true,
    previous_response_id: r.previous_response_id ?? null,
    reasoning: { effort: isObject(r.reasoning) ? (r.reasoning.effort ?? null) : null, summary: null },
    store: r.store !== false,
    temperature: r.temperature ?? 1,
    text: isObject(r.text) ? r.text : { format: { type: 'text' } },
    tool_choice: r.tool_choice ?? 'auto',
    tools: Array.isArray(r.tools) ? r.tools : [],
    top_p: r.top_p ?? 1,
    truncation: 'disabled',
    usage: responsesUsageOf(usage),
    user: r.user ?? null,
    metadata: isObject(r.metadata) ? r.metadata : {},
  }
}

function messageItem(id: string, text: string, state: string): Json {
  return {
    type: 'message',
    id,
    status: state,
    role: 'assistant',
    content: [{ type: 'output_text', text, annotations: [] }],
  }
}

function callItem(id: string, callId: string, name: string, args: string, state: string): Json {
  return { type: 'function_call', id, call_id: callId, name, arguments: args, status: state }
}

/** A Chat Completions answer as a Response. */
export function chatToResponse(chat: Json, shell: ResponseShell): Json {
  const choice = Array.isArray(chat.choices) && isObject(chat.choices[0]) ? chat.choices[0] : {}
  const message = isObject(choice.message) ? choice.message : {}
  const output: Json[] = []
  const text = str(message.content)
  if (text) output.push(messageItem(newId('msg_'), text, 'completed'))
  for (const call of Array.isArray(message.tool_calls) ? message.tool_calls.filter(isObject) : []) {
    const fn = isObject(call.function) ? call.function : {}
    output.push(
      callItem(
        newId('fc_'),
        str(call.id) ?? newId('call_'),
        str(fn.name) ?? '',
        str(fn.arguments) ?? '',
        'completed',
      ),
    )
  }
  return responseObject(
    shell,
    str(chat.model) ?? str(shell.request.model) ?? '',
    output,
    str(choice.finish_reason) ?? null,
    chat.usage,
  )
}

interface OpenItem {
  index: number
  item: Json
  text: string
}

/** A Chat Completions stream as Responses events, chunk by chunk. */
export class ChatToResponsesStream implements StreamTranslator {
  #seq = 0
  #isStarted = false
  #model: string
  readonly #output: Json[] = []
  #message: OpenItem | null = null
  /** chat tool_calls index → its open function_call item */
  readonly #calls = new Map<number, OpenItem>()
  #finish: string | null = null
  #isFinished = false
  #usage: unknown = null
  /** The final Response (for the store), once the stream completed. */
  result: Json | null = null

  constructor(readonly shell: ResponseShell) {
    this.#model = str(shell.request.model) ?? ''
  }

  #ev(type: string, fields: Json): StreamEvent {
    return { event: type, data: { type, sequence_number: this.#seq++, ...fields } }
  }

  #closeMessage(out: StreamEvent[]): void {
    const open = this.#message
    if (!open) return
    this.#message = null
    const id = open.item.id as string
    const base = { item_id: id, output_index: open.index, content_index: 0 }
    out.push(this.#ev('response.output_text.done', { ...base, text: open.text, logprobs: [] }))
    out.push(
      this.#ev('response.content_part.done', {
        ...base,
        part: { type: 'output_text', text: open.text, annotations: [] },
      }),
    )
    const item = messageItem(id, open.text, 'completed')
    this.#output[open.index] = item
    out.push(this.#ev('response.output_item.done', { output_index: open.index, item }))
  }

  #closeCalls(out: StreamEvent[]): void {
    for (const open of this.#calls.values()) {
      if (open.item.status === 'completed') continue
      const item: Json = { ...open.item, arguments: open.text, status: 'completed' }
      open.item = item
      this.#output[open.index] = item
      out.push(
        this.#ev('response.function_call_arguments.done', {
          item_id: item.id,
          output_index: open.index,
          name: item.name,
          arguments: open.text,
        }),
      )
      out.push(this.#ev('response.output_item.done', { output_index: open.index, item }))
    }
  }

  push(chunk: Json): StreamEvent[] {
    const out: StreamEvent[] = []
    if (!this.#isStarted) {
      this.#isStarted = true
      this.#model = str(chunk.model) ?? this.#model
      const response = responseObject(this.shell, this.#model, [], null, null, {
        status: 'in_progress',
        incomplete_details: null,
      })
      out.push(this.#ev('response.created', { response }), this.#ev('response.in_progress', { response }))
    }
    if (isObject(chunk.usage)) this.#usage = chunk.usage
    const choice = Array.isArray(chunk.choices) && isObject(chunk.choices[0]) ? chunk.choices[0] : null
    if (!choice) return out
    const delta = isObject(choice.delta) ? choice.delta : {}
    const text = str(delta.content)
    if (text) {
      if (!this.#message) {
        const item = messageItem(newId('msg_'), '', 'in_progress')
        item.content = []
        this.#message = { index: this.#output.length, item, text: '' }
        this.#output.push(item)
        out.push(this.#ev('response.output_item.added', { output_index: this.#message.index, item }))
        const part = { type: 'output_text', text: '', annotations: [] }
        out.push(
          this.#ev('response.content_part.added', {
            item_id: item.id,
            output_index: this.#message.index,
            content_index: 0,
            part,
          }),
        )
      }
      this.#message.text += text
      out.push(
        this.#ev('response.output_text.delta', {
          item_id: this.#message.item.id,
          output_index: this.#message.index,
          content_index: 0,
          delta: text,
          logprobs: [],
        }),
      )
    }
    for (const call of Array.isArray(delta.tool_calls) ? delta.tool_calls.filter(isObject) : []) {
      const index = num(call.index) ?? 0
      const fn = isObject(call.function) ? call.function : {}
      let open = this.#calls.get(index)
      if (!open) {
        this.#closeMessage(out)
        const item = callItem(
          newId('fc_'),
          str(call.id) ?? newId('call_'),
          str(fn.name) ?? '',
          '',
          'in_progress',
        )
        open = { index: this.#output.length, item, text: '' }
        this.#calls.set(index, open)
        this.#output.push(item)
        out.push(this.#ev('response.output_item.added', { output_index: open.index, item }))
      }
      const fragment = str(fn.arguments)
      if (fragment) {
        open.text += fragment
        out.push(
          this.#ev('response.function_call_arguments.delta', {
            item_id: open.item.id,
            output_index: open.index,
            delta: fragment,
          }),
        )
      }
    }
    const finish = str(choice.finish_reason)
    if (finish) {
      this.#closeMessage(out)
      this.#closeCalls(out)
      this.#finish = finish
      this.#isFinished = true
    }
    return out
  }

  end(): StreamEvent[] {
    if (!this.#isFinished) return []
    const response = responseObject(this.shell, this.#model, this.#output, this.#finish, this.#usage)
    this.result = response
    return [
      this.#ev(response.status === 'completed' ? 'response.completed' : 'response.incomplete', { response }),
    ]
  }
}
