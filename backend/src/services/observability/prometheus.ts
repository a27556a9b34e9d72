/**
 * The Prometheus side of the metrics (GET /metrics): one registry per app instance (tests build many
 * apps in one process), the process metrics in one registry shared by the process.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'
import type { BackupStatus } from '../../domain/backup-document.js'
import type { Provider } from '../../domain/model.js'

const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]
const OVERHEAD_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25]

/**
 * Process metrics (CPU, memory, event loop, GC) belong to the process, not to an app instance: one
 * registry, made on first use, shared by every app in the process (tests build many). Its observers
 * collect on scrape and start no timers that would keep a process alive.
 */
let processRegistry: Registry | null = null
export function getProcessRegistry(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry()
    collectDefaultMetrics({ register: processRegistry })
  }
  return processRegistry
}

/** What the request log writer reports (services/usage/request-log.ts). */
export interface RequestLogStats {
  queued: number
  written: number
  dropped: { queue_full: number; write_failed: number }
}

/** The gateway's circuits and cooldowns, read at scrape time. */
export interface ResilienceState {
  circuitState(providerId: number): 'open' | 'half_open' | 'closed'
  cooldowns(): { providerId: number; model: string | null; secondsLeft: number }[]
}

const CIRCUIT_STATES = ['open', 'half_open', 'closed'] as const

export interface PrometheusOptions {
  /** Add a `key_id` label to the token and cost counters (BACKEND_METRICS_PER_KEY): one series per key. */
  perKey?: boolean
  /** The provider_state and cooldown_seconds_remaining gauges read it at scrape time. */
  resilience?: ResilienceState | undefined
}

