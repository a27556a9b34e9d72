/**
 * One attempt against one upstream: an undici dispatch handler that forwards the answer to the
 * client as it arrives, or reports why the attempt failed while nothing has been sent yet
 * (DESIGN.md §6). The dispatch API (not `fetch`, not a Readable per response) keeps the per-request
 * cost close to a raw `node:http` proxy: no web streams, no intermediate body stream, and the
 * controller gives abort and back-pressure (pause/resume) directly.
 *
 * Modes, chosen when the status line arrives:
 * - `error`: a non-2xx answer, collected (at most 64 KB, then the upstream is cut off) so the
 *   caller can fail over or pass it back;
 * - `pass`: a 2xx answer to a non-streaming request, piped through (with the key masked);
 * - `sse`: a 2xx event stream: events before the first one carrying content are held back, then
 *   flushed at that commit point; after it, events go straight out and failures end the stream
 *   with an SSE error event and no `[DONE]`.
 *
 * Every byte from an upstream whose provider has a key goes through a `KeyScrubber` first (error
 * bodies, passed-through bodies, the stream before it is parsed), so no spelling of the key reaches
 * the client. Upstreams are asked for `accept-encoding: identity`; a compressed answer anyway could
 * hide the key, so from a provider with a key it is refused (2xx) or its body replaced (errors).
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders, ServerResponse } from 'node:http'
import type { Logger } from 'pino'
import type { Dispatcher } from 'undici'
import { retryAfterMsOf } from '../../domain/retry.js'
import type { StreamEvent, StreamTranslator, Translation } from '../../domain/translate/index.js'
import { readError } from '../../domain/translate/types.js'
import { mergeUsage, readTrailingUsage, readUsage, type Usage } from '../../domain/usage.js'
import type { Deadlines, Timed } from './deadlines.js'
import type { EventKind, WireFormat } from './formats/types.js'
import { copyUpstreamHeaders } from './forwarded-headers.js'
import { type KeyPattern, KeyScrubber } from './key-scrubber.js'
import type { AttemptOutcome } from './observer.js'
import { SseParser } from './sse.js'
import { DIVERGED, type Splice } from './stream-splice.js'
import { errorCodeOf, type Failure, isTimeoutError } from './upstream-failure.js'

/** Where an attempt goes and with what credentials. */
export interface Target {
  providerId: number
  origin: string
  path: string
  /** The provider's key: masked in anything passed back to the client (null: nothing to mask). */
  key: KeyPattern | null
}

export interface ExchangeOptions {
  res: ServerResponse
  requestId: string
  log: Pick<Logger, 'warn' | 'debug'>
  stream: boolean
  /** The client did not ask for the final usage chunk (the gateway did): it is not passed on. */
  hideUsageChunk?: boolean
  /** The wire format of the endpoint called: how its streams commit and end, how its errors look. */
  format: WireFormat
  /** Providers tried so far including this one: the x-switchboard-attempts header. */
  attemptNumber: number
  headersTimeoutMs: number
  firstTokenTimeoutMs: number
  idleTimeoutMs: number
  /** Longest an attempt may last from the request to the end of its answer; Infinity: no limit. */
  maxDurationMs: number
  deadlines: Deadlines
  /** The provider speaks another format: the answer is translated to the client's (`format`). */
  translation?: AttemptTranslation
  /**
   * The stream may be continued when it is cut after the commit (stream-splice.ts): what is sent
   * is kept in it, and a cut settles with `cut` leaving the client's stream open. A splice that
   * `isContinuing` makes this attempt a continuing leg: its events are rewritten, no head is sent.
   */
  splice?: Splice
}

/** One attempt's translation: the target's wire format and the mappers (domain/translate/). */
export interface AttemptTranslation {
  /** How the target's streams end and fail. */
  upstream: WireFormat
  mappers: Translation
  /** The client's parameters the target cannot take, left out of its body. */
  dropped: readonly string[]
}

export type Settlement =
  | {
      kind: 'answered'
      outcome: AttemptOutcome
      status: number | null
      ttfbMs: number | null
      /** Tokens the answer reported (a cut stream: what it reported before the cut), if any. */
      usage: Usage | null
      /** An id the answer carries that binds follow-ups to this provider (a Responses response id). */
      boundId?: string
      /**
       * The stream was cut after the commit and may be continued: the client's stream is still
       * open and whoever settles it must end it, with `end` (the error event) when it is not continued.
       */
      cut?: { end: string; code: string }
    }
  | {
      kind: 'failed'
      /** True when the next provider may be tried (DESIGN.md §6 failover rules). */
      retry: boolean
      outcome: AttemptOutcome
      status: number | null
      ttfbMs: number | null
      failure: Failure
    }

