/**
 * The gateway's use-case (DESIGN.md §6): resolve the request's `model` to a plan of providers
 * (a route name → planAttempts, a bare model → planForModel), then try them in order through
 * `Exchange`, failing over while nothing has been sent to the client, and report every attempt
 * and every request to the observer. Reads only the in-memory snapshot: no database query here.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders, ServerResponse } from 'node:http'
import type { Logger } from 'pino'
import type { Dispatcher } from 'undici'
import type { KeyBox } from '../../core/crypto.js'
import { AppError } from '../../core/errors.js'
import { FirstTokenTimes } from '../../domain/adaptive-timeout.js'
import { affinityOf, sessionKeyOf } from '../../domain/affinity.js'
import type { ProviderWithSecret } from '../../domain/model.js'
import {
  authHeaders,
  ENDPOINT_PATHS,
  type EndpointChoice,
  joinUpstream,
  kindDefaultHeaders,
  type ProviderEndpoint,
  servesEndpoint,
  type UpstreamBase,
  upstreamBase,
} from '../../domain/provider-kinds.js'
import { attemptTimeouts } from '../../domain/route-policy.js'
import { type Attempt, planAttempts, planForModel, type RoutingState } from '../../domain/routing.js'
import {
  type FormatName,
  type Json,
  type TranslationContext,
  translation,
} from '../../domain/translate/index.js'
import { newId } from '../../domain/translate/types.js'
import type { Usage } from '../../domain/usage.js'
import type { Settings } from '../../settings.js'
import type { Snapshot } from '../config/snapshot.js'
import type { AffinityBindings, BoundSession } from './affinity-bindings.js'
import { type Circuits, deferSlowStarters } from './circuits.js'
import {
  continueStream,
  defaultContinuation,
  PrefillRefusals,
  type StreamRecovery,
  streamRecoveryOf,
} from './continuation.js'
import { type Cooldowns, cooldownMs } from './cooldowns.js'
import { Deadlines } from './deadlines.js'
import { chatFormat, plainFormat } from './formats/chat.js'
import { messagesFormat, messagesPlainFormat } from './formats/messages.js'
import { boundaryOf, modelField, withModel } from './formats/multipart.js'
import { RESPONSE_ID, responsesFormat } from './formats/responses.js'
import type { WireFormat } from './formats/types.js'
import { upstreamRequestHeaders } from './forwarded-headers.js'
import { KeyPattern } from './key-scrubber.js'
import type { CallOutcome } from './limits.js'
import { buildModelList, type ModelList } from './model-list.js'
import { type GatewayObserver, healthEffect, type RequestDetail } from './observer.js'
import { bodyFor, type CallBody, withStreamUsage } from './request-body.js'
import type { ResponseBindings } from './response-bindings.js'
import type { ResponseStore } from './response-store.js'
import { AttemptQueue, waitForClient } from './retries.js'
import { addUsage, type ContinuationMode, SPLICE_FORMATS, Splice } from './stream-splice.js'
import {
  type AttemptTranslation,
  Exchange,
  type ExchangeOptions,
  type Settlement,
  type Target,
} from './upstream-exchange.js'
import { errorCodeOf, type Failure } from './upstream-failure.js'

export const GATEWAY_ENDPOINTS = ['chat/completions', 'completions', 'embeddings'] as const
/**
 * The JSON endpoints passed through as they are (one generic path, no handler each): `model` read,
 * the body forwarded, the answer (JSON or binary, e.g. audio/speech) streamed back with failover.
 */
export const PASS_THROUGH_ENDPOINTS = ['moderations', 'images/generations', 'audio/speech', 'rerank'] as const
/** The multipart endpoints: `model` read from its form field, the body forwarded as it came. */
export const MULTIPART_ENDPOINTS = ['audio/transcriptions', 'audio/translations'] as const

/** A /v1 path below the provider's base URL that the gateway forwards a POST to. */
export type Endpoint =
  | (typeof GATEWAY_ENDPOINTS)[number]
  | 'responses'
  | 'messages'
  | 'messages/count_tokens'
  | (typeof PASS_THROUGH_ENDPOINTS)[number]
  | (typeof MULTIPART_ENDPOINTS)[number]

const FORMATS: Record<Endpoint, WireFormat> = {
  'chat/completions': chatFormat,
  completions: chatFormat,
  embeddings: plainFormat,
  responses: responsesFormat,
  messages: messagesFormat,
  'messages/count_tokens': messagesPlainFormat,
  moderations: plainFormat,
  'images/generations': plainFormat,
  'audio/speech': plainFormat,
  rerank: plainFormat,
  'audio/transcriptions': plainFormat,
  'audio/translations': plainFormat,
}

/** The provider endpoint each gateway path is (domain/provider-kinds.ts): who may serve it. */
const SERVED_AS: Record<Endpoint, ProviderEndpoint> = {
  'chat/completions': 'chat',
  completions: 'completions',
  embeddings: 'embeddings',
  responses: 'responses',
  messages: 'messages',
  'messages/count_tokens': 'count_tokens',
  moderations: 'moderations',
  'images/generations': 'images',
  'audio/speech': 'audio_speech',
  rerank: 'rerank',
  'audio/transcriptions': 'audio_transcriptions',
  'audio/translations': 'audio_transcriptions',
}

