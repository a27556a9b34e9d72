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
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
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

/** Must run before any route is registered: Fastify copies the child logger factory into each route. */
export function registerRequestLogging(app: FastifyInstance, deps: { metrics: Metrics }): void {
  app.setChildLoggerFactory((logger, bindings, options, rawRequest) =>
    logger.child(
      {
        ...bindings,
        logger: 'switchboard.http',
        method: rawRequest.method,
        path: pathOf(rawRequest.url ?? '/'),
      },
      options,
    ),
  )

  app.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
    const statusCode = reply.statusCode
    const durationMs = Math.round(reply.elapsedTime * 100) / 100
    const path = pathOf(request.url)
    const fields = { status_code: statusCode, duration_ms: durationMs }
    if (isQuiet(request, statusCode)) {
      request.log.debug(fields, 'request completed')
      return
    }
    if (statusCode >= 500) request.log.error(fields, 'request completed')
    else if (statusCode >= 400) request.log.warn(fields, 'request completed')
    else request.log.info(fields, 'request completed')
    deps.metrics.recordHttp({
      method: request.method,
      route: request.routeOptions.url ?? null,
      path,
      statusCode,
      durationMs: reply.elapsedTime,
    })
  })
}