/**
 * A JSON answer up to this size is kept (its chunks, not a copy) to read its `usage` once it was
 * passed on; of a bigger one (embeddings) only the last USAGE_TAIL_BYTES, where `usage` comes.
 */
const USAGE_BODY_BYTES = 64 * 1024
const USAGE_TAIL_BYTES = 16 * 1024

/** A translated JSON answer is read whole before it is translated; past this size it is refused. */
const MAX_TRANSLATED_BODY_BYTES = 16 * 1024 * 1024

/** What is read of an error body; past it the upstream is cut off and the status passed on. */
const MAX_ERROR_BODY_BYTES = 64 * 1024

/** Why an error body is not passed on as it came. */
type ErrorBodyCut = 'too_large' | 'stalled' | 'encoded'

/** The error code and reason the client gets instead of such a body (the status stays the upstream's). */
const ERROR_BODY_CUTS: Record<ErrorBodyCut, [string, string]> = {
  too_large: ['upstream_error_too_large', `its error body was over ${MAX_ERROR_BODY_BYTES / 1024} KB`],
  stalled: ['upstream_error_incomplete', 'its error body did not arrive in time'],
  encoded: ['upstream_error_encoded', 'its error body was compressed although asked for identity'],
}

function hasContentEncoding(headers: IncomingHttpHeaders): boolean {
  const value = headers['content-encoding']
  if (value === undefined) return false
  const text = (Array.isArray(value) ? value.join(',') : value).trim().toLowerCase()
  return text !== '' && text !== 'identity'
}

class TimeoutAbort extends Error {}
class ClientGoneAbort extends Error {}

export class Exchange implements Dispatcher.DispatchHandler, Timed {
  deadline = Number.POSITIVE_INFINITY
  readonly settled: Promise<Settlement>
  #resolve!: (settlement: Settlement) => void
  #isSettled = false
  #controller: Dispatcher.DispatchController | null = null
  #abortReason: Error | null = null
  readonly #startedAt = performance.now()
  /** performance.now() past which the attempt is over (BACKEND_GATEWAY_STREAM_MAX_DURATION_SECONDS). */
  readonly #endsAt: number
  readonly #scrubber: KeyScrubber | null
  #isErrorEncoded = false
  #ttfbMs: number | null = null
  #mode: 'waiting' | 'error' | 'pass' | 'sse' | 'ignore' = 'waiting'
  #status = 0
  #headers: IncomingHttpHeaders = {}
  #errorChunks: Buffer[] = []
  #errorBytes = 0
  // streams
  #parser: SseParser | null = null
  #held: string[] = []
  #isCommitted = false
  #hasFinish = false
  #isPaused = false
  #lastDataAt = 0
  #hasUpstreamEnded = false
  #usage: Usage | null = null
  /** Stream events that carried content: a stream cut before its usage chunk is counted by them. */
  #contentEvents = 0
  #bodyCopy: Buffer[] = []
  #bodyCopyBytes = 0
  #boundId: string | null = null
  /** Settled at a terminal event, the upstream's end not seen yet (see onDeadline). */
  #isDraining = false
  /** The first bytes of a passed-through body, while the format looks for its id in them. */
  #idPrefix: string | null = null
  /** The translation's stream state (sse mode of a translated attempt). */
  #translator: StreamTranslator | null = null
  #isTranslatorEnded = false

  constructor(
    readonly target: Target,
    readonly opts: ExchangeOptions,
  ) {
    this.settled = new Promise((resolve) => {
      this.#resolve = resolve
    })
    this.#endsAt = this.#startedAt + opts.maxDurationMs
    this.#scrubber = target.key ? new KeyScrubber(target.key) : null
    const firstTimeout = opts.stream
      ? Math.min(opts.headersTimeoutMs, opts.firstTokenTimeoutMs)
      : opts.headersTimeoutMs
    this.#armDeadline(this.#startedAt + firstTimeout)
    opts.deadlines.watch(this)
  }

  get elapsedMs(): number {
    return performance.now() - this.#startedAt
  }