/**
 * The endpoints a provider of another format can answer, through a translation (domain/translate/):
 * the client's own first (native, no translation), then the ones translated to, in that order.
 */
const TRANSLATED_ENDPOINTS: Partial<Record<Endpoint, readonly ProviderEndpoint[]>> = {
  'chat/completions': ['chat', 'messages'],
  messages: ['messages', 'chat'],
  responses: ['responses', 'chat', 'messages'],
}
const FORMAT_OF: Partial<Record<ProviderEndpoint, FormatName>> = {
  chat: 'chat',
  messages: 'messages',
  responses: 'responses',
}
const WIRE_FORMATS: Record<FormatName, WireFormat> = {
  chat: chatFormat,
  messages: messagesFormat,
  responses: responsesFormat,
}

function servedChoice(endpoint: Endpoint): EndpointChoice {
  return TRANSLATED_ENDPOINTS[endpoint] ?? SERVED_AS[endpoint]
}

/** What a translated attempt needs of the client's request (a call to a translatable endpoint). */
export interface TranslatableRequest {
  /** The body as the client sent it (before the gateway asked for a usage chunk). */
  body: Json
  context: TranslationContext
  /** The route's `config.drop_unsupported_params` (default true). */
  dropsUnsupported: boolean
  /** The conversation lives in the gateway's store (a stored previous response, a stored item): never native. */
  forcesTranslation?: boolean
  /** A Responses request with store: true: what to keep once it is answered by translation. */
  store?: { inputItems: Json[]; previousResponseId: string | null }
  /** A previous_response_id neither stored here nor bound: only a native provider may know it. */
  unknownPrevious?: string
}

/** A request ready to forward: the body as received, what it asks for, and the providers to try. */
export interface PreparedCall extends CallBody {
  /** The upstream path below the provider's base URL (`chat/completions`, `responses/resp_1`). */
  endpoint: string
  method: 'GET' | 'POST' | 'DELETE'
  format: WireFormat
  stream: boolean
  /** The route `model` named, if it named one (the request log's `route`). */
  route: string | null
  /** The gateway asked the upstream for a usage chunk the client did not ask for: hide it. */
  hidesUsage: boolean
  attempts: Attempt<ProviderWithSecret>[]
  /** The session on a route with `config.affinity`: bound to the provider that answers it. */
  session?: BoundSession
  /** A multipart body: its bytes, content type and where its model field is. */
  multipart?: { bytes: Buffer; contentType: string; field: { start: number; end: number } }
  /** Set on chat/completions, messages and responses: a provider of another format may answer. */
  translatable?: TranslatableRequest
  /** A stream on a route that may continue it when cut after the commit (continuation.ts). */
  recovery?: Exclude<StreamRecovery, 'error'>
}

/** How one attempt goes: the upstream path and body, and its translation if it needs one. */
interface AttemptPlan {
  path: string
  body: string | Buffer | null
  translation?: AttemptTranslation
}

/** Who sent a request, as session affinity reads it: the headers and the client key. */
export interface CallSender {
  headers: IncomingHttpHeaders
  /** The client key that authenticated the request (null: the admin token, or no auth). */
  clientKeyId: number | null
}

/** The client side of one request. */
export interface ClientIo {
  res: ServerResponse
  requestId: string
  /** The client's request headers: the allowed ones go on (forwarded-headers.ts). */
  headers: IncomingHttpHeaders
  log: Pick<Logger, 'warn' | 'debug' | 'error'>
  /** The client key that authenticated the request (null: the admin token, or no auth). */
  clientKeyId?: number | null
}

export interface ProxyDeps {
  snapshot: { current(): Snapshot }
  /** Route strategies' state: positions, credits, and each provider's in-flight count and latency EWMA. */
  roundRobin: RoutingState
  /** The process's 429 cooldowns, shared with the admin select (one per process, app.ts). */
  cooldowns: Cooldowns
  /** The process's circuit breakers, shared with the admin select and the health timeline. */
  circuits: Circuits
  agent: Dispatcher
  keyBox: KeyBox
  observer: GatewayObserver
  /** Which provider made which Responses response id (follow-ups go there). */
  bindings: ResponseBindings
  /** Session affinity: which provider each session of a route with `config.affinity` is bound to. */
  affinity: AffinityBindings
  /** The Responses answered by translation with store: true (their conversation is kept here). */
  responseStore: ResponseStore
  settings: Pick<
    Settings,
    | 'gatewayTimeoutSeconds'
    | 'gatewayFirstTokenTimeoutSeconds'
    | 'gatewayStreamIdleTimeoutSeconds'
    | 'gatewayStreamMaxDurationSeconds'
    | 'gatewayMaxAttempts'
    | 'gatewayAdaptiveFirstTokenMultiplier'
    | 'gatewayAdaptiveFirstTokenFloorSeconds'
  >
}

interface ProviderTarget {
  base: UpstreamBase
  /** Content type, credentials and the kind's defaults: the same for every call. */
  headers: Record<string, string>
  key: KeyPattern | null
}

