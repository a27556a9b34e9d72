/**
 * Mid-stream continuation (issue 16 item 2, docs/gateway.md "Mid-stream continuation"): what a
 * committed stream has sent to the client, kept so another node can continue the answer when the
 * stream is cut, and the rewriting of the continuing leg's events so the client's one stream joins
 * up: the first leg's ids, `created` and `model`, the already-sent text skipped when the answer was
 * restarted, the usage of every leg summed, and `x_switchboard` on the last event.
 *
 * Only text is continued: a tool call, reasoning, a refusal, several choices or a second content
 * block make the answer one that is not continued (the stream ends with the honest error event).
 */
import { estimatedTokens } from '../../domain/key-policy.js'
import type { Json } from '../../domain/translate/index.js'
import type { Usage } from '../../domain/usage.js'
import type { EventKind } from './formats/types.js'

/**
 * `prefill`: the text already sent goes to the node as the start of the assistant's answer, which
 * it continues; `restart`: the request is sent again and its answer is used only when it begins
 * with exactly the text already sent (which is skipped).
 */
export type ContinuationMode = 'prefill' | 'restart'

/** `Splice.pass` of a restarted answer that does not begin with the text already sent. */
export const DIVERGED = Symbol('diverged')
export type Passed = string | null | typeof DIVERGED

/** One leg of a continued answer, as `x_switchboard` and the request log name it. */
export interface SpliceLeg {
  providerId: number
  model: string | null
  mode: 'original' | ContinuationMode
}

/** How one wire format's stream is recorded, continued and rewritten. */
export interface SpliceFormat {
  /** A first-leg event the client got: its text is kept; anything but text ends continuability. */
  record(splice: Splice, chunk: Json): void
  /** A continuing leg's event as the client gets it; null: dropped (held events, skipped text). */
  rewrite(splice: Splice, chunk: Json, kind: EventKind): Passed
  /** The continuation body asking a node to continue `text` as its own answer. */
  prefill(body: Json, model: string, text: string): { body: Json; skip: string }
  /** The event written before the format's end when the answer was continued ('' : none). */
  final(splice: Splice, usage: Usage | null): string
}

export class Splice {
  #parts: string[] = []
  /** The first leg's `id`, `created` and `model`, which every later event carries. */
  id: unknown = undefined
  created: unknown = undefined
  model: unknown = undefined
  /** False once the answer holds what is not continued (a tool call…) or is complete. */
  isContinuable = true
  /** Messages: the index of the text block open at the client (continued into), else null. */
  openBlock: number | null = null
  /** The part of the sent text a continuing leg must reproduce before its new text counts. */
  skip = ''
  /** True once a leg continues this answer: its events are rewritten, its head is not sent. */
  isContinuing = false
  /** The legs that sent part of the answer so far, oldest first; then the leg running now. */
  readonly legs: SpliceLeg[] = []
  current: SpliceLeg | null = null
  /** Tokens of the legs that ended so far, summed (the running leg adds its own at its end). */
  usage: Usage | null = null

  constructor(
    readonly format: SpliceFormat,
    /** The client asked for the usage chunk (chat): the continued answer's final chunk carries the sum. */
    readonly includeUsage: boolean,
  ) {}

