/** /api/usage: traffic, tokens and cost per key, route, provider or model over time, from the rollups. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { UsageService } from '../../services/usage/usage.js'
import { Nullable, problems } from './schemas.js'

const Figures = {
  requests: Type.Integer(),
  errors: Type.Integer({ description: 'answers other than 2xx, and streams cut after the commit' }),
  input_tokens: Type.Integer(),
  output_tokens: Type.Integer(),
  cached_input_tokens: Type.Integer(),
  reasoning_tokens: Type.Integer(),
  cost: Type.Number({ description: 'sum of the priced requests (unpriced ones add nothing)' }),
  latency_p50_ms: Nullable(Type.Number()),
  latency_p95_ms: Nullable(Type.Number()),
  ttft_p50_ms: Nullable(Type.Number({ description: 'streams only' })),
  ttft_p95_ms: Nullable(Type.Number()),
}

const Group = {
  key: Nullable(
    Type.Union([Type.Integer(), Type.String()], {
      description: 'the key id, route name, provider id or model; null: none (no key, no route)',
    }),
  ),
  provider_name: Type.Optional(Type.String()),
}

const UsageAnswer = Type.Object(
  {
    group_by: Type.String(),
    interval: Type.String(),
    from: Type.String(),
    to: Type.String(),
    data: Type.Array(Type.Object({ bucket: Type.String(), ...Group, ...Figures })),
    totals: Type.Array(Type.Object({ ...Group, ...Figures }), {
      description: 'per group, by cost then requests',
    }),
  },
  { title: 'UsageAnswer' },
)

const UsageQuery = Type.Object(
  {
    group_by: Type.Union([
      Type.Literal('key'),
      Type.Literal('route'),
      Type.Literal('provider'),
      Type.Literal('model'),
    ]),
    interval: Type.Optional(
      Type.Union([Type.Literal('minute'), Type.Literal('hour'), Type.Literal('day')], {
        default: 'hour',
        description:
          'minute: ranges up to 7 days; hour and day: up to 400 days (day: the fastest for long ranges)',
      }),
    ),
    from: Type.Optional(Type.String({ description: 'ISO-8601; default: 24 hours before `to`' })),
    to: Type.Optional(Type.String({ description: 'ISO-8601, exclusive; default: now' })),
  },
  { additionalProperties: false },
)

export function usageRoutes(deps: { usage: UsageService }): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/usage',
      {
        schema: {
          tags: ['requests'],
          summary: 'Requests, errors, tokens, cost and p50/p95 latency per group and time bucket',
          querystring: UsageQuery,
          response: { 200: UsageAnswer, ...problems(422) },
        },
      },
      async (req) => deps.usage.query(req.query),
    )
  }
}