export function createPrometheus(
  providers: () => Iterable<Provider>,
  backup?: () => BackupStatus,
  requestLog?: () => RequestLogStats,
  options: PrometheusOptions = {},
) {
  const registry = new Registry()
  // By provider and model; by key too only when asked: a label per key multiplies the series.
  const usageLabels = options.perKey
    ? (['provider_id', 'provider', 'model', 'key_id'] as const)
    : (['provider_id', 'provider', 'model'] as const)
  const httpRequests = new Counter({
    name: 'switchboard_http_requests_total',
    help: 'HTTP requests by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  })
  const httpDuration = new Histogram({
    name: 'switchboard_http_request_duration_seconds',
    help: 'HTTP request duration by method and route pattern',
    labelNames: ['method', 'route'] as const,
    buckets: SECONDS_BUCKETS,
    registers: [registry],
  })
  const attempts = new Counter({
    name: 'switchboard_gateway_upstream_attempts_total',
    help: 'Gateway attempts at an upstream provider by provider and outcome',
    labelNames: ['provider_id', 'provider', 'outcome'] as const,
    registers: [registry],
  })
  const attemptDuration = new Histogram({
    name: 'switchboard_gateway_upstream_duration_seconds',
    help: 'Duration of gateway attempts at an upstream provider',
    labelNames: ['provider_id', 'provider'] as const,
    buckets: SECONDS_BUCKETS,
    registers: [registry],
  })
  const ttfb = new Histogram({
    name: 'switchboard_gateway_stream_ttfb_seconds',
    help: 'Streams: time from sending the request to the first event that carries content',
    labelNames: ['provider_id', 'provider'] as const,
    buckets: SECONDS_BUCKETS,
    registers: [registry],
  })
  const translatedAttempts = new Counter({
    name: 'switchboard_gateway_translated_attempts_total',
    help: 'Gateway attempts translated between wire formats, by translation (client->provider) and outcome',
    labelNames: ['translation', 'outcome'] as const,
    registers: [registry],
  })
  const gatewayRequests = new Counter({
    name: 'switchboard_gateway_requests_total',
    help: 'Gateway requests by status code and whether they streamed',
    labelNames: ['status', 'stream'] as const,
    registers: [registry],
  })
  const overhead = new Histogram({
    name: 'switchboard_gateway_overhead_seconds',
    help: "The gateway's own time per request: its duration less the time spent waiting on upstreams",
    buckets: OVERHEAD_BUCKETS,
    registers: [registry],
  })
  const tokens = new Counter({
    name: 'switchboard_gateway_tokens_total',
    help: 'Tokens the upstreams reported, by type (input, output, cached_input, reasoning), provider and served model',
    labelNames: ['type', ...usageLabels],
    registers: [registry],
  })
  const cost = new Counter({
    name: 'switchboard_gateway_cost_total',
    help: 'Cost of the usage at the prices set (GET /api/prices), by provider and served model; unpriced models count nothing',
    labelNames: usageLabels,
    registers: [registry],
  })
  const ttft = new Histogram({
    name: 'switchboard_gateway_ttft_seconds',
    help: 'Streams: time from the request reaching the gateway to the first content sent to the client',
    labelNames: ['provider_id', 'provider', 'model'] as const,
    buckets: SECONDS_BUCKETS,
    registers: [registry],
  })
  const healthy = new Gauge({
    name: 'switchboard_provider_healthy',
    help: 'Whether a provider is healthy (1) or not (0)',
    labelNames: ['provider_id', 'provider'] as const,
    registers: [registry],
    collect() {
      this.reset()
      for (const p of providers())
        this.set({ provider_id: String(p.id), provider: p.name }, p.is_healthy ? 1 : 0)
    },
  })
  const failures = new Gauge({
    name: 'switchboard_provider_consecutive_failures',
    help: 'Consecutive failed probes or gateway attempts of a provider',
    labelNames: ['provider_id', 'provider'] as const,
    registers: [registry],
    collect() {
      this.reset()
      for (const p of providers())
        this.set({ provider_id: String(p.id), provider: p.name }, p.consecutive_failures)
    },
  })
  const limitRejections = new Counter({
    name: 'switchboard_limit_rejections_total',
    help: 'Gateway requests a client key policy refused, by reason (disabled, expired, model_not_allowed, concurrency, requests, tokens, budget)',
    labelNames: ['reason'] as const,
    registers: [registry],
  })
  const continuations = new Counter({
    name: 'switchboard_stream_continuations_total',
    help: 'Streams cut after their first content on a route that continues them, by how it ended (continued, diverged: a restart that did not begin with the sent text, unavailable: no node could continue, failed, aborted)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  })
  void healthy
  void failures
  const { resilience } = options
  if (resilience) {
    new Gauge({
      name: 'switchboard_provider_state',
      help: "A provider's circuit breaker: 1 for the state it is in (open, half_open, closed), 0 for the others",
      labelNames: ['provider_id', 'provider', 'state'] as const,
      registers: [registry],
      collect() {
        this.reset()
        for (const p of providers()) {
          const current = resilience.circuitState(p.id)
          for (const state of CIRCUIT_STATES)
            this.set({ provider_id: String(p.id), provider: p.name, state }, state === current ? 1 : 0)
        }
      },
    })
    new Gauge({
      name: 'switchboard_cooldown_seconds_remaining',
      help: 'Seconds left of a 429 cooldown, per provider and model (only running cooldowns are shown)',
      labelNames: ['provider_id', 'provider', 'model'] as const,
      registers: [registry],
      collect() {
        this.reset()
        const names = new Map<number, string>()
        for (const p of providers()) names.set(p.id, p.name)
        for (const c of resilience.cooldowns()) {
          const provider = names.get(c.providerId)
          if (provider === undefined) continue
          this.set({ provider_id: String(c.providerId), provider, model: c.model ?? '' }, c.secondsLeft)
        }
      },
    })
  }
  if (backup) {
    // Read from the backup's own counts at each scrape, like the provider gauges.
    new Counter({
      name: 'switchboard_backup_write_failures_total',
      help: 'Failed writes of the backup file (BACKEND_BACKUP_FILE) since start-up',
      registers: [registry],
      collect() {
        this.reset()
        this.inc(backup().failed_writes)
      },
    })
    new Gauge({
      name: 'switchboard_backup_write_failing',
      help: 'Whether the last write of the backup file failed (1): the file holds an older configuration',
      registers: [registry],
      collect() {
        this.set(backup().last_error ? 1 : 0)
      },
    })
  }
  if (requestLog) {
    new Counter({
      name: 'switchboard_request_log_dropped_total',
      help: 'Request log records dropped since start-up: queue full (database slow) or a failed batch write',
      labelNames: ['reason'] as const,
      registers: [registry],
      collect() {
        this.reset()
        const { dropped } = requestLog()
        this.inc({ reason: 'queue_full' }, dropped.queue_full)
        this.inc({ reason: 'write_failed' }, dropped.write_failed)
      },
    })
    new Counter({
      name: 'switchboard_request_log_written_total',
      help: 'Request log records written since start-up',
      registers: [registry],
      collect() {
        this.reset()
        this.inc(requestLog().written)
      },
    })
    new Gauge({
      name: 'switchboard_request_log_queued',
      help: 'Request log records waiting to be written',
      registers: [registry],
      collect() {
        this.set(requestLog().queued)
      },
    })
  }
  return {
    registry,
    httpRequests,
    httpDuration,
    attempts,
    attemptDuration,
    ttfb,
    gatewayRequests,
    overhead,
    limitRejections,
    continuations,
    tokens,
    cost,
    ttft,
    translatedAttempts,
  }
}