/** Status recorded for a request whose client went away before the answer ended (nginx's 499). */
const CLIENT_CLOSED = 499

export function createProxy(deps: ProxyDeps) {
  const { settings, observer, cooldowns, circuits } = deps
  // Snapshots are rebuilt with new provider objects on every change: this cache follows them.
  const targets = new WeakMap<ProviderWithSecret, ProviderTarget>()
  let models: { snapshot: Snapshot; list: ModelList } | null = null
  const timeouts = {
    headersTimeoutMs: settings.gatewayTimeoutSeconds * 1000,
    firstTokenTimeoutMs: settings.gatewayFirstTokenTimeoutSeconds * 1000,
    idleTimeoutMs: settings.gatewayStreamIdleTimeoutSeconds * 1000,
    // 0 turns the limit off
    maxDurationMs: settings.gatewayStreamMaxDurationSeconds * 1000 || Number.POSITIVE_INFINITY,
  }
  /** When to come back after a 503 of the gateway's own: the first cooldown or open circuit to end. */
  function retryAfterSeconds(): number {
    const cooling = cooldowns.soonestEndSeconds()
    const open = circuits.soonestReopenSeconds()
    if (cooling === null) return open ?? 5
    return open === null ? cooling : Math.min(cooling, open)
  }
  // what `first_token_timeout: "adaptive"` learns: each node's time to first token
  const firstTokens = new FirstTokenTimes({
    multiplier: settings.gatewayAdaptiveFirstTokenMultiplier,
    floorMs: settings.gatewayAdaptiveFirstTokenFloorSeconds * 1000,
  })
  const deadlines = Deadlines.forTimeouts(
    timeouts.headersTimeoutMs,
    timeouts.firstTokenTimeoutMs,
    timeouts.idleTimeoutMs,
    timeouts.maxDurationMs,
  )

  function plan(
    model: string,
    endpoint: EndpointChoice,
    session?: BoundSession,
  ): Attempt<ProviderWithSecret>[] {
    const snapshot = deps.snapshot.current()
    const route = snapshot.routesByName.get(model)
    try {
      if (route?.is_active) {
        const options = {
          state: deps.roundRobin,
          coolingDown: cooldowns,
          circuits,
          endpoint,
          affinity: session?.affinity,
        }
        return deferSlowStarters(planAttempts(route, snapshot.providers, options), circuits)
      }
      const attempts = deferSlowStarters(
        planForModel(model, snapshot.providers, cooldowns, endpoint, circuits),
        circuits,
      )
      if (typeof endpoint === 'string') return attempts
      // a bare model: the providers that speak the client's format first, then the translated ones
      const native = endpoint[0]!
      return [
        ...attempts.filter((a) => servesEndpoint(a.provider, native)),
        ...attempts.filter((a) => !servesEndpoint(a.provider, native)),
      ]
    } catch (error) {
      if (error instanceof AppError && error.status === 503) {
        const retryAfter = String(retryAfterSeconds())
        throw new AppError(error.code, error.message, { headers: { 'retry-after': retryAfter } })
      }
      throw error
    }
  }

  /** The request's session when `model` names an active route with affinity and the request names one. */
  function sessionOf(call: PreparedCall, sender: CallSender | undefined): BoundSession | undefined {
    if (!sender || call.route === null) return undefined
    const route = deps.snapshot.current().routesByName.get(call.route)
    const affinity = route ? affinityOf(route.config) : null
    const sessionKey = affinity ? sessionKeyOf(affinity, sender.headers, call.body) : null
    if (!route || sessionKey === null) return undefined
    return deps.affinity.session(route.id, sender.clientKeyId, sessionKey)
  }

  function checked(endpoint: Endpoint, parsed: unknown, text: string): PreparedCall {
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new AppError('invalid_body', 'the body must be a JSON object')
    }
    const body = parsed as Record<string, unknown>
    const model = body.model
    if (typeof model !== 'string' || model === '') {
      throw new AppError('model_required', 'model is required: a route name or a model name')
    }
    const format = FORMATS[endpoint]
    const stream = format.streamOf(body)
    const named = deps.snapshot.current().routesByName.get(model)
    const route = named?.is_active ? named.name : null
    const options = body.stream_options as { include_usage?: unknown } | undefined
    const hidesUsage = stream && endpoint === 'chat/completions' && options?.include_usage !== true
    const sent = hidesUsage ? withStreamUsage(text, body) : { text, body }
    const call: PreparedCall = {
      endpoint,
      method: 'POST',
      format,
      ...sent,
      model,
      stream,
      route,
      hidesUsage,
      attempts: [],
    }
    if (stream && route !== null && SPLICE_FORMATS[endpoint]) {
      const recovery = streamRecoveryOf(named!.config)
      if (recovery !== 'error') call.recovery = recovery
    }
    if (TRANSLATED_ENDPOINTS[endpoint]) {
      const config = named?.is_active ? named.config : {}
      call.translatable = {
        body,
        context: { nowSeconds: Math.floor(Date.now() / 1000), includeUsage: options?.include_usage === true },
        dropsUnsupported: config.drop_unsupported_params !== false,
      }
    }
    return call
  }

  /**
   * The attempt's path, body and translation: native when the provider serves the client's endpoint,
   * else translated to the first format it serves. A parameter the target cannot take, on a route
   * that does not drop them, or content it has no equivalent for, is the client's 400 (no request).
   */
  function attemptPlan(call: PreparedCall, attempt: Attempt<ProviderWithSecret>): AttemptPlan | Failure {
    const native = SERVED_AS[call.endpoint as Endpoint]
    const { translatable } = call
    const isNative =
      !translatable ||
      native === undefined ||
      (!translatable.forcesTranslation && servesEndpoint(attempt.provider, native))
    if (isNative) {
      const body = call.multipart
        ? withModel(call.multipart.bytes, call.multipart.field, attempt.model ?? call.model)
        : call.method === 'POST'
          ? bodyFor(call, attempt.model)
          : null
      return { path: call.endpoint, body }
    }
    const client = FORMAT_OF[native]!
    const served = TRANSLATED_ENDPOINTS[call.endpoint as Endpoint]!.find(
      (e) => e !== native && servesEndpoint(attempt.provider, e),
    )
    const target = served ? FORMAT_OF[served] : undefined
    if (!served || !target) {
      return call.format.failure(
        404,
        'endpoint_not_served',
        `the provider does not serve /v1/${call.endpoint}`,
      )
    }
    if (translatable.unknownPrevious !== undefined) {
      const message = `previous_response_id '${translatable.unknownPrevious}' is not known to the gateway`
      return call.format.failure(404, 'response_not_found', message)
    }
    const mappers = translation(client, target, translatable.context)
    try {
      const { body, dropped } = mappers.request({ ...translatable.body, model: attempt.model ?? call.model })
      if (dropped.length > 0 && !translatable.dropsUnsupported) {
        const message = `${dropped.join(', ')}: not supported by the ${target} format of provider '${attempt.provider.name}' (the route's config.drop_unsupported_params is false)`
        return call.format.failure(400, 'unsupported_parameter', message)
      }
      return {
        path: ENDPOINT_PATHS[served],
        body: JSON.stringify(body),
        translation: { upstream: WIRE_FORMATS[target], mappers, dropped },
      }
    } catch (error) {
      if (error instanceof AppError) return call.format.failure(error.status, error.code, error.message)
      throw error
    }
  }

  /** The provider a response id is bound to, when it can take the request now. */
  function boundProvider(responseId: string, providerId: number): ProviderWithSecret {
    const provider = deps.snapshot.current().providers.get(providerId)
    if (!provider) {
      throw new AppError(
        'bound_provider_unavailable',
        `response '${responseId}' belongs to provider ${providerId}, which no longer exists`,
      )
    }
    if (!provider.is_active || !provider.is_healthy || cooldowns.has(provider.id, null)) {
      const why = !provider.is_active ? 'inactive' : !provider.is_healthy ? 'unhealthy' : 'rate limited'
      throw new AppError(
        'bound_provider_unavailable',
        `response '${responseId}' belongs to provider '${provider.name}' (id ${provider.id}), which is ${why} now`,
        { headers: { 'retry-after': String(retryAfterSeconds()) } },
      )
    }
    return provider
  }

  function targetFor(provider: ProviderWithSecret): ProviderTarget {
    let target = targets.get(provider)
    if (target) return target
    const base = upstreamBase(provider)
    // sealed for this origin (core/crypto.ts): a key copied to another provider's row does not open
    const secret = provider.api_key_sealed ? deps.keyBox.open(provider.api_key_sealed, base.origin) : null
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      // a compressed answer would hide an echo of the key from the scrubber
      'accept-encoding': 'identity',
      ...kindDefaultHeaders(provider.kind),
      ...authHeaders(provider.kind, secret),
    }
    target = { base, headers, key: KeyPattern.for(secret) }
    targets.set(provider, target)
    return target
  }

  /** The (provider, model) pairs that answered a prefill with 400: continued by restarting. */
  const prefillRefusals = new PrefillRefusals()

  function newSplice(call: PreparedCall): Splice {
    return new Splice(SPLICE_FORMATS[call.endpoint]!, !call.hidesUsage)
  }

  /** A continuing leg's body: the prefill of the sent text, or the request again (restart). */
  function continuationPlan(
    call: PreparedCall,
    attempt: Attempt<ProviderWithSecret>,
    mode: ContinuationMode,
    splice: Splice,
  ): AttemptPlan & { skip: string } {
    const model = attempt.model ?? call.model
    if (mode === 'restart')
      return { path: call.endpoint, body: bodyFor(call, attempt.model), skip: splice.text }
    const { body, skip } = splice.format.prefill(call.body, model, splice.text)
    return { path: call.endpoint, body: JSON.stringify(body), skip }
  }

  function startAttempt(
    call: PreparedCall,
    attempt: Attempt<ProviderWithSecret>,
    io: ClientIo,
    n: number,
    how: AttemptPlan,
    splice?: Splice,
  ) {
    const base = targetFor(attempt.provider)
    const url = joinUpstream(base.base, how.path)
    const target: Target = {
      providerId: attempt.provider.id,
      origin: url.origin,
      path: url.path,
      key: base.key,
    }
    const own = attemptTimeouts(attempt.policy, timeouts, (maxMs) =>
      firstTokens.timeoutMs(attempt.provider.id, attempt.model, maxMs),
    )
    const options: ExchangeOptions = {
      res: io.res,
      requestId: io.requestId,
      log: io.log,
      stream: call.stream,
      format: call.format,
      hideUsageChunk: call.hidesUsage && !how.translation,
      attemptNumber: n,
      headersTimeoutMs: own.headersTimeoutMs,
      firstTokenTimeoutMs: own.firstTokenTimeoutMs,
      idleTimeoutMs: own.idleTimeoutMs,
      maxDurationMs: timeouts.maxDurationMs,
      deadlines,
    }
    if (how.translation) options.translation = how.translation
    if (splice) {
      options.splice = splice
      // a continuing leg's usage chunk is never passed on: the last event carries the sum
      if (splice.isContinuing) options.hideUsageChunk = true
    }
    const exchange = new Exchange(target, options)
    const dispatch: Dispatcher.DispatchOptions = {
      origin: url.origin,
      path: url.path,
      method: call.method,
      headers: upstreamRequestHeaders(
        call.multipart ? { ...base.headers, 'content-type': call.multipart.contentType } : base.headers,
        io.headers,
        io.requestId,
      ),
      body: how.body,
      headersTimeout: own.headersTimeoutMs,
      // streams watch silence themselves (first token, then idle); a JSON body may idle this long
      bodyTimeout: call.stream ? 0 : own.idleTimeoutMs,
    }
    try {
      deps.agent.dispatch(dispatch, exchange)
    } catch (error) {
      exchange.onResponseError(null as never, error as Error)
    }
    return exchange
  }

  function recordAttempt(
    provider: ProviderWithSecret,
    settlement: Settlement,
    durationMs: number,
    stream: boolean,
    translated: string | undefined,
  ) {
    circuits.record(provider.id, healthEffect(settlement.outcome))
    observer.attempt({
      ...(translated ? { translated } : {}),
      providerId: provider.id,
      providerName: provider.name,
      outcome: settlement.outcome,
      status: settlement.status,
      durationMs,
      ttfbMs: settlement.ttfbMs,
      stream,
    })
  }

  /** Forwards the call and answers how it ended (the limits settle with it). */
  async function forward(call: PreparedCall, io: ClientIo): Promise<CallOutcome> {
    const startedAt = performance.now()
    const detail = detailOf(call, io, Date.now())
    const { res } = io
    let current: Exchange | null = null
    let isClientGone = false
    const onClose = () => {
      if (res.writableFinished) return
      isClientGone = true
      current?.abortForClient()
      // a client that half-closed would otherwise keep the socket (and server shutdown) waiting
      res.destroy()
    }
    res.on('close', onClose)
    let tried = 0
    let upstreamMs = 0
    let answered: Settlement | null = null
    let last: { providerId: number; failure: Failure } | null = null
    let cut: { attempt: Attempt<ProviderWithSecret>; splice: Splice } | null = null
    try {
      const queue = new AttemptQueue(call.attempts)
      for (const attempt of queue) {
        if (tried >= settings.gatewayMaxAttempts || isClientGone) break
        // another request may have put this provider in a cooldown since the plan was made (a
        // retry waited out its own 429's cooldown)
        if (tried > 0 && attempt.retry === 0 && cooldowns.has(attempt.provider.id, attempt.model)) continue
        const how = attemptPlan(call, attempt)
        if (!('path' in how)) {
          // the provider was not asked: no attempt, no health outcome; a later one may take it natively
          last = { providerId: attempt.provider.id, failure: how }
          continue
        }
        if (attempt.waitMs > 0 && !(await waitForClient(res, attempt.waitMs))) break
        // an open circuit, or a half-open one whose one trial another request took meanwhile
        if (!circuits.admit(attempt.provider)) continue
        tried += 1
        let settlement: Settlement
        let durationMs = 0
        deps.roundRobin.begin(attempt.provider.id)
        const attemptAt = performance.now()
        const splice = call.recovery && !how.translation ? newSplice(call) : undefined
        try {
          current = startAttempt(call, attempt, io, tried, how, splice)
          settlement = await current.settled
          durationMs = current.elapsedMs
          deps.roundRobin.end(attempt.provider.id, latencySample(settlement, durationMs, call.stream))
        } catch (error) {
          deps.roundRobin.end(attempt.provider.id, null)
          io.log.error(
            { err: error, providerId: attempt.provider.id },
            'could not prepare the upstream request',
          )
          const failure = call.format.failure(
            502,
            'provider_misconfigured',
            'the provider cannot be used (see the server log)',
          )
          settlement = {
            kind: 'failed',
            retry: true,
            outcome: 'client_error',
            status: null,
            ttfbMs: null,
            failure,
          }
        }
        current = null
        upstreamMs += durationMs
        const translated = how.translation?.mappers.label
        recordAttempt(attempt.provider, settlement, durationMs, call.stream, translated)
        logAttempt(io, attempt.provider, tried, settlement)
        noteAttempt(detail, attempt, settlement, durationMs, translated)
        if (settlement.kind === 'answered') {
          if (call.stream && settlement.ttfbMs !== null)
            detail.ttftMs = attemptAt - startedAt + settlement.ttfbMs
          answered = settlement
          if (isAdaptiveSample(call, attempt, settlement))
            firstTokens.record(attempt.provider.id, attempt.model, settlement.ttfbMs)
          if (settlement.boundId) deps.bindings.record(settlement.boundId, attempt.provider.id)
          if (call.session && settlement.outcome === 'success')
            deps.affinity.bind(call.session, attempt.provider.id)
          const kept = call.translatable?.store
          const response = how.translation?.mappers.result()
          if (kept && response && settlement.outcome === 'success') {
            deps.responseStore.save({ id: String(response.id), response, ...kept })
          }
          if (settlement.cut && splice) cut = { attempt, splice }
          break
        }
        if (settlement.outcome === 'rate_limited') {
          cooldowns.start(attempt.provider.id, attempt.model, cooldownMs(settlement.failure.retryAfter))
        }
        last = { providerId: attempt.provider.id, failure: settlement.failure }
        if (!settlement.retry) break
        queue.retryAfter(attempt, settlement)
      }
      if (cut && answered?.kind === 'answered') {
        const { attempt, splice } = cut
        // the continuing legs: attempts as any other, counted, reported and logged the same way
        const run = async (node: Attempt<ProviderWithSecret>, mode: ContinuationMode) => {
          if (tried >= settings.gatewayMaxAttempts || isClientGone) return null
          const how = continuationPlan(call, node, mode, splice)
          tried += 1
          splice.beginLeg({ providerId: node.provider.id, model: node.model, mode }, how.skip)
          deps.roundRobin.begin(node.provider.id)
          current = startAttempt(call, node, io, tried, how, splice)
          const settlement = await current.settled
          const durationMs = current.elapsedMs
          current = null
          deps.roundRobin.end(node.provider.id, latencySample(settlement, durationMs, true))
          upstreamMs += durationMs
          recordAttempt(node.provider, settlement, durationMs, true, undefined)
          logAttempt(io, node.provider, tried, settlement)
          noteAttempt(detail, node, settlement, durationMs, undefined, mode)
          if (settlement.kind === 'failed') splice.dropLeg()
          else splice.usage = addUsage(splice.usage, settlement.usage)
          return settlement
        }
        splice.current = { providerId: attempt.provider.id, model: attempt.model, mode: 'original' }
        splice.usage = answered.usage
        const result = await continueStream(answered, {
          res,
          attempts: call.attempts,
          from: Math.max(
            0,
            call.attempts.findIndex((a) => a.provider === attempt.provider && a.model === attempt.model),
          ),
          recovery: call.recovery ?? 'default',
          model: attempt.model ?? call.model,
          modelOf: (node) => node.model ?? call.model,
          isUsable: (node) =>
            !cooldowns.has(node.provider.id, node.model) &&
            servesEndpoint(node.provider, SERVED_AS[call.endpoint as Endpoint]) &&
            circuits.admit(node.provider),
          // the provider's own setting wins; else its kind's default (continuation.ts)
          modeOf: (node) =>
            node.provider.continuation ??
            defaultContinuation(node.provider.kind, prefillRefusals.has(node.provider.id, node.model)),
          refusePrefill: (node) => {
            if (node.provider.continuation === 'prefill') return false
            prefillRefusals.add(node.provider.id, node.model)
            return true
          },
          run,
        })
        answered = result.settlement
        noteContinued(detail, result.attempt, splice.usage, result.settlement, call.model)
        observer.continuation?.(result.outcome)
      }
      if (!answered && !isClientGone) writeFailure(call, io, tried, last)
    } catch (error) {
      io.log.error({ err: error }, 'the gateway failed while forwarding')
      if (!res.headersSent)
        writeFailure(
          call,
          io,
          tried,
          null,
          call.format.failure(500, 'internal_error', 'an internal error occurred'),
        )
      else res.destroy()
    } finally {
      res.off('close', onClose)
      observer.request({
        status: isClientGone ? CLIENT_CLOSED : (answered?.status ?? res.statusCode),
        stream: call.stream,
        attempts: tried,
        durationMs: performance.now() - startedAt,
        upstreamMs,
        detail,
      })
    }
    return {
      answered: answered !== null,
      usage: detail.usage,
      providerId: detail.providerId,
      servedModel: detail.servedModel,
    }
  }

  function writeFailure(
    call: PreparedCall,
    io: ClientIo,
    tried: number,
    last: { providerId: number; failure: Failure } | null,
    own?: Failure,
  ) {
    const failure =
      own ??
      last?.failure ??
      call.format.failure(503, 'no_provider_available', 'no provider is available for this model')
    const headers: OutgoingHttpHeaders = {
      ...failure.headers,
      'content-type': failure.contentType,
      'x-request-id': io.requestId,
      'x-switchboard-provider': last ? String(last.providerId) : 'none',
      'x-switchboard-attempts': String(tried),
    }
    if (failure.retryAfter) headers['retry-after'] = failure.retryAfter
    if (failure.status === 503 && !last) headers['retry-after'] = String(retryAfterSeconds())
    io.res.writeHead(failure.status, headers)
    io.res.end(failure.body)
  }

  return {
    /**
     * Checks the body and plans the attempts; throws the gateway's 4xx/5xx before anything is sent.
     * With `sender`, a route with `config.affinity` sends the request's session to its bound node.
     */
    prepare(endpoint: Endpoint, parsed: unknown, text: string, sender?: CallSender): PreparedCall {
      const call = checked(endpoint, parsed, text)
      call.session = sessionOf(call, sender)
      call.attempts = plan(call.model, servedChoice(endpoint), call.session)
      return call
    },

    /**
     * POST /v1/responses: as `prepare`, but a `previous_response_id` the gateway has seen pins the
     * call to the provider that made it (503 naming it when it is unavailable).
     */
    async prepareResponse(parsed: unknown, text: string, sender?: CallSender): Promise<PreparedCall> {
      const call = checked('responses', parsed, text)
      const previous = call.body.previous_response_id
      const hasPrevious = typeof previous === 'string' && previous !== ''
      const translatable = call.translatable!
      translatable.context.shell = {
        id: newId('resp_'),
        createdAt: translatable.context.nowSeconds,
        request: call.body,
      }
      // a conversation the gateway keeps (answered by translation) continues on any provider, translated
      const earlier = hasPrevious ? await deps.responseStore.conversation(previous as string) : null
      const own = await deps.responseStore.resolveInput(call.body.input)
      if (own) {
        translatable.context.items = [...(earlier ?? []), ...own.items]
        if (call.body.store !== false)
          translatable.store = {
            inputItems: own.items,
            previousResponseId: hasPrevious ? (previous as string) : null,
          }
      }
      translatable.forcesTranslation = earlier !== null || own?.referenced === true
      const providerId =
        hasPrevious && earlier === null ? await deps.bindings.lookup(previous as string) : null
      if (providerId === null) {
        if (hasPrevious && earlier === null) translatable.unknownPrevious = previous as string
        call.session = sessionOf(call, sender)
        call.attempts = plan(call.model, servedChoice('responses'), call.session)
        return call
      }
      // bound to the provider that made it: native only (its conversation is kept there)
      call.translatable = undefined
      const provider = boundProvider(previous as string, providerId)
      let planned: Attempt<ProviderWithSecret> | undefined
      try {
        planned = plan(call.model, SERVED_AS[call.endpoint as Endpoint]).find(
          (a) => a.provider.id === providerId,
        )
      } catch (error) {
        // no other node available, or the route is gone: the bound provider is what counts
        if (!(error instanceof AppError)) throw error
      }
      const model =
        planned?.model ?? (provider.models.includes(call.model) ? null : (provider.models[0] ?? null))
      call.attempts = [{ provider, model }]
      return call
    },

    /** A multipart POST (audio transcriptions): `model` is read from its form field. */
    prepareMultipart(endpoint: (typeof MULTIPART_ENDPOINTS)[number], bytes: Buffer, contentType: string) {
      const boundary = boundaryOf(contentType)
      const field = boundary ? modelField(bytes, boundary) : null
      if (!field) {
        throw new AppError('model_required', 'model is required: a form field naming a route or a model')
      }
      const model = bytes.toString('utf8', field.start, field.end).trim()
      if (model === '') {
        throw new AppError('model_required', 'model is required: a route name or a model name')
      }
      const call: PreparedCall = {
        endpoint,
        method: 'POST',
        format: FORMATS[endpoint],
        text: '',
        body: {},
        model,
        stream: false,
        route: deps.snapshot.current().routesByName.has(model) ? model : null,
        hidesUsage: false,
        attempts: plan(model, SERVED_AS[endpoint]),
        multipart: { bytes, contentType, field },
      }
      return call
    },

    /** GET /v1/models/{id}: the entry of /v1/models with that id, or a 404. */
    getModel(id: string): ModelList['data'][number] {
      const entry = this.listModels().data.find((m) => m.id === id)
      if (!entry)
        throw new AppError('model_not_found', `model '${id}' is not a route name nor an offered model`)
      return entry
    },

    /** GET/DELETE /v1/responses/{id}[/…] of a response the gateway keeps: its answer, or null. */
    storedLookup(method: string, responseId: string, rest: string, query: string): Promise<Json | null> {
      if (!RESPONSE_ID.test(responseId)) return Promise.resolve(null)
      return deps.responseStore.lookup(method, responseId, rest, new URLSearchParams(query))
    },

    /** GET/DELETE /v1/responses/{id}[/…]: to the provider bound to the response id, or a 404. */
    async prepareLookup(
      method: 'GET' | 'POST' | 'DELETE',
      responseId: string,
      rest: string,
      query: string,
    ): Promise<PreparedCall> {
      const providerId = RESPONSE_ID.test(responseId) ? await deps.bindings.lookup(responseId) : null
      if (providerId === null) {
        throw new AppError('response_not_found', `no provider is known for response '${responseId}'`)
      }
      const provider = boundProvider(responseId, providerId)
      return {
        endpoint: `responses/${responseId}${rest}${query}`,
        method,
        format: plainFormat,
        text: '',
        body: {},
        model: '',
        stream: false,
        route: null,
        hidesUsage: false,
        attempts: [{ provider, model: null }],
      }
    },

    /** Reports a request refused before any attempt (prepare threw) to the request log. */
    reportRejected(
      endpoint: Endpoint,
      parsed: unknown,
      io: Pick<ClientIo, 'requestId' | 'clientKeyId'>,
      error: unknown,
      startedAt: number,
    ): void {
      if (!observer.rejected) return
      const body = parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {}
      const model = typeof body.model === 'string' ? body.model : ''
      const route = deps.snapshot.current().routesByName.has(model) ? model : null
      const durationMs = performance.now() - startedAt
      const detail = detailOf({ endpoint, model, route }, io, Date.now() - durationMs)
      const status = error instanceof AppError ? error.status : 500
      detail.errorCode = error instanceof AppError ? error.code : 'internal_error'
      observer.rejected(detail, status, durationMs)
    },

    forward,

    /** GET /v1/models: every active route's name, then every model an active provider offers, once each. */
    listModels(): ModelList {
      const snapshot = deps.snapshot.current()
      if (models?.snapshot === snapshot) return models.list
      models = { snapshot, list: buildModelList(snapshot) }
      return models.list
    },
  }
}

