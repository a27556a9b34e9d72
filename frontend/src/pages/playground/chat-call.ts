/**
 * One Playground call: sends a chat completion, reads the answer as it arrives (SSE with
 * eventsource-parser, or one JSON body), and measures what the operator wants to see: who
 * answered (the x-switchboard-* headers), how many attempts, time to first token, usage.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser'

export interface Usage {
  prompt_tokens?: number
  completion_tokens?: number
  total_tokens?: number
}

export interface ChatOutcome {
  status: number
  /** x-switchboard-provider: a provider id, or "none". */
  providerId: string | null
  attempts: number | null
  requestId: string | null
  /** ms from sending to the first content (the headers, for a JSON answer). */
  firstTokenMs: number | null
  totalMs: number
  text: string
  usage: Usage | null
  /** The gateway's or the server's words when the call failed. */
  error: string | null
}

export interface ChatRequest {
  url: string
  headers: Record<string, string>
  body: Record<string, unknown>
  signal?: AbortSignal
  onText?: (text: string) => void
  now?: () => number
}

interface ChunkLike {
  choices?: Array<{ delta?: { content?: unknown }; message?: { content?: unknown } }>
  usage?: Usage | null
  error?: { message?: unknown }
}

function errorText(body: unknown, fallback: string): string {
  if (body && typeof body === 'object') {
    const b = body as { error?: { message?: unknown }; detail?: unknown; title?: unknown }
    if (typeof b.error?.message === 'string') return b.error.message
    if (typeof b.detail === 'string') return b.detail
    if (typeof b.title === 'string') return b.title
  }
  return fallback
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}

export async function sendChat(req: ChatRequest): Promise<ChatOutcome> {
  const now = req.now ?? (() => performance.now())
  const started = now()
  const res = await fetch(req.url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...req.headers },
    body: JSON.stringify(req.body),
    signal: req.signal,
  })
  const attempts = res.headers.get('x-switchboard-attempts')
  const outcome: ChatOutcome = {
    status: res.status,
    providerId: res.headers.get('x-switchboard-provider'),
    attempts: attempts === null ? null : Number(attempts),
    requestId: res.headers.get('x-request-id'),
    firstTokenMs: null,
    totalMs: 0,
    text: '',
    usage: null,
    error: null,
  }
  const isStream = (res.headers.get('content-type') ?? '').includes('text/event-stream')
  if (!isStream || !res.body) {
    const raw = await res.text()
    outcome.firstTokenMs = now() - started
    const body = parseJson(raw) as ChunkLike | null
    if (!res.ok) outcome.error = errorText(body, raw || `HTTP ${res.status}`)
    else {
      const content = body?.choices?.[0]?.message?.content
      outcome.text = typeof content === 'string' ? content : ''
      outcome.usage = body?.usage ?? null
      req.onText?.(outcome.text)
    }
    outcome.totalMs = now() - started
    return outcome
  }

  const parser = createParser({
    onEvent(event: EventSourceMessage) {
      if (event.data === '[DONE]') return
      const chunk = parseJson(event.data) as ChunkLike | null
      if (!chunk) return
      if (chunk.error) {
        outcome.error = errorText(chunk, 'the stream ended with an error')
        return
      }
      if (chunk.usage) outcome.usage = chunk.usage
      const delta = chunk.choices?.[0]?.delta?.content
      if (typeof delta === 'string' && delta !== '') {
        if (outcome.firstTokenMs === null) outcome.firstTokenMs = now() - started
        outcome.text += delta
        req.onText?.(outcome.text)
      }
    },
  })
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    parser.feed(value)
  }
  outcome.totalMs = now() - started
  return outcome
}
