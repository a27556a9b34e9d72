/** GET /metrics: Prometheus text. Behind the admin token like /api (api/plugins/auth.ts). */

import type { FastifyPluginAsync } from 'fastify'
import type { Metrics } from '../../services/observability/metrics.js'

export function metricsRoutes(deps: { metrics: Metrics }): FastifyPluginAsync {
  return async (app) => {
    app.get(
      '/metrics',
      {
        schema: {
          tags: ['admin'],
          summary: 'Prometheus metrics (text exposition format)',
          produces: ['text/plain'],
        },
      },
      async (_req, reply) => reply.type(deps.metrics.contentType).send(await deps.metrics.prometheus()),
    )
  }
}