export type GatewayProxy = ReturnType<typeof createProxy>

function logAttempt(
  io: ClientIo,
  provider: { id: number; name: string },
  attempt: number,
  settlement: Settlement,
): void {
  const fields = {
    providerId: provider.id,
    provider: provider.name,
    attempt,
    outcome: settlement.outcome,
    upstreamStatus: settlement.status,
  }
  if (settlement.outcome === 'success' || settlement.outcome === 'aborted')
    io.log.debug(fields, 'upstream attempt')
  else io.log.warn(fields, 'upstream attempt failed')
}

/**
 * What the latency strategy learns from an attempt: time to first token for a stream, the whole
 * answer otherwise; a timeout counts as the time waited (the node was that slow); other failures
 * teach nothing about speed (health and cooldowns deal with them).
 */
function latencySample(settlement: Settlement, durationMs: number, stream: boolean): number | null {
  if (settlement.kind === 'answered') {
    if (settlement.outcome === 'aborted') return null
    return stream ? (settlement.ttfbMs ?? durationMs) : durationMs
  }
  return settlement.outcome === 'timeout' ? durationMs : null
}

function detailOf(
  call: Pick<PreparedCall, 'endpoint' | 'model' | 'route'>,
  io: Pick<ClientIo, 'requestId' | 'clientKeyId'>,
  at: number,
): RequestDetail {
  return {
    at,
    requestId: io.requestId,
    clientKeyId: io.clientKeyId ?? null,
    endpoint: call.endpoint,
    model: call.model,
    route: call.route,
    providerId: null,
    providerName: null,
    servedModel: null,
    errorCode: null,
    attempts: [],
    ttftMs: null,
    usage: null,
  }
}

