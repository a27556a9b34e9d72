/**
 * What the gateway reports about its traffic, and who listens: passive health checks (health
 * service) and metrics (stats and Prometheus). The gateway knows only this interface.
 */
import type { Usage } from '../../domain/usage.js'
import type { ContinuationOutcome } from './continuation.js'

export type AttemptOutcome =
  | 'success' // 2xx (for a stream: completed after the commit)
  | 'client_error' // 4xx other than 429: says nothing about health
  | 'rate_limited' // 429: a cooldown, not a health failure
  | 'server_error' // 5xx
  | 'timeout' // headers or first token too late
  | 'connection_error' // refused, reset, DNS, TLS
  | 'stream_error' // failed after the commit (reset, idle timeout, truncated)
  | 'aborted' // the client went away
  | 'diverged' // a restarted continuation did not begin with the text already sent (not a health matter)

export interface AttemptRecord {
  providerId: number
  providerName: string
  outcome: AttemptOutcome
  /** Upstream HTTP status, when one arrived. */
  status: number | null
  /** From sending the request to the end of the attempt. */
  durationMs: number
  /** Time to the first byte of the body (streams: to the commit point), when reached. */
  ttfbMs: number | null
  stream: boolean
  /** The attempt was translated (`chat->messages`: the client's format, then the provider's). */
  translated?: string
}

/** What the request log keeps of one request (services/usage/); no bodies. */
export interface RequestDetail {
  /** Epoch ms when the request reached the gateway. */
  at: number
  requestId: string
  clientKeyId: number | null
  endpoint: string
  /** The model the client asked for (a route name or a model). */
  model: string
  /** The route that model named, if any. */
  route: string | null
  /** The provider and model that answered (or the last one tried). */
  providerId: number | null
  providerName: string | null
  servedModel: string | null
  errorCode: string | null
  attempts: {
    providerId: number
    providerName: string
    outcome: AttemptOutcome
    status: number | null
    durationMs: number
    translated?: string
    /** A continuing leg of a stream cut after the commit, and how it was asked (stream-splice.ts). */
    continuation?: 'prefill' | 'restart'
  }[]
  /** Streams: from the request's arrival to the first content sent to the client. */
  ttftMs: number | null
  usage: Usage | null
}

export interface GatewayRequestRecord {
  status: number
  stream: boolean
  attempts: number
  /** Whole request as the gateway saw it. */
  durationMs: number
  /** Time spent waiting on upstreams; durationMs minus this is the gateway's own overhead. */
  upstreamMs: number
  /** For the request log; the metrics need none of it. */
  detail?: RequestDetail
}

export interface GatewayObserver {
  attempt(record: AttemptRecord): void
  request(record: GatewayRequestRecord): void
  /** A request refused before any attempt (unknown model, bad body, nothing available). */
  rejected?(detail: RequestDetail, status: number, durationMs: number): void
  /** A stream cut after the commit on a route that continues streams: how its continuation ended. */
  continuation?(outcome: ContinuationOutcome): void
}

/** Passive health reads an attempt's outcome like this (DESIGN.md §4). */
export function healthEffect(outcome: AttemptOutcome): 'success' | 'failure' | 'none' {
  switch (outcome) {
    case 'success':
      return 'success'
    case 'server_error':
    case 'timeout':
    case 'connection_error':
    case 'stream_error':
      return 'failure'
    case 'client_error':
    case 'rate_limited':
    case 'aborted':
    case 'diverged':
      return 'none'
  }
}
