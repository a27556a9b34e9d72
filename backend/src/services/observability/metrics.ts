/**
 * Traffic figures: the in-process aggregates behind GET /api/admin/stats, and the counters of the
 * Prometheus registry behind GET /metrics (made in prometheus.ts) (DESIGN.md §9).
 *
 * Each request costs O(1) and memory is bounded whatever the traffic: endpoints are keyed by the
 * route pattern (`GET /api/providers/{id}`, one key for every id) and every unmatched URL counts
 * under `METHOD (unmatched)`; status codes are at most a few hundred; recent requests are a ring of
 * 10; per-provider latencies are a ring of the last 1000 samples per provider; the per-minute
 * history is a fixed ring of 24 h (traffic-history.ts). Each request is counted once overall and
 * once as gateway (`/v1`) or admin traffic, so the dashboard can show the gateway's error rate apart
 * from the UI's own calls (issue 19).
 *
 * The gateway reports through `gatewayObserver` (or recordAttempt / recordGatewayRequest).
 */

import type { BackupStatus } from '../../domain/backup-document.js'
import type { Provider } from '../../domain/model.js'
import { costOf, type Price, type Usage } from '../../domain/usage.js'
import type {
  AttemptOutcome,
  AttemptRecord,
  GatewayObserver,
  GatewayRequestRecord,
} from '../gateway/observer.js'
import {
  createPrometheus,
  getProcessRegistry,
  type RequestLogStats,
  type ResilienceState,
} from './prometheus.js'
import type { RecentRequest, Stats, StatsHistory, TrafficFigures } from './stats.js'
import { createTrafficHistory, type TrafficClass } from './traffic-history.js'

export interface HttpRecord {
  method: string
  /** Fastify's route pattern (`/api/providers/:id`), or null when no route matched. */
  route: string | null
  /** The path as requested, without the query string. */
  path: string
  statusCode: number
  durationMs: number
}

export const RECENT_REQUESTS = 10
export const LATENCY_SAMPLES = 1000

/** `/api/providers/:id` → `/api/providers/{id}`; a regexp constraint `:id(\\d+)` is dropped. */
export function routePattern(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)(\([^)]*\))?/g, '{$1}')
}

/** Gateway traffic is whatever reached (or was meant for) /v1; the rest is the admin API's. */
export function trafficClassOf(route: string | null, path: string): TrafficClass {
  const target = route ?? path
  return target === '/v1' || target.startsWith('/v1/') ? 'gateway' : 'admin'
}

/** Totals of one traffic class; the overall figures are the sum of both. */
class TrafficTotals {
  requests = 0
  errors = 0
  durationMs = 0
  readonly statusCodes = new Map<number, number>()

  add(statusCode: number, durationMs: number): void {
    this.requests++
    this.durationMs += durationMs
    if (statusCode >= 400) this.errors++
    this.statusCodes.set(statusCode, (this.statusCodes.get(statusCode) ?? 0) + 1)
  }

  figures(): TrafficFigures {
    return {
      total_requests: this.requests,
      total_errors: this.errors,
      error_rate: this.requests === 0 ? 0 : round((this.errors / this.requests) * 100),
      average_duration_ms: this.requests === 0 ? 0 : round(this.durationMs / this.requests),
      status_codes: Object.fromEntries([...this.statusCodes].map(([code, n]) => [String(code), n])),
    }
  }
}

export function endpointKey(method: string, route: string | null): string {
  return route === null ? `${method} (unmatched)` : `${method} ${routePattern(route)}`
}

const round = (value: number, digits = 2) => {
  const f = 10 ** digits
  return Math.round(value * f) / f
}

/** A fixed ring of the last N latencies; percentiles sort a copy when someone asks. */
class LatencyRing {
  private readonly samples = new Float64Array(LATENCY_SAMPLES)
  private next = 0
  private size = 0

  add(ms: number): void {
    this.samples[this.next] = ms
    this.next = (this.next + 1) % LATENCY_SAMPLES
    if (this.size < LATENCY_SAMPLES) this.size++
  }

  percentiles(): { p50: number | null; p95: number | null } {
    if (this.size === 0) return { p50: null, p95: null }
    const sorted = this.samples.slice(0, this.size).sort()
    // nearest-rank: the smallest sample with at least p% of the samples at or below it
    const at = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0
    return { p50: round(at(50)), p95: round(at(95)) }
  }
}

interface ProviderCounters {
  name: string
  requests: number
  errors: number
  latency: LatencyRing
}

/** Outcomes that count as a provider error in the stats; a client going away is nobody's fault. */
function isProviderError(outcome: AttemptOutcome): boolean {
  return outcome !== 'success' && outcome !== 'aborted'
}

function tokenCounts(usage: Usage): [string, number][] {
  return [
    ['input', usage.input ?? 0],
    ['output', usage.output ?? 0],
    ['cached_input', usage.cachedInput ?? 0],
    ['reasoning', usage.reasoning ?? 0],
  ]
}