  get text(): string {
    if (this.#parts.length > 1) this.#parts = [this.#parts.join('')]
    return this.#parts[0] ?? ''
  }

  append(text: string): void {
    if (text !== '') this.#parts.push(text)
  }

  /** An event the client is sent: recorded (first leg) or rewritten (a continuing leg). */
  pass(chunk: Json, kind: EventKind, raw: string): Passed {
    if (!this.isContinuing) {
      if (this.isContinuable) this.format.record(this, chunk)
      return raw
    }
    return this.format.rewrite(this, chunk, kind)
  }

  /** Where `text` of a continuing leg joins: the new part of it, '' while skipping, DIVERGED. */
  join(text: string): string | typeof DIVERGED {
    if (this.skip === '') return text
    if (this.skip.startsWith(text)) {
      this.skip = this.skip.slice(text.length)
      return ''
    }
    if (!text.startsWith(this.skip)) return DIVERGED
    const rest = text.slice(this.skip.length)
    this.skip = ''
    return rest
  }

  /** Makes this splice continue on `leg`: the leg that was cut joins `legs`. */
  beginLeg(leg: SpliceLeg, skip: string): void {
    if (this.current) this.legs.push(this.current)
    this.current = leg
    this.skip = skip
    this.isContinuing = true
    // a leg that failed before it sent anything may have read events that said otherwise
    this.isContinuable = true
  }

  /** A leg that failed before it sent anything: the next one starts from the same point. */
  dropLeg(): void {
    this.current = this.legs.pop() ?? null
  }

  /** `x_switchboard` of a continued answer's last event. */
  report(): Json {
    const legs = this.current ? [...this.legs, this.current] : this.legs
    return {
      continued: true,
      continued_by: this.current?.providerId ?? null,
      legs: legs.map((l) => ({ provider_id: l.providerId, model: l.model, mode: l.mode })),
    }
  }

  /** What a continued stream writes before the format's end (the first leg writes nothing). */
  finalEvent(usage: Usage | null): string {
    return this.isContinuing ? this.format.final(this, usage) : ''
  }
}

/** Tokens of two legs together; a count neither leg knows stays null. */
export function addUsage(a: Usage | null, b: Usage | null): Usage | null {
  if (!a) return b
  if (!b) return a
  const sum = (x: number | null, y: number | null) => (x === null && y === null ? null : (x ?? 0) + (y ?? 0))
  return {
    input: sum(a.input, b.input),
    output: sum(a.output, b.output),
    cachedInput: sum(a.cachedInput, b.cachedInput),
    reasoning: sum(a.reasoning, b.reasoning),
  }
}

function isNonEmpty(value: unknown): boolean {
  return typeof value === 'string' && value.length > 0
}

interface ChatChoice {
  index?: unknown
  delta?: Record<string, unknown> | null
  finish_reason?: unknown
}

/** A delta carrying what is not text: tool or function calls, reasoning, a refusal. */
function hasNonText(delta: Record<string, unknown>): boolean {
  return (
    (delta.tool_calls !== undefined && delta.tool_calls !== null) ||
    (delta.function_call !== undefined && delta.function_call !== null) ||
    isNonEmpty(delta.reasoning_content) ||
    isNonEmpty(delta.reasoning) ||
    isNonEmpty(delta.refusal)
  )
}

const chatSplice: SpliceFormat = {
  record(splice, chunk) {
    if (splice.id === undefined) {
      splice.id = chunk.id
      splice.created = chunk.created
      splice.model = chunk.model
    }
    const choices = chunk.choices
    if (!Array.isArray(choices)) return
    for (const choice of choices as ChatChoice[]) {
      const delta = choice?.delta
      if (choice?.index !== 0 || (choice.finish_reason ?? null) !== null || (delta && hasNonText(delta))) {
        splice.isContinuable = false
        return
      }
      if (delta && typeof delta.content === 'string') splice.append(delta.content)
    }
  },

  rewrite(splice, chunk) {
    const choices = chunk.choices
    // the usage-only chunk is hidden by the exchange; any other chunk without a choice says nothing
    if (!Array.isArray(choices) || choices.length === 0) return null
    const choice = choices[0] as ChatChoice
    if (choices.length > 1 || choice?.index !== 0) return DIVERGED
    const delta = choice.delta ?? {}
    const isFinish = (choice.finish_reason ?? null) !== null
    const isOther = hasNonText(delta)
    let content = typeof delta.content === 'string' ? delta.content : ''
    if (content !== '') {
      const joined = splice.join(content)
      if (joined === DIVERGED) return DIVERGED
      if (joined !== content) delta.content = joined
      content = joined
    }
    // an answer that ends, or turns to a tool call, before it reproduced the sent text
    if (splice.skip !== '' && (isFinish || isOther)) return DIVERGED
    if (content === '' && !isFinish && !isOther) return null
    splice.append(content)
    if (isFinish || isOther) splice.isContinuable = false
    chunk.id = splice.id
    chunk.created = splice.created
    chunk.model = splice.model
    return `data: ${JSON.stringify(chunk)}\n\n`
  },

  prefill(body, model, text) {
    const messages = Array.isArray(body.messages) ? body.messages : []
    const options = body.stream_options
    return {
      body: {
        ...body,
        ...capsLeft(body, text),
        model,
        messages: [...messages, { role: 'assistant', content: text }],
        stream_options: { ...(options && typeof options === 'object' ? options : {}), include_usage: true },
      },
      skip: '',
    }
  },

  final(splice, usage) {
    const total = addUsage(splice.usage, usage)
    const data: Json = {
      id: splice.id,
      object: 'chat.completion.chunk',
      created: splice.created,
      model: splice.model,
      choices: [],
    }
    if (splice.includeUsage && total) {
      const input = total.input ?? 0
      const output = total.output ?? 0
      data.usage = { prompt_tokens: input, completion_tokens: output, total_tokens: input + output }
    }
    data.x_switchboard = splice.report()
    return `data: ${JSON.stringify(data)}\n\n`
  },
}

interface MessagesEvent {
  type?: unknown
  index?: unknown
  message?: { id?: unknown; model?: unknown }
  content_block?: { type?: unknown }
  delta?: { type?: unknown; text?: unknown; stop_reason?: unknown }
  usage?: Record<string, unknown>
}

function messagesEvent(chunk: Json): string {
  return `event: ${String(chunk.type)}\ndata: ${JSON.stringify(chunk)}\n\n`
}

const messagesSplice: SpliceFormat = {
  record(splice, chunk) {
    const event = chunk as MessagesEvent
    switch (event.type) {
      case 'message_start':
        splice.id = event.message?.id
        splice.model = event.message?.model
        return
      case 'content_block_start':
        // one text block only: a second block (after a thinking block, before a tool use) is not continued
        if (event.content_block?.type !== 'text' || splice.openBlock !== null || splice.text !== '')
          splice.isContinuable = false
        else splice.openBlock = typeof event.index === 'number' ? event.index : 0
        return
      case 'content_block_delta':
        if (event.delta?.type === 'text_delta' && typeof event.delta.text === 'string')
          splice.append(event.delta.text)
        else splice.isContinuable = false
        return
      case 'content_block_stop':
      case 'message_delta':
        // cut between blocks or after the stop reason: nothing open to continue into
        splice.isContinuable = false
        return
      default:
        return
    }
  },

  rewrite(splice, chunk) {
    const event = chunk as MessagesEvent
    const isFirst = event.index === 0
    // the continuation's first block is the client's open one; later blocks follow it
    if (typeof event.index === 'number') event.index += splice.openBlock ?? 0
    switch (event.type) {
      case 'content_block_start':
        if (isFirst) return event.content_block?.type === 'text' ? null : DIVERGED
        if (splice.skip !== '') return DIVERGED
        splice.isContinuable = false
        return messagesEvent(chunk)
      case 'content_block_delta': {
        if (!isFirst) return splice.skip === '' ? messagesEvent(chunk) : DIVERGED
        if (event.delta?.type !== 'text_delta' || typeof event.delta.text !== 'string') return DIVERGED
        const joined = splice.join(event.delta.text)
        if (joined === DIVERGED) return DIVERGED
        if (joined === '') return null
        splice.append(joined)
        event.delta.text = joined
        return messagesEvent(chunk)
      }
      case 'content_block_stop':
        if (splice.skip !== '') return DIVERGED
        splice.isContinuable = false
        return messagesEvent(chunk)
      case 'message_delta': {
        if (splice.skip !== '') return DIVERGED
        splice.isContinuable = false
        const usage = event.usage
        const earlier = splice.usage?.output ?? null
        if (usage && typeof usage.output_tokens === 'number' && earlier !== null)
          usage.output_tokens += earlier
        return messagesEvent(chunk)
      }
      case 'message_stop':
        if (splice.skip !== '') return DIVERGED
        chunk.x_switchboard = splice.report()
        return messagesEvent(chunk)
      default:
        // message_start (the client has the first leg's), ping
        return null
    }
  },

  prefill(body, model, text) {
    // Anthropic refuses a final assistant turn ending in whitespace: it is left out of the
    // prefill, and the continuation must begin with it (skipped) to join up
    const kept = text.trimEnd()
    const messages = Array.isArray(body.messages) ? body.messages : []
    return {
      body: {
        ...body,
        ...capsLeft(body, kept),
        model,
        messages: [...messages, { role: 'assistant', content: kept }],
      },
      skip: text.slice(kept.length),
    }
  },

  final() {
    return ''
  },
}

/**
 * The output fields of a prefill continuation, lowered by the tokens the sent text took: the
 * continuation only writes the rest of the answer, and the client's cap holds for the whole of it.
 * The tokens are estimated as the limits estimate them (`estimatedTokens`); at least 1 is left.
 * A restart regenerates the sent text, so its body keeps the client's cap (not through here).
 */
function capsLeft(body: Json, text: string): Json {
  const spent = estimatedTokens(text.length)
  const caps: Json = {}
  for (const field of ['max_tokens', 'max_completion_tokens']) {
    const value = body[field]
    if (typeof value === 'number' && Number.isFinite(value))
      caps[field] = Math.max(1, Math.ceil(value) - spent)
  }
  return caps
}

/** The endpoints whose committed streams may be continued, and how. */
export const SPLICE_FORMATS: Partial<Record<string, SpliceFormat>> = {
  'chat/completions': chatSplice,
  messages: messagesSplice,
}
