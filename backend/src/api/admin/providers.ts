/** /api/providers: the provider inventory. */

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { BaseUrl, HealthCheckPath, ModelList, Name } from '../../domain/fields.js'
import type { Inventory } from '../../services/config/inventory.js'
import { IdParams, Nullable, problems } from './schemas.js'

const ProbeStatus = Type.Union(
  ['online', 'degraded', 'timeout', 'unreachable', 'error'].map((s) => Type.Literal(s)),
)

export const ProviderSchema = Type.Object(
  {
    id: Type.Integer(),
    name: Type.String(),
    base_url: Type.String(),
    models: Type.Array(Type.String()),
    is_active: Type.Boolean(),
    health_check_path: Type.String(),
    status: Nullable(ProbeStatus),
    latency_ms: Nullable(Type.Number()),
    last_tested_at: Nullable(Type.String()),
    consecutive_failures: Type.Integer(),
    is_healthy: Type.Boolean(),
    health_override: Nullable(Type.Union([Type.Literal('healthy'), Type.Literal('unhealthy')])),
    has_api_key: Type.Boolean(),
    api_key_hint: Nullable(Type.String()),
    created_at: Type.String(),
    updated_at: Type.String(),
  },
  { $id: 'Provider' },
)

const ApiKey = Type.String({ minLength: 1, maxLength: 8192, description: 'write-only; never returned' })

const NewProviderBody = Type.Object(
  {
    name: Name,
    base_url: BaseUrl,
    api_key: Type.Optional(Nullable(ApiKey)),
    models: Type.Optional(ModelList),
    is_active: Type.Optional(Type.Boolean()),
    health_check_path: Type.Optional(HealthCheckPath),
  },
  { additionalProperties: false, title: 'NewProvider' },
)

const ProviderPatchBody = Type.Object(
  {
    name: Type.Optional(Name),
    base_url: Type.Optional(BaseUrl),
    api_key: Type.Optional(Nullable(ApiKey)),
    models: Type.Optional(ModelList),
    is_active: Type.Optional(Type.Boolean()),
    health_check_path: Type.Optional(HealthCheckPath),
  },
  {
    additionalProperties: false,
    title: 'ProviderPatch',
    description: 'only the fields sent change; api_key null removes the key',
  },
)

const tags = ['providers']

export function providerRoutes(deps: { inventory: Inventory }): FastifyPluginAsyncTypebox {
  const { inventory } = deps
  return async (app) => {
    app.get(
      '/api/providers',
      {
        schema: {
          tags,
          summary: 'List providers (ordered by id)',
          response: { 200: Type.Array(ProviderSchema) },
        },
      },
      async () => inventory.listProviders(),
    )

    app.post(
      '/api/providers',
      {
        schema: {
          tags,
          summary: 'Create a provider',
          body: NewProviderBody,
          response: { 201: ProviderSchema, ...problems(409, 422) },
        },
      },
      async (req, reply) => reply.code(201).send(await inventory.createProvider(req.body)),
    )

    app.get(
      '/api/providers/:id',
      {
        schema: {
          tags,
          summary: 'Get a provider',
          params: IdParams,
          response: { 200: ProviderSchema, ...problems(404) },
        },
      },
      async (req) => inventory.getProvider(req.params.id),
    )

    app.patch(
      '/api/providers/:id',
      {
        schema: {
          tags,
          summary: 'Update some fields of a provider',
          params: IdParams,
          body: ProviderPatchBody,
          response: { 200: ProviderSchema, ...problems(404, 409, 422) },
        },
      },
      async (req) => inventory.updateProvider(req.params.id, req.body),
    )

    app.delete(
      '/api/providers/:id',
      {
        schema: {
          tags,
          summary: 'Delete a provider (409 when routes use it, unless force=true)',
          params: IdParams,
          querystring: Type.Object({ force: Type.Optional(Type.Boolean({ default: false })) }),
          response: { 204: Type.Null(), ...problems(404, 409) },
        },
      },
      async (req, reply) => {
        await inventory.deleteProvider(req.params.id, { force: req.query.force === true })
        return reply.code(204).send(null)
      },
    )
  }
}
