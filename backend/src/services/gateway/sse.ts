/**
 * Incremental server-sent-events parsing for the gateway's streams: events split across chunks,
 * `\n\n`, `\r\n\r\n` and `\r\r` boundaries, multi-byte characters cut between chunks. An event
 * keeps its raw text (normalised to `\n`) so it can be passed on as it came.
 */
import { StringDecoder } from 'node:string_decoder'

export interface SseEvent {
  /** The event as received, lines joined with `\n`, followed by the blank line that ends it. */
  raw: string
  /** The joined `data:` lines, or null when the event has none (a comment, a bare `event:`). */
  data: string | null
}

export class SseParser {
  readonly #decoder = new StringDecoder('utf8')
  #pending = ''

  /** Returns the events this chunk completes; an unfinished tail waits for the next chunk. */
  push(chunk: Buffer): SseEvent[] {
    let text = this.#pending + this.#decoder.write(chunk)
    if (text.includes('\r')) {
      // A trailing \r may be the first half of \r\n: keep it for the next chunk.
      const held = text.endsWith('\r') ? '\r' : ''
      text = (held ? text.slice(0, -1) : text).replace(/\r\n?/g, '\n') + held
    }
    const events: SseEvent[] = []
    let start = 0
    for (let end = text.indexOf('\n\n'); end !== -1; end = text.indexOf('\n\n', start)) {
      const block = text.slice(start, end)
      start = end + 2
      if (block.length > 0) events.push(parseBlock(block))
    }
    this.#pending = start === 0 ? text : text.slice(start)
    return events
  }

  /** Bytes received that did not end an event yet (an upstream that closes mid-event). */
  get hasPartial(): boolean {
    return this.#pending.trim().length > 0
  }
}

function parseBlock(block: string): SseEvent {
  let data: string | null = null
  // The common case, one `data:` line and nothing else, without splitting.
  if (block.startsWith('data:') && !block.includes('\n')) {
    data = block.charCodeAt(5) === 32 ? block.slice(6) : block.slice(5)
    return { raw: `${block}\n\n`, data }
  }
  for (const line of block.split('\n')) {
    if (!line.startsWith('data:')) continue
    const value = line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5)
    data = data === null ? value : `${data}\n${value}`
  }
  return { raw: `${block}\n\n`, data }
}

interface Choice {
  delta?: Record<string, unknown> | null
  text?: unknown
  finish_reason?: unknown
}

function isNonEmptyString(value: unknown): boolean {
  return typeof value === 'string' && value.length > 0
}

/**
 * The commit point (DESIGN.md §6): a chunk carries content when a choice has delta text, tool or
 * function calls, reasoning or a refusal, completion text, or a finish_reason. A role-only first
 * chunk (`{"role":"assistant","content":""}`) does not.
 */
export function inspectChunk(chunk: Record<string, unknown>): { hasContent: boolean; hasFinish: boolean } {
  const choices = chunk.choices
  let hasContent = false
  let hasFinish = false
  if (!Array.isArray(choices)) return { hasContent, hasFinish }
  for (const choice of choices as Choice[]) {
    if (choice === null || typeof choice !== 'object') continue
    if (choice.finish_reason !== null && choice.finish_reason !== undefined) {
      hasFinish = true
      hasContent = true
    }
    if (hasContent) continue
    const delta = choice.delta
    if (isNonEmptyString(choice.text)) hasContent = true
    else if (delta && typeof delta === 'object') hasContent = deltaHasContent(delta)
  }
  return { hasContent, hasFinish }
}

function deltaHasContent(delta: Record<string, unknown>): boolean {
  return (
    isNonEmptyString(delta.content) ||
    (Array.isArray(delta.tool_calls) && delta.tool_calls.length > 0) ||
    (delta.function_call !== null && typeof delta.function_call === 'object') ||
    isNonEmptyString(delta.reasoning_content) ||
    isNonEmptyString(delta.reasoning) ||
    isNonEmptyString(delta.refusal)
  )
}