  /** The client went away: stop the upstream at once. */
  abortForClient(): void {
    if (this.#isSettled) return
    this.#abort(new ClientGoneAbort('client disconnected'))
    this.#settle(this.#answered('aborted'))
  }

  // ---- undici handler ----

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller
    if (this.#abortReason) controller.abort(this.#abortReason)
  }

  onResponseStart(_c: Dispatcher.DispatchController, status: number, headers: IncomingHttpHeaders): void {
    if (status < 200 || this.#isSettled) return
    this.#status = status
    this.#headers = headers
    this.#ttfbMs = this.elapsedMs
    const isEncoded = this.#scrubber !== null && hasContentEncoding(headers)
    if (status >= 300) {
      // an error body that stalls must not hold the request: it gets the idle timeout
      this.#armDeadline(performance.now() + this.opts.idleTimeoutMs)
      this.#mode = 'error'
      this.#isErrorEncoded = isEncoded
      return
    }
    if (isEncoded) {
      this.#abort(new ClientGoneAbort('compressed answer refused'))
      const message =
        'the upstream answered with a compressed body although asked for identity; it is not passed on'
      this.#fail(true, 'server_error', this.opts.format.failure(502, 'upstream_encoding_refused', message))
      return
    }
    const contentType = this.#scrubbedHeader(headers['content-type'])
    if (this.opts.stream && contentType.includes('text/event-stream')) {
      this.#mode = 'sse'
      this.#parser = new SseParser()
      if (this.opts.translation) this.#translator = this.opts.translation.mappers.stream()
      this.#armDeadline(this.#startedAt + this.opts.firstTokenTimeoutMs)
      return
    }
    // undici's bodyTimeout watches a JSON body; a stream answered with JSON has none
    this.#armDeadline(
      this.opts.stream ? performance.now() + this.opts.idleTimeoutMs : Number.POSITIVE_INFINITY,
    )
    this.#lastDataAt = performance.now()
    this.#mode = 'pass'
    // a translated answer is read whole, then translated and sent (nothing is committed before)
    if (this.opts.translation) return
    if (this.opts.format.idOfBody) this.#idPrefix = ''
    this.#commitHead(status, contentType || 'application/json', headers)
  }

  onResponseData(_c: Dispatcher.DispatchController, chunk: Buffer): void {
    switch (this.#mode) {
      case 'pass':
        this.#lastDataAt = performance.now()
        if (this.opts.translation) {
          this.#collectTranslated(chunk)
          return
        }
        this.#copyBody(chunk)
        if (this.#idPrefix !== null) this.#lookForId(chunk)
        if (!this.#scrubber) this.#write(chunk)
        else {
          // all of it may wait for the next chunk (it may begin the key): write nothing then
          const out = this.#scrubber.push(chunk)
          if (out.length > 0) this.#write(out)
        }
        return
      case 'sse':
        this.#lastDataAt = performance.now()
        this.#onStreamBytes(this.#scrubber ? this.#scrubber.push(chunk) : chunk)
        return
      case 'error':
        this.#errorChunks.push(chunk)
        this.#errorBytes += chunk.length
        if (this.#errorBytes > MAX_ERROR_BODY_BYTES) {
          // an endless error body is not read to its end: the status is all the client needs
          this.#abort(new ClientGoneAbort('error body too large'))
          this.#settleError('too_large')
        }
        return
      default:
        return
    }
  }

  onResponseEnd(): void {
    this.#hasUpstreamEnded = true
    if (this.#isDraining) this.#stopDeadline()
    switch (this.#mode) {
      case 'pass': {
        if (this.opts.translation) {
          this.#sendTranslated()
          return
        }
        const rest = this.#scrubber?.end()
        if (rest && rest.length > 0) this.opts.res.end(rest)
        else this.opts.res.end()
        this.#usage = this.#usageOfBody()
        this.#settle(this.#answered('success'))
        return
      }
      case 'sse': {
        const rest = this.#scrubber?.end()
        if (rest && rest.length > 0) this.#onStreamBytes(rest)
        if (this.#mode === 'sse') this.#onStreamEnd()
        return
      }
      case 'error':
        this.#settleError(this.#isErrorEncoded ? 'encoded' : null)
        return
      default:
        return
    }
  }

  onResponseError(_c: Dispatcher.DispatchController, error: Error): void {
    this.#hasUpstreamEnded = true
    // our own aborts (timeouts, client gone, attempt over) were dealt with where they were made
    if (this.#isSettled || this.#abortReason) return
    const isTimeout = isTimeoutError(error)
    if (this.#isCommitted) {
      if (this.#mode === 'sse') {
        const code = isTimeout ? 'upstream_timeout' : 'upstream_reset'
        this.#endStreamWithError(code, 'the upstream connection failed mid-stream')
      } else {
        this.opts.res.destroy()
        this.#settle(this.#answered('stream_error'))
      }
      return
    }
    this.#stopDeadline()
    if (isTimeout) {
      this.#fail(
        true,
        'timeout',
        this.opts.format.failure(504, 'upstream_timeout', 'the upstream did not answer in time'),
      )
      return
    }
    const code = (error as { code?: string }).code
    this.opts.log.debug({ providerId: this.target.providerId, code }, 'upstream connection failed')
    this.#fail(
      true,
      'connection_error',
      this.opts.format.failure(502, 'upstream_unreachable', 'the upstream could not be reached'),
    )
  }

  // ---- error answers ----

  /** The upstream's error answer as the client may see it: key masked, or a body of our own. */
  #errorFailure(cut: ErrorBodyCut | null): { failure: Failure; text: string } {
    const status = this.#status
    if (cut !== null) {
      const [code, why] = ERROR_BODY_CUTS[cut]
      const failure = this.opts.format.failure(status, code, `the upstream answered ${status}; ${why}`)
      return { failure, text: failure.body }
    }
    const body = Buffer.concat(this.#errorChunks)
    const text = (this.target.key ? this.target.key.scrub(body) : body).toString('utf8')
    const headers: OutgoingHttpHeaders = {}
    copyUpstreamHeaders(this.#headers, headers, this.#cleanHeader)
    const { translation } = this.opts
    if (translation) {
      // the client's SDK reads its own error shape; the status (and Retry-After) stay the target's
      const translated = translation.mappers.errorBody(status, text)
      return { failure: { status, contentType: 'application/json', body: translated, headers }, text }
    }
    const contentType = this.#scrubbedHeader(this.#headers['content-type']) || 'application/json'
    return { failure: { status, contentType, body: text, headers }, text }
  }

  #settleError(cut: ErrorBodyCut | null): void {
    const status = this.#status
    const { failure, text } = this.#errorFailure(cut)
    if (status < 400) {
      const redirect = this.opts.format.failure(
        502,
        'upstream_redirect',
        `the upstream answered ${status}; redirects are not followed`,
      )
      this.#fail(true, 'server_error', redirect)
      return
    }
    if (status === 429 || status === 503) {
      const retryAfter = this.#scrubbedHeader(this.#headers['retry-after'])
      const waitMs = retryAfterMsOf(this.#scrubbedHeader(this.#headers['retry-after-ms']), retryAfter)
      if (waitMs !== null) failure.retryAfterMs = waitMs
      if (status === 429) {
        if (retryAfter) failure.retryAfter = retryAfter
        this.#fail(true, 'rate_limited', failure)
        return
      }
    }
    if (status >= 500) {
      this.#fail(true, 'server_error', failure)
      return
    }
    const isContextLength = status === 400 && errorCodeOf(text) === 'context_length_exceeded'
    this.#fail(isContextLength, 'client_error', failure)
  }

  #fail(retry: boolean, outcome: AttemptOutcome, failure: Failure): void {
    const status = this.#status || null
    this.#settle({ kind: 'failed', retry, outcome, status, ttfbMs: this.#ttfbMs, failure })
  }

  // ---- streams ----

  #onStreamBytes(bytes: Buffer): void {
    if (bytes.length === 0) return
    for (const event of this.#parser!.push(bytes)) {
      this.#onEvent(event.raw, event.data)
      if (this.#mode !== 'sse') return
    }
  }

  #onEvent(raw: string, data: string | null): void {
    if (this.#translator) {
      this.#onTargetEvent(raw, data, this.#translator)
      return
    }
    if (data === null) {
      if (this.#isCommitted) this.#write(raw)
      else this.#held.push(raw)
      return
    }
    const { format } = this.opts
    if (data === format.doneMarker) {
      this.#onDone()
      return
    }
    let chunk: Record<string, unknown>
    try {
      chunk = JSON.parse(data) as Record<string, unknown>
    } catch {
      this.opts.log.warn(
        { providerId: this.target.providerId },
        'dropped a stream event that is not valid JSON',
      )
      return
    }
    if (chunk === null || typeof chunk !== 'object') return
    const kind = format.classify(chunk)
    if (kind !== 'error') {
      const usage = readUsage(chunk)
      if (usage) {
        this.#usage = mergeUsage(this.#usage, usage)
        // the usage-only chunk the gateway asked for: choices is empty in it
        if (this.opts.hideUsageChunk && Array.isArray(chunk.choices) && chunk.choices.length === 0) return
      }
      if (kind === 'content') this.#contentEvents += 1
    }
    if (kind === 'error') {
      this.#onErrorEvent(raw, chunk, data)
      return
    }
    if (this.opts.splice) {
      const passed = this.opts.splice.pass(chunk, kind, raw)
      if (passed === DIVERGED) {
        this.#onDiverged()
        return
      }
      if (passed === null) {
        // a restart replaying the sent text is not silent: from its first token it gets the idle timeout
        if (kind === 'content' && !this.#isCommitted && this.opts.splice.isContinuing)
          this.#armDeadline(this.#lastDataAt + this.opts.idleTimeoutMs)
        return
      }
      this.#route(passed, chunk, kind)
      return
    }
    this.#route(raw, chunk, kind)
  }

  /** An event in the client's format, by what it is: held, committing, finishing or ending the stream. */
  #route(raw: string, chunk: Record<string, unknown>, kind: Exclude<EventKind, 'error'>): void {
    const { format } = this.opts
    switch (kind) {
      case 'held':
        if (this.#boundId === null && format.idOfEvent && !this.opts.translation)
          this.#boundId = format.idOfEvent(chunk)
        if (this.#isCommitted) this.#write(raw)
        else this.#held.push(raw)
        return
      case 'terminal':
        this.#hasFinish = true
        if (this.#isCommitted) this.#write(raw)
        else this.#commitStream(raw)
        this.#endAtTerminal()
        return
      default:
        if (kind === 'finish') this.#hasFinish = true
        if (this.#isCommitted) this.#write(raw)
        else this.#commitStream(raw)
    }
  }

  /**
   * The format's last event was sent: what follows is dropped; an upstream that does not end soon
   * after it is cut off (one that does keeps its connection for the next request).
   */
  #endAtTerminal(): void {
    this.#endStreamComplete()
    if (!this.#hasUpstreamEnded) {
      this.#mode = 'ignore'
      this.#isDraining = true
      this.deadline = performance.now() + Math.min(this.opts.idleTimeoutMs, 5000)
      this.opts.deadlines.watch(this)
    }
  }

  // ---- translated streams ----

  /**
   * An event of the target's stream: its end and its errors by the target's rules, its usage
   * counted, then each event its translation gives goes out by the client format's rules.
   */
  #onTargetEvent(raw: string, data: string | null, translator: StreamTranslator): void {
    if (data === null) return // comments and bare event names mean nothing in the client's format
    const { upstream } = this.opts.translation!
    if (data === upstream.doneMarker) {
      this.#endTranslator()
      if (this.#mode === 'sse') this.#onDone()
      return
    }
    let chunk: Record<string, unknown>
    try {
      chunk = JSON.parse(data) as Record<string, unknown>
    } catch {
      this.opts.log.warn(
        { providerId: this.target.providerId },
        'dropped a stream event that is not valid JSON',
      )
      return
    }
    if (chunk === null || typeof chunk !== 'object') return
    const kind = upstream.classify(chunk)
    if (kind === 'error') {
      this.#onErrorEvent(raw, chunk, data)
      return
    }
    const usage = readUsage(chunk)
    if (usage) this.#usage = mergeUsage(this.#usage, usage)
    if (kind === 'content') this.#contentEvents += 1
    this.#sendTranslatedEvents(translator.push(chunk))
    if (kind === 'terminal' && this.#mode === 'sse') {
      this.#endTranslator()
      if (this.#mode === 'sse') this.#endAtTerminal()
    }
  }

  #sendTranslatedEvents(events: StreamEvent[]): void {
    const { format } = this.opts
    for (const event of events) {
      if (this.#mode !== 'sse') return
      const json = JSON.stringify(event.data)
      const raw = event.event ? `event: ${event.event}\ndata: ${json}\n\n` : `data: ${json}\n\n`
      const kind = format.classify(event.data)
      if (kind !== 'error') this.#route(raw, event.data, kind)
    }
  }

  /** The target's stream ended cleanly: what its translation still has to say goes out. */
  #endTranslator(): void {
    if (!this.#translator || this.#isTranslatorEnded) return
    this.#isTranslatorEnded = true
    this.#sendTranslatedEvents(this.#translator.end())
  }

  // ---- translated JSON answers ----

  #collectTranslated(chunk: Buffer): void {
    this.#bodyCopy.push(chunk)
    this.#bodyCopyBytes += chunk.length
    if (this.#bodyCopyBytes <= MAX_TRANSLATED_BODY_BYTES) return
    this.#abort(new ClientGoneAbort('translated answer too large'))
    const message = `the upstream answer is over ${MAX_TRANSLATED_BODY_BYTES / 1024 / 1024} MB, too large to translate`
    this.#fail(false, 'server_error', this.opts.format.failure(502, 'upstream_answer_too_large', message))
  }

  #sendTranslated(): void {
    const bytes = Buffer.concat(this.#bodyCopy)
    this.#bodyCopy = []
    const text = (this.target.key ? this.target.key.scrub(bytes) : bytes).toString('utf8')
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      parsed = null
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      const failure = this.opts.format.failure(
        502,
        'upstream_invalid_answer',
        'the upstream answer is not a JSON object',
      )
      this.#fail(true, 'server_error', failure)
      return
    }
    const body = Buffer.from(
      JSON.stringify(this.opts.translation!.mappers.answer(parsed as Record<string, unknown>)),
    )
    this.#usage = readUsage(parsed)
    this.#commitHead(this.#status, 'application/json', this.#headers, body.length)
    this.opts.res.end(body)
    this.#settle(this.#answered('success'))
  }

  #commitStream(raw: string): void {
    // a continuing leg joins the client's stream: its head went out with the first leg
    if (this.opts.splice?.isContinuing) this.#isCommitted = true
    else this.#commitHead(200, 'text/event-stream; charset=utf-8', this.#headers)
    this.#ttfbMs = this.elapsedMs
    const held = this.#held
    this.#held = []
    this.#write(held.length > 0 ? held.join('') + raw : raw)
    this.#armDeadline(this.#lastDataAt + this.opts.idleTimeoutMs)
  }

  /** `[DONE]` ends the stream as the upstream closing would; before any content it is a failure. */
  #onDone(): void {
    if (!this.#isCommitted) this.#abortUpstream()
    this.#onStreamEnd()
  }

  /** `raw` and `data` come from scrubbed bytes: the key is already masked in them. */
  #onErrorEvent(raw: string, chunk: Record<string, unknown>, data: string): void {
    const { translation } = this.opts
    if (!this.#isCommitted) {
      this.#abortUpstream()
      let failure = (translation?.upstream ?? this.opts.format).errorEventFailure(chunk, data)
      if (translation) failure = { ...failure, body: translation.mappers.errorBody(failure.status, data) }
      this.#fail(true, 'server_error', failure)
      return
    }
    this.#mode = 'ignore'
    this.#stopDeadline()
    this.#abortUpstream()
    let end = raw
    if (translation) {
      const info = readError(502, data)
      end = this.opts.format.streamError(info.code ?? info.type ?? 'upstream_error', info.message)
    }
    if (this.#isSplicing()) {
      this.#settle({ ...this.#answered('stream_error'), cut: { end, code: 'upstream_error_event' } })
      return
    }
    this.opts.res.end(end)
    this.#settle(this.#answered('stream_error'))
  }

  #onStreamEnd(): void {
    this.#endTranslator()
    if (this.#mode !== 'sse' && this.#translator) return
    if (!this.#isCommitted) {
      this.#fail(
        true,
        'stream_error',
        this.opts.format.failure(502, 'upstream_empty_stream', 'the upstream stream ended without content'),
      )
      return
    }
    this.#endStreamComplete()
  }

  /** A clean end after a finish_reason is complete, `[DONE]` or not; without one it is truncated. */
  #endStreamComplete(): void {
    if (!this.#hasFinish) {
      this.#endStreamWithError('upstream_truncated', 'the upstream ended the stream before a finish_reason')
      return
    }
    this.#mode = 'ignore'
    this.#stopDeadline()
    const final = this.opts.splice?.finalEvent(this.#cutUsage()) ?? ''
    const end = final + this.opts.format.completeEnd
    if (end) this.opts.res.end(end)
    else this.opts.res.end()
    this.#settle(this.#answered('success'))
  }

  #endStreamWithError(code: string, message: string): void {
    this.#mode = 'ignore'
    this.#stopDeadline()
    this.#abortUpstream()
    const end = this.opts.format.streamError(code, message)
    // past the maximum duration the gateway itself ends the answer: it is not continued
    if (code !== 'upstream_max_duration' && this.#isSplicing()) {
      this.#settle({ ...this.#answered('stream_error'), cut: { end, code } })
      return
    }
    this.opts.res.end(end)
    this.#settle(this.#answered('stream_error'))
  }

  /** A cut now leaves the client's stream open for a continuation (the proxy ends it either way). */
  #isSplicing(): boolean {
    const { splice } = this.opts
    return splice?.isContinuable === true && this.#isCommitted && !this.#isSettled
  }

  /** A restarted answer that does not begin with the sent text: not a continuation, never spliced. */
  #onDiverged(): void {
    this.#abortUpstream()
    const message = 'the continuation did not begin with the text already sent'
    const failure = this.opts.format.failure(502, 'continuation_diverged', message)
    this.#fail(false, 'diverged', failure)
  }

  // ---- timers ----

  /** Called by `Deadlines`: before the commit a timeout fails the attempt; after it, idleness ends the stream. */
  onDeadline(now: number): void {
    if (this.#isSettled) {
      this.#stopDeadline()
      if (this.#isDraining && !this.#hasUpstreamEnded) this.#abort(new ClientGoneAbort('attempt finished'))
      return
    }
    if (now >= this.#endsAt) {
      this.#onMaxDuration()
      return
    }
    if (this.#mode === 'error') {
      // the status is known: a body that stalls does not turn it into a timeout
      this.#abort(new TimeoutAbort('error body stalled'))
      this.#settleError('stalled')
      return
    }
    if (!this.#isCommitted) {
      const what =
        this.#mode === 'sse' ? 'no content from the upstream in time' : 'the upstream did not answer in time'
      this.#abort(new TimeoutAbort('upstream timeout'))
      this.#fail(true, 'timeout', this.opts.format.failure(504, 'upstream_timeout', what))
      return
    }
    // a stream paused by a slow client is not an idle upstream
    const lastActivity = this.#isPaused ? now : this.#lastDataAt
    if (now - lastActivity >= this.opts.idleTimeoutMs) {
      if (this.#mode === 'sse') {
        this.#endStreamWithError('upstream_idle_timeout', 'the upstream stream went silent')
        return
      }
      this.#abort(new TimeoutAbort('upstream body idle'))
      this.opts.res.destroy()
      this.#settle(this.#answered('stream_error'))
      return
    }
    this.#armDeadline(lastActivity + this.opts.idleTimeoutMs)
  }

  /** The attempt went past the maximum duration: a timeout before the commit, the end after it. */
  #onMaxDuration(): void {
    if (this.#mode === 'error') {
      this.#abort(new TimeoutAbort('error body past the maximum duration'))
      this.#settleError('stalled')
      return
    }
    if (!this.#isCommitted) {
      this.#abort(new TimeoutAbort('upstream past the maximum duration'))
      const what = 'the upstream answer took longer than the gateway allows'
      this.#fail(true, 'timeout', this.opts.format.failure(504, 'upstream_timeout', what))
      return
    }
    if (this.#mode === 'sse') {
      this.#endStreamWithError('upstream_max_duration', 'the stream lasted longer than the gateway allows')
      return
    }
    this.#abort(new TimeoutAbort('upstream body past the maximum duration'))
    this.opts.res.destroy()
    this.#settle(this.#answered('stream_error'))
  }

  /** Every deadline is capped by the maximum duration; none at all stops the watching. */
  #armDeadline(at: number): void {
    this.deadline = Math.min(at, this.#endsAt)
    if (this.deadline === Number.POSITIVE_INFINITY) this.opts.deadlines.forget(this)
  }

  #stopDeadline(): void {
    this.deadline = Number.POSITIVE_INFINITY
    this.opts.deadlines.forget(this)
  }

