/** /api/admin/stats and /api/admin/logs: what the observability dashboard reads (DESIGN.md §9). */

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { LogStore } from '../../core/logger.js'
import type { Metrics } from '../../services/observability/metrics.js'
import { Nullable, problems } from './schemas.js'

const Endpoint = Type.Object(
  {
    count: Type.Integer(),
    total_duration_ms: Type.Number(),
    avg_duration_ms: Type.Number(),
    error_count: Type.Integer(),
  },
  { $id: 'EndpointStats' },
)

const RecentRequest = Type.Object(
  {
    timestamp: Type.Number({ description: 'unix time in seconds' }),
    method: Type.String(),
    path: Type.String(),
    status_code: Type.Integer(),
    duration_ms: Type.Number(),
  },
  { $id: 'RecentRequest' },
)

const ProviderFigures = Type.Object(
  {
    name: Type.String(),
    requests: Type.Integer({ description: 'gateway attempts at this provider' }),
    errors: Type.Integer(),
    p50_ms: Nullable(Type.Number()),
    p95_ms: Nullable(Type.Number()),
  },
  { $id: 'ProviderFigures' },
)

const BackupFigures = Type.Object(
  {
    file: Type.String({ description: 'BACKEND_BACKUP_FILE' }),
    last_written_at: Nullable(Type.String({ description: 'the last successful write by this process' })),
    last_error: Nullable(
      Type.Object(
        { message: Type.String(), at: Type.String() },
        { description: 'the last write failed: the file still holds an older configuration' },
      ),
    ),
    failed_writes: Type.Integer({ description: 'failed writes since start-up' }),
  },
  { $id: 'BackupFigures' },
)

const StatsSchema = Type.Object(
  {
    uptime_seconds: Type.Number(),
    total_requests: Type.Integer(),
    total_errors: Type.Integer(),
    error_rate: Type.Number({ description: 'percent of requests answered with a status >= 400' }),
    average_duration_ms: Type.Number(),
    status_codes: Type.Record(Type.String(), Type.Integer()),
    endpoints: Type.Record(Type.String(), Endpoint, {
      description: 'keyed by "METHOD route-pattern", e.g. "GET /api/providers/{id}"',
    }),
    recent_requests: Type.Array(RecentRequest, { description: 'the last 10, newest first' }),
    providers: Type.Record(Type.String(), ProviderFigures, { description: 'keyed by provider id' }),
    backup: Type.Optional(BackupFigures),
  },
  { $id: 'Stats' },
)

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
  },
  { $id: 'LogEntry' },
)

const LogsPage = Type.Object(
  {
    logs: Type.Array(LogEntry),
    total: Type.Integer({ description: 'entries held (at most 1000)' }),
  },
  { $id: 'LogsPage' },
)

const LogsQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })),
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
      async (req) => deps.logs.recent(req.query.limit ?? 50),
    )
  }
}