/** The request log's view of an attempt; the last one tried is the one the record names. */
function noteAttempt(
  detail: RequestDetail,
  attempt: Attempt<ProviderWithSecret>,
  settlement: Settlement,
  durationMs: number,
  translated: string | undefined,
  continuation?: ContinuationMode,
): void {
  detail.attempts.push({
    providerId: attempt.provider.id,
    providerName: attempt.provider.name,
    outcome: settlement.outcome,
    status: settlement.status,
    durationMs,
    ...(translated ? { translated } : {}),
    ...(continuation ? { continuation } : {}),
  })
  detail.providerId = attempt.provider.id
  detail.providerName = attempt.provider.name
  detail.servedModel = attempt.model ?? detail.model
  if (settlement.kind === 'answered') {
    detail.usage = settlement.usage
    detail.errorCode = settlement.outcome === 'success' ? null : settlement.outcome
  } else {
    const code = errorCodeOf(settlement.failure.body)
    detail.errorCode = typeof code === 'string' ? code : settlement.outcome
  }
}

/** The request log's view of a continued stream: the last leg's provider, every leg's tokens. */
function noteContinued(
  detail: RequestDetail,
  answering: Attempt<ProviderWithSecret> | null,
  usage: Usage | null,
  settlement: Settlement,
  requestModel: string,
): void {
  if (answering) {
    detail.providerId = answering.provider.id
    detail.providerName = answering.provider.name
    detail.servedModel = answering.model ?? requestModel
  }
  detail.usage = usage
  detail.errorCode =
    settlement.kind === 'answered' && settlement.outcome === 'success'
      ? null
      : settlement.outcome === 'aborted'
        ? 'aborted'
        : 'stream_error'
}

/** A stream's time to first token teaches a node on an adaptive route (a client gone early does not). */
function isAdaptiveSample(
  call: PreparedCall,
  attempt: Attempt<ProviderWithSecret>,
  settlement: Settlement,
): settlement is Settlement & { ttfbMs: number } {
  return (
    call.stream &&
    attempt.policy?.firstTokenTimeout === 'adaptive' &&
    settlement.ttfbMs !== null &&
    settlement.outcome !== 'aborted'
  )
}