export interface MetricsDeps {
  /** The providers as the hot path sees them (the snapshot), read at scrape time for the gauges. */
  providers: () => Iterable<Provider>
  /** How the backup writes went, read when the stats or the metrics are asked for. */
  backup?: () => BackupStatus
  /** The request log writer's counts (services/usage/request-log.ts), read at scrape time. */
  requestLog?: () => RequestLogStats
  /** The gateway's circuits and cooldowns, for the provider_state and cooldown gauges. */
  resilience?: ResilienceState
  /** The price of a provider model (services/usage/prices.ts), for the cost counter. */
  priceOf?: (providerId: number, model: string) => Price | undefined
  /** Token and cost counters by client key too (BACKEND_METRICS_PER_KEY). */
  perKey?: boolean
  /** Milliseconds; injectable for tests. */
  now?: () => number
  /** Which mode the server runs in (no admin token: development), as the stats say. */
  mode?: 'development' | 'production'
}

export function createMetrics(deps: MetricsDeps) {
  const now = deps.now ?? Date.now
  const startedAt = now()
  const prom = createPrometheus(deps.providers, deps.backup, deps.requestLog, {
    perKey: deps.perKey,
    resilience: deps.resilience,
  })
  getProcessRegistry()

  let totalRequests = 0
  let totalErrors = 0
  let totalDurationMs = 0
  const statusCodes = new Map<number, number>()
  const endpoints = new Map<string, { count: number; total: number; errors: number }>()
  const recent: RecentRequest[] = []
  let recentNext = 0
  const providers = new Map<number, ProviderCounters>()
  const byClass = { gateway: new TrafficTotals(), admin: new TrafficTotals() }
  const history = createTrafficHistory(now)
  // Label objects are made once per distinct set of values and reused: the sets are bounded (route
  // patterns, status codes, providers) and a request then allocates nothing here.
  const labelCache = new Map<string, Record<string, string>>()
  function cachedLabels(key: string, make: () => Record<string, string>): Record<string, string> {
    let labels = labelCache.get(key)
    if (!labels) {
      if (labelCache.size >= 10_000) labelCache.clear() // providers renamed over and over
      labels = make()
      labelCache.set(key, labels)
    }
    return labels
  }
  const routeKeys = new Map<string | null, string>()
  function routeKeyOf(route: string | null): string {
    let key = routeKeys.get(route)
    if (key === undefined) {
      key = route === null ? '(unmatched)' : routePattern(route)
      routeKeys.set(route, key)
    }
    return key
  }

  function recordHttp(record: HttpRecord): void {
    const isError = record.statusCode >= 400
    totalRequests++
    totalDurationMs += record.durationMs
    if (isError) totalErrors++
    statusCodes.set(record.statusCode, (statusCodes.get(record.statusCode) ?? 0) + 1)
    const kind = trafficClassOf(record.route, record.path)
    byClass[kind].add(record.statusCode, record.durationMs)
    history.record(kind, isError, record.durationMs)
    const route = routeKeyOf(record.route)
    const key = record.route === null ? `${record.method} (unmatched)` : `${record.method} ${route}`
    let endpoint = endpoints.get(key)
    if (!endpoint) {
      endpoint = { count: 0, total: 0, errors: 0 }
      endpoints.set(key, endpoint)
    }
    endpoint.count++
    endpoint.total += record.durationMs
    if (isError) endpoint.errors++
    const entry: RecentRequest = {
      timestamp: now() / 1000,
      method: record.method,
      path: record.path,
      status_code: record.statusCode,
      duration_ms: round(record.durationMs),
    }
    recent[recentNext] = entry
    recentNext = (recentNext + 1) % RECENT_REQUESTS

    const { method, statusCode } = record
    prom.httpRequests.inc(
      cachedLabels(`h ${key} ${statusCode}`, () => ({ method, route, status: String(statusCode) })),
    )
    prom.httpDuration.observe(
      cachedLabels(`d ${key}`, () => ({ method, route })),
      record.durationMs / 1000,
    )
  }

  function recordAttempt(record: AttemptRecord): void {
    let counters = providers.get(record.providerId)
    if (!counters) {
      counters = { name: record.providerName, requests: 0, errors: 0, latency: new LatencyRing() }
      providers.set(record.providerId, counters)
    }
    counters.name = record.providerName
    counters.requests++
    if (isProviderError(record.outcome)) counters.errors++
    // A stream's latency is its time to first content; its whole duration is the answer's length.
    const latencyMs = record.stream ? (record.ttfbMs ?? record.durationMs) : record.durationMs
    if (record.outcome !== 'aborted') counters.latency.add(latencyMs)

    const { providerId, providerName, outcome } = record
    const providerKey = `${providerId} ${providerName}`
    const labels = cachedLabels(`p ${providerKey}`, () => ({
      provider_id: String(providerId),
      provider: providerName,
    }))
    prom.attempts.inc(cachedLabels(`a ${outcome} ${providerKey}`, () => ({ ...labels, outcome })))
    prom.attemptDuration.observe(labels, record.durationMs / 1000)
    if (record.stream && record.ttfbMs !== null) prom.ttfb.observe(labels, record.ttfbMs / 1000)
    const { translated } = record
    if (translated) {
      prom.translatedAttempts.inc(
        cachedLabels(`t ${translated} ${outcome}`, () => ({ translation: translated, outcome })),
      )
    }
  }

  function recordGatewayRequest(record: GatewayRequestRecord): void {
    const { status, stream } = record
    prom.gatewayRequests.inc(
      cachedLabels(`g ${status} ${stream}`, () => ({ status: String(status), stream: String(stream) })),
    )
    prom.overhead.observe(Math.max(0, record.durationMs - record.upstreamMs) / 1000)
    const detail = record.detail
    if (!detail || detail.providerId === null) return
    const providerId = detail.providerId
    const provider = detail.providerName ?? ''
    const model = detail.servedModel ?? detail.model
    const keyId = deps.perKey ? String(detail.clientKeyId ?? '') : undefined
    const seriesKey = `${providerId} ${provider} ${model} ${keyId ?? ''}`
    const series = cachedLabels(`u ${seriesKey}`, () => ({
      provider_id: String(providerId),
      provider,
      model,
      ...(keyId === undefined ? {} : { key_id: keyId }),
    }))
    if (detail.ttftMs !== null && record.stream) {
      const labels = cachedLabels(`t ${providerId} ${provider} ${model}`, () => ({
        provider_id: String(providerId),
        provider,
        model,
      }))
      prom.ttft.observe(labels, detail.ttftMs / 1000)
    }
    if (!detail.usage) return
    for (const [type, count] of tokenCounts(detail.usage)) {
      if (count > 0)
        prom.tokens.inc(
          cachedLabels(`k ${type} ${seriesKey}`, () => ({ ...series, type })),
          count,
        )
    }
    const cost = costOf(detail.usage, deps.priceOf?.(providerId, model))
    if (cost !== null && cost > 0) prom.cost.inc(series, cost)
  }

  function stats(): Stats {
    const recentRequests: RecentRequest[] = []
    for (let i = 1; i <= RECENT_REQUESTS; i++) {
      const entry = recent[(recentNext - i + RECENT_REQUESTS) % RECENT_REQUESTS]
      if (entry) recentRequests.push(entry)
    }
    return {
      mode: deps.mode ?? 'production',
      uptime_seconds: round((now() - startedAt) / 1000),
      total_requests: totalRequests,
      total_errors: totalErrors,
      error_rate: totalRequests === 0 ? 0 : round((totalErrors / totalRequests) * 100),
      average_duration_ms: totalRequests === 0 ? 0 : round(totalDurationMs / totalRequests),
      status_codes: Object.fromEntries([...statusCodes].map(([code, n]) => [String(code), n])),
      endpoints: Object.fromEntries(
        [...endpoints].map(([key, e]) => [
          key,
          {
            count: e.count,
            total_duration_ms: round(e.total),
            avg_duration_ms: round(e.total / e.count),
            error_count: e.errors,
          },
        ]),
      ),
      recent_requests: recentRequests,
      providers: Object.fromEntries(
        [...providers].map(([id, p]) => {
          const { p50, p95 } = p.latency.percentiles()
          return [
            String(id),
            { name: p.name, requests: p.requests, errors: p.errors, p50_ms: p50, p95_ms: p95 },
          ]
        }),
      ),
      ...(deps.backup ? { backup: deps.backup() } : {}),
      gateway: byClass.gateway.figures(),
      admin: byClass.admin.figures(),
    }
  }

  /** Per-minute figures of the last `minutes` minutes (at most 24 h), for the dashboard's chart. */
  function statsHistory(minutes: number): StatsHistory {
    return { resolution_seconds: 60, points: history.read(minutes) }
  }

  /** Prometheus text: this app's metrics, then the process's. */
  async function prometheus(): Promise<string> {
    const [own, processText] = await Promise.all([prom.registry.metrics(), getProcessRegistry().metrics()])
    return `${own.trimEnd()}\n${processText}`
  }

  const gatewayObserver: GatewayObserver = {
    attempt: recordAttempt,
    request: recordGatewayRequest,
    continuation: (outcome) => prom.continuations.inc({ outcome }),
  }

  return {
    recordHttp,
    recordAttempt,
    /** A request a client key's policy refused (services/gateway/limits.ts, client-keys.ts). */
    recordLimitRejection: (reason: string) => prom.limitRejections.inc({ reason }),
    recordGatewayRequest,
    gatewayObserver,
    stats,
    statsHistory,
    prometheus,
    contentType: prom.registry.contentType,
  }
}

export type Metrics = ReturnType<typeof createMetrics>
