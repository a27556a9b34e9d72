/**
 * What the gateway reports about its traffic, and who listens: passive health checks (health
 * service) and metrics (stats and Prometheus). The gateway knows only this interface.
 */
export type AttemptOutcome =
  | 'success' // 2xx (for a stream: completed after the commit)
  | 'client_error' // 4xx other than 429: says nothing about health
  | 'rate_limited' // 429: a cooldown, not a health failure
  | 'server_error' // 5xx
  | 'timeout' // headers or first token too late
  | 'connection_error' // refused, reset, DNS, TLS
  | 'stream_error' // failed after the commit (reset, idle timeout, truncated)
  | 'aborted' // the client went away

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
}

export interface GatewayRequestRecord {
  status: number
  stream: boolean
  attempts: number
  /** Whole request as the gateway saw it. */
  durationMs: number
  /** Time spent waiting on upstreams; durationMs minus this is the gateway's own overhead. */
  upstreamMs: number
}

export interface GatewayObserver {
  attempt(record: AttemptRecord): void
  request(record: GatewayRequestRecord): void
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
      return 'none'
  }
}
