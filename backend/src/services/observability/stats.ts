/**
 * What GET /api/admin/stats answers: the schema (validation of the answer, /openapi.json) and the
 * types the metrics service fills in, from one source.
 */
import { type Static, Type } from '@sinclair/typebox'
import { BackupStatusSchema } from '../../domain/backup-document.js'
import { Nullable } from '../../domain/fields.js'

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

// No $id: embedded twice in one schema, each copy is inlined.
const traffic = (description: string) =>
  Type.Object(
    {
      total_requests: Type.Integer(),
      total_errors: Type.Integer(),
      error_rate: Type.Number({ description: 'percent of these requests answered with a status >= 400' }),
      average_duration_ms: Type.Number(),
      status_codes: Type.Record(Type.String(), Type.Integer()),
    },
    { description },
  )

const minuteFigures = () =>
  Type.Object({
    requests: Type.Integer(),
    errors: Type.Integer(),
    avg_duration_ms: Nullable(Type.Number()),
  })

export const HistoryPointSchema = Type.Object(
  {
    timestamp: Type.Number({ description: "unix time in seconds of the minute's start" }),
    gateway: minuteFigures(),
    admin: minuteFigures(),
  },
  { $id: 'HistoryPoint' },
)

export const StatsHistorySchema = Type.Object(
  {
    resolution_seconds: Type.Literal(60),
    points: Type.Array(HistoryPointSchema, {
      description: 'one per minute, oldest first; the last is the current, unfinished minute',
    }),
  },
  { $id: 'StatsHistory' },
)

export const StatsSchema = Type.Object(
  {
    mode: Type.Union([Type.Literal('development'), Type.Literal('production')], {
      description:
        'development: no BACKEND_ADMIN_TOKEN (loopback only); /api and credential-less /v1 requests are open, a presented client key is still checked. production: the admin token guards /api, /v1 needs a client key',
    }),
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
    backup: Type.Optional(BackupStatusSchema),
    gateway: traffic('the gateway (/v1) requests only: what an operator watches'),
    admin: traffic(
      "the admin API and the rest (/api, /metrics, the sign-in page's 401s): the UI's own calls",
    ),
  },
  { $id: 'Stats' },
)

export type EndpointFigures = Static<typeof Endpoint>
export type RecentRequest = Static<typeof RecentRequest>
export type ProviderFigures = Static<typeof ProviderFigures>
export type Stats = Static<typeof StatsSchema>
export type TrafficFigures = Stats['gateway']
export type StatsHistory = Static<typeof StatsHistorySchema>
