/** /api/admin/stats and /api/admin/logs: what the observability dashboard reads (DESIGN.md §9). */

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { LogStore } from '../../core/logger.js'
import type { Metrics } from '../../services/observability/metrics.js'
import { StatsHistorySchema, StatsSchema } from '../../services/observability/stats.js'
import { HISTORY_MINUTES } from '../../services/observability/traffic-history.js'
import { problems } from './schemas.js'

const LogEntry = Type.Object(
  {
    timestamp: Type.String(),
    level: Type.String({ description: 'DEBUG, INFO, WARNING or ERROR' }),
    logger: Type.String(),
    message: Type.String(),
    request_id: Type.Optional(Type.String()),
    method: Type.Optional(Type.String()),
    path: Type.Optional(Type.String()),
    status_code: Type.Optional(Type.Integer()),
    duration_ms: Type.Optional(Type.Number()),
    fields: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), {
        description:
          'every other field of the line as app.log has it, redacted: provider, upstreamStatus, err, …',
      }),
    ),
  },
  { $id: 'LogEntry' },
)

const LogsPage = Type.Object(
  {
    logs: Type.Array(LogEntry),
    total: Type.Integer({ description: 'entries held (at most 1000)' }),
    matched: Type.Integer({ description: 'entries held that match the filters (all when none)' }),
  },
  { $id: 'LogsPage' },
)

const LogsQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })),
  level: Type.Optional(
    Type.Union(
      [Type.Literal('DEBUG'), Type.Literal('INFO'), Type.Literal('WARNING'), Type.Literal('ERROR')],
      {
        description: 'the lowest level returned: WARNING returns WARNING and ERROR',
      },
    ),
  ),
  q: Type.Optional(
    Type.String({ maxLength: 200, description: 'case-insensitive text searched in every field of the line' }),
  ),
  request_id: Type.Optional(
    Type.String({ minLength: 1, maxLength: 128, description: 'only the lines of this request' }),
  ),
})

const HistoryQuery = Type.Object({
  minutes: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: HISTORY_MINUTES,
      default: 60,
      description: 'how far back, in minutes',
    }),
  ),
})

const tags = ['admin']

export function adminRoutes(deps: { metrics: Metrics; logs: LogStore }): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/admin/stats',
      {
        schema: {
          tags,
          summary: 'Request figures since start-up, and per-provider gateway figures',
          response: { 200: StatsSchema },
        },
      },
      async () => deps.metrics.stats(),
    )

    app.get(
      '/api/admin/stats/history',
      {
        schema: {
          tags,
          summary: "Per-minute gateway and admin figures of the last minutes (up to 24 h), this process's",
          querystring: HistoryQuery,
          response: { 200: StatsHistorySchema, ...problems(422) },
        },
      },
      async (req) => deps.metrics.statsHistory(req.query.minutes ?? 60),
    )

    app.get(
      '/api/admin/logs',
      {
        schema: {
          tags,
          summary: 'The newest log entries, newest first',
          querystring: LogsQuery,
          response: {
            200: LogsPage,
            ...problems(422),
          },
        },
      },
      async (req) => {
        const { limit, level, q, request_id } = req.query
        return deps.logs.recent(limit ?? 50, {
          ...(level ? { level } : {}),
          ...(q ? { q } : {}),
          ...(request_id ? { request_id } : {}),
        })
      },
    )
  }
}