  // ---- writing to the client ----

  readonly #cleanHeader = (value: string): string =>
    this.target.key ? this.target.key.scrubText(value) : value

  #scrubbedHeader(value: string | string[] | undefined): string {
    const text = value === undefined ? '' : Array.isArray(value) ? (value[0] ?? '') : value
    return this.target.key ? this.target.key.scrubText(text) : text
  }

  #commitHead(status: number, contentType: string, upstream: IncomingHttpHeaders, length?: number): void {
    this.#isCommitted = true
    const headers: OutgoingHttpHeaders = {}
    copyUpstreamHeaders(upstream, headers, this.#cleanHeader)
    headers['content-type'] = contentType
    headers['x-request-id'] = this.opts.requestId
    headers['x-switchboard-provider'] = String(this.target.providerId)
    headers['x-switchboard-attempts'] = String(this.opts.attemptNumber)
    const { translation } = this.opts
    if (translation) {
      headers['x-switchboard-translated'] = translation.mappers.label
      if (translation.dropped.length > 0)
        headers['x-switchboard-dropped-params'] = translation.dropped.join(', ')
    }
    if (length !== undefined) headers['content-length'] = String(length)
    else if (this.#mode === 'pass') {
      if (upstream['content-length'] !== undefined) headers['content-length'] = upstream['content-length']
      if (upstream['content-encoding'] !== undefined)
        headers['content-encoding'] = upstream['content-encoding']
    } else {
      headers['cache-control'] = 'no-cache'
    }
    this.opts.res.writeHead(status, headers)
  }

  #write(data: Buffer | string): void {
    if (this.opts.res.write(data) || this.#isPaused || !this.#controller) return
    this.#isPaused = true
    this.#controller.pause()
    this.opts.res.once('drain', this.#onDrain)
  }

  readonly #onDrain = (): void => {
    this.#isPaused = false
    this.#lastDataAt = performance.now()
    this.#controller?.resume()
  }

  // ---- ending ----

  #answered(outcome: AttemptOutcome): Settlement & { kind: 'answered' } {
    const settlement: Settlement & { kind: 'answered' } = {
      kind: 'answered',
      outcome,
      status: this.#status || null,
      ttfbMs: this.#ttfbMs,
      usage: this.#cutUsage(),
    }
    if (this.#boundId !== null) settlement.boundId = this.#boundId
    return settlement
  }

  /**
   * A stream that ended before its usage chunk (cut, idle, client gone) still counts what it sent:
   * one output token per content event, an estimate (most upstreams send a token per event).
   */
  #cutUsage(): Usage | null {
    if (!this.opts.stream || this.#contentEvents === 0 || (this.#usage?.output ?? null) !== null)
      return this.#usage
    return {
      input: this.#usage?.input ?? null,
      output: this.#contentEvents,
      cachedInput: this.#usage?.cachedInput ?? null,
      reasoning: this.#usage?.reasoning ?? null,
    }
  }

  // ---- usage of a JSON answer (read after it was passed on) ----

  #copyBody(chunk: Buffer): void {
    const copy = this.#bodyCopy
    copy.push(chunk)
    this.#bodyCopyBytes += chunk.length
    if (this.#bodyCopyBytes <= USAGE_BODY_BYTES) return
    while (copy.length > 1 && this.#bodyCopyBytes - (copy[0]?.length ?? 0) >= USAGE_TAIL_BYTES) {
      this.#bodyCopyBytes -= copy.shift()?.length ?? 0
    }
  }

  #usageOfBody(): Usage | null {
    const copy = this.#bodyCopy
    this.#bodyCopy = []
    if (copy.length === 0) return null
    // the last `"usage": {…}` rather than a parse of the whole answer (its cost grew with the
    // answer): every format puts usage at the top level of its body, after the output
    const body = copy.length === 1 ? (copy[0] as Buffer) : Buffer.concat(copy)
    const at = body.lastIndexOf('"usage"')
    return at < 0 ? null : readTrailingUsage(body.toString('utf8', at))
  }

  /** Reads up to 4 KB of a passed-through body for the id the format binds (a response id). */
  #lookForId(chunk: Buffer): void {
    const prefix = (this.#idPrefix ?? '') + chunk.toString('utf8', 0, Math.min(chunk.length, 4096))
    const id = this.opts.format.idOfBody?.(prefix) ?? null
    if (id !== null || prefix.length >= 4096) {
      this.#boundId = id
      this.#idPrefix = null
    } else this.#idPrefix = prefix
  }

  #abortUpstream(): void {
    if (this.#hasUpstreamEnded) this.#mode = 'ignore'
    else this.#abort(new ClientGoneAbort('attempt finished'))
  }

  #abort(reason: Error): void {
    if (this.#abortReason) return
    this.#abortReason = reason
    this.#mode = 'ignore'
    this.#controller?.abort(reason)
  }

  #settle(settlement: Settlement): void {
    if (this.#isSettled) return
    this.#isSettled = true
    this.#stopDeadline()
    this.#resolve(settlement)
  }
}
