/** /api/providers health: connectivity tests, the manual override, and the probe history. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { CHECKS_KEPT } from '../../db/health.repo.js'
import { EVENTS_KEPT } from '../../db/health-events.repo.js'
import { ProviderEndpoints, ProviderKind } from '../../domain/fields.js'
import { ProviderSchema } from '../../domain/model.js'
import type { HealthService } from '../../services/health/health.js'
import { type Actor, HEALTH_EVENT_KINDS, type HealthEvents } from '../../services/health/health-events.js'
import { IdParams, Nullable, problems } from './schemas.js'

const ProbeStatus = Type.Union(
  ['online', 'degraded', 'timeout', 'unreachable', 'error'].map((s) => Type.Literal(s)),
)

const TestResult = Type.Object(
  {
    status: ProbeStatus,
    status_code: Nullable(Type.Integer()),
    latency_ms: Nullable(Type.Number()),
    detail: Nullable(Type.String()),
  },
  { $id: 'TestResult', description: 'latency_ms is the time to the response headers (or to the failure)' },
)

const CheckEntry = Type.Object(
  {
    checked_at: Type.String(),
    status: ProbeStatus,
    status_code: Nullable(Type.Integer()),
    latency_ms: Nullable(Type.Number()),
    detail: Nullable(Type.String()),
  },
  { $id: 'HealthCheck' },
)

const HealthChecks = Type.Object({ checks: Type.Array(CheckEntry) }, { $id: 'HealthChecks' })

const DirectTestBody = Type.Object(
  {
    base_url: Type.String({ minLength: 1, maxLength: 2048 }),
    kind: Type.Optional(ProviderKind),
    // The UI may send the whole form: the endpoints change nothing about the probe.
    endpoints: Type.Optional(Nullable(ProviderEndpoints)),
    api_key: Type.Optional(
      Nullable(Type.String({ maxLength: 8192, description: 'used for this probe only; never stored' })),
    ),
    models: Type.Optional(Type.Array(Type.String({ maxLength: 300 }), { maxItems: 5000 })),
    health_check_path: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
    // The UI may send the whole form; a name changes nothing about the probe.
    name: Type.Optional(Type.String({ maxLength: 200 })),
    is_active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, title: 'DirectTest' },
)

const ModelListingSchema = Type.Object(
  {
    status: ProbeStatus,
    status_code: Nullable(Type.Integer()),
    latency_ms: Nullable(Type.Number()),
    detail: Nullable(Type.String()),
    models: Type.Array(Type.String(), { description: 'sorted; empty unless status is online' }),
  },
  { $id: 'ModelListing', description: 'GET {base_url}/models through the probe; nothing is recorded' },
)

const DirectModelsBody = Type.Object(
  {
    base_url: Type.String({ minLength: 1, maxLength: 2048 }),
    kind: Type.Optional(ProviderKind),
    api_key: Type.Optional(
      Nullable(Type.String({ maxLength: 8192, description: 'used for this call only; never stored' })),
    ),
  },
  { additionalProperties: false, title: 'DirectModels' },
)

const HealthOverrideBody = Type.Object(
  {
    is_healthy: Nullable(
      Type.Boolean({ description: 'true/false holds the flag; null returns to automatic' }),
    ),
  },
  { additionalProperties: false, title: 'HealthOverride' },
)

const HealthEventSchema = Type.Object(
  {
    id: Type.Integer(),
    at: Type.String(),
    kind: Type.Union(
      HEALTH_EVENT_KINDS.map((k) => Type.Literal(k)),
      {
        description:
          'probe: a result unlike the last; health: the flag turned; circuit: the breaker moved; cooldown: a 429 cooldown began; override: held or released',
      },
    ),
    state: Type.String({
      description:
        'the state entered: a probe status, healthy/unhealthy, open/half_open/closed, cooling, healthy/unhealthy/released',
    }),
    reason: Type.String(),
    model: Nullable(Type.String({ description: 'the model a cooldown is for' })),
    until: Nullable(Type.String({ description: 'when a cooldown ends' })),
    actor: Nullable(
      Type.String({
        description: 'who set or released an override: admin_token, or no_auth (no token configured)',
      }),
    ),
  },
  { $id: 'HealthEvent' },
)
const HealthEventsSchema = Type.Object({ events: Type.Array(HealthEventSchema) }, { $id: 'HealthEvents' })

const tags = ['providers']

export function providerHealthRoutes(deps: {
  health: HealthService
  events: HealthEvents
  /** Who an override is recorded as made by: the admin token when one is configured. */
  actor: Actor
}): FastifyPluginAsyncTypebox {
  const { health, events, actor } = deps
  return async (app) => {
    app.post(
      '/api/providers/test-direct',
      {
        schema: {
          tags,
          summary: 'Probe an unsaved provider configuration (records nothing, stores no key)',
          body: DirectTestBody,
          response: { 200: TestResult, ...problems(422) },
        },
      },
      async (req) => health.testDirect(req.body),
    )

    app.post(
      '/api/providers/models-direct',
      {
        schema: {
          tags,
          summary: "List the models an unsaved configuration's /models offers (stores nothing)",
          body: DirectModelsBody,
          response: { 200: ModelListingSchema, ...problems(422) },
        },
      },
      async (req) => health.listModelsDirect(req.body),
    )

    app.post(
      '/api/providers/:id/models',
      {
        schema: {
          tags,
          summary: "List the models a provider's /models offers, with its stored key (records nothing)",
          params: IdParams,
          response: { 200: ModelListingSchema, ...problems(404, 422) },
        },
      },
      async (req) => health.listProviderModels(req.params.id),
    )

    app.post(
      '/api/providers/:id/test',
      {
        schema: {
          tags,
          summary: 'Probe a provider now and record the result',
          params: IdParams,
          response: { 200: TestResult, ...problems(404) },
        },
      },
      async (req) => health.testProvider(req.params.id),
    )

    app.patch(
      '/api/providers/:id/health',
      {
        schema: {
          tags,
          summary: 'Hold is_healthy (true/false, failures reset to 0) or release it (null)',
          params: IdParams,
          body: HealthOverrideBody,
          response: { 200: ProviderSchema, ...problems(404, 422) },
        },
      },
      async (req) => health.setOverride(req.params.id, req.body.is_healthy, actor),
    )

    app.get(
      '/api/providers/:id/events',
      {
        schema: {
          tags,
          summary: `The health timeline, newest first: every change of state with its reason (the last ${EVENTS_KEPT} are kept)`,
          params: IdParams,
          querystring: Type.Object({
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: EVENTS_KEPT, default: 100 })),
          }),
          response: { 200: HealthEventsSchema, ...problems(404, 422) },
        },
      },
      async (req) => events.list(req.params.id, req.query.limit ?? 100),
    )

    app.get(
      '/api/providers/:id/checks',
      {
        schema: {
          tags,
          summary: `Recent probe results, newest first (the last ${CHECKS_KEPT} are kept)`,
          params: IdParams,
          querystring: Type.Object({
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: CHECKS_KEPT, default: 50 })),
          }),
          response: { 200: HealthChecks, ...problems(404, 422) },
        },
      },
      async (req) => health.recentChecks(req.params.id, req.query.limit ?? 50),
    )
  }
}
