/**
 * Request tracing and counting (DESIGN.md §9). Every request's logger carries `request_id`,
 * `method` and `path`, so every line written with `request.log` during the request — by a handler,
 * a service it calls, or the gateway — says which request it belongs to. When the answer is sent,
 * one completion line adds `status_code` and `duration_ms`, and the request is counted in the stats
 * and the Prometheus metrics.
 *
 * Monitoring reads (the dashboard polls /api/admin/stats and /api/admin/logs, Prometheus scrapes
 * /metrics, load balancers probe /ping) answered without error are neither counted nor logged above
 * DEBUG: otherwise an idle server's figures and recent logs would be nothing but its own polling.
 * The same goes for a browser loading the UI's files and /docs.
 */
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Metrics } from '../../services/observability/metrics.js'

/** Routes (as registered, so whatever spelling reached them) whose successful reads are quiet. */
const QUIET_ROUTES = new Set([
  '/ping',
  '/api/admin/stats',
  '/api/admin/stats/history',
  '/api/admin/logs',
  '/metrics',
])

/** The path without its query string: a query can hold anything, a path is what was routed. */
export function pathOf(url: string): string {
  const q = url.indexOf('?')
  return q < 0 ? url : url.slice(0, q)
}

/**
 * Decided by the route that matched, not the URL as sent: `/%61pi/admin/providers/export` is the
 * export route and is counted and logged like it (a raw-URL test called it a page load).
 * A browser's page loads are GETs of public routes (the UI's files, /docs, /openapi.json) and of
 * unmatched paths, which the not-found handler answers with index.html.
 */
function isQuiet(request: FastifyRequest, statusCode: number): boolean {
  if (statusCode >= 400) return false
  const route = request.routeOptions
  if (route.url !== undefined && QUIET_ROUTES.has(route.url)) return true
  const isPageLoad = request.method === 'GET' || request.method === 'HEAD'
  return isPageLoad && (request.is404 || route.config.credential === 'public')
}

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace'
type Bindings = Record<string, unknown>

/**
 * A request's logger, made a pino child only when something logs through it. Most requests log
 * nothing but their completion line, which `completed` writes through the parent with the same
 * fields, so they never pay for a child: one a request (its bindings serialised, checked for secrets,
 * validated by Fastify) was 2.6 % of the main thread's samples under JSON gateway load.
 */
class RequestLogger {
  private made: FastifyBaseLogger | undefined

  /** `fastifyBindings`: the request id under its label; the rest is read off the request when needed. */
  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly fastifyBindings: Bindings,
    private readonly options: object,
    private readonly request: { method?: string; url?: string },
  ) {}

  private bindings(): Bindings {
    return {
      ...this.fastifyBindings,
      logger: 'switchboard.http',
      method: this.request.method,
      path: pathOf(this.request.url ?? '/'),
    }
  }

  private get real(): FastifyBaseLogger {
    this.made ??= this.parent.child(this.bindings(), this.options)
    return this.made
  }

  /** A line below the level makes no child (a route's own level needs the child to decide). */
  private enabled(level: Level): boolean {
    if (this.made || 'level' in this.options) return true
    const parent = this.parent as FastifyBaseLogger & { isLevelEnabled?: (level: string) => boolean }
    return parent.isLevelEnabled ? parent.isLevelEnabled(level) : true
  }

  get level(): string {
    return this.made ? this.made.level : ((this.options as { level?: string }).level ?? this.parent.level)
  }
  set level(level: string) {
    this.real.level = level
  }

  fatal(...args: unknown[]) {
    if (this.enabled('fatal')) (this.real.fatal as (...a: unknown[]) => void)(...args)
  }
  error(...args: unknown[]) {
    if (this.enabled('error')) (this.real.error as (...a: unknown[]) => void)(...args)
  }
  warn(...args: unknown[]) {
    if (this.enabled('warn')) (this.real.warn as (...a: unknown[]) => void)(...args)
  }
  info(...args: unknown[]) {
    if (this.enabled('info')) (this.real.info as (...a: unknown[]) => void)(...args)
  }
  debug(...args: unknown[]) {
    if (this.enabled('debug')) (this.real.debug as (...a: unknown[]) => void)(...args)
  }
  trace(...args: unknown[]) {
    if (this.enabled('trace')) (this.real.trace as (...a: unknown[]) => void)(...args)
  }
  silent(): void {}
  child(bindings: Bindings, options?: object): FastifyBaseLogger {
    return this.real.child(bindings, options)
  }

  /** The completion line: the child's fields, through the parent unless a child exists (or a route level). */
  completed(level: Level, fields: Bindings): void {
    const own = this.made ?? ('level' in this.options ? this.real : undefined)
    if (own) own[level](fields, 'request completed')
    else this.parent[level]({ ...this.bindings(), ...fields }, 'request completed')
  }
}

/** Must run before any route is registered: Fastify copies the child logger factory into each route. */
export function registerRequestLogging(app: FastifyInstance, deps: { metrics: Metrics }): void {
  app.setChildLoggerFactory(
    (logger, bindings, options, rawRequest) =>
      new RequestLogger(logger, bindings, options, rawRequest) as unknown as FastifyBaseLogger,
  )

  app.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
    const statusCode = reply.statusCode
    const durationMs = Math.round(reply.elapsedTime * 100) / 100
    const path = pathOf(request.url)
    const fields = { status_code: statusCode, duration_ms: durationMs }
    const log = request.log as unknown as RequestLogger
    if (isQuiet(request, statusCode)) {
      log.completed('debug', fields)
      return
    }
    log.completed(statusCode >= 500 ? 'error' : statusCode >= 400 ? 'warn' : 'info', fields)
    deps.metrics.recordHttp({
      method: request.method,
      route: request.routeOptions.url ?? null,
      path,
      statusCode,
      durationMs: reply.elapsedTime,
    })
  })
}
