/** /api/providers: the provider inventory. */

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { ProviderEndpoint, ProviderKind } from '../../domain/fields.js'
import { NewProviderBody, ProviderPatchBody, ProviderSchema } from '../../domain/model.js'
import { describeKinds } from '../../domain/provider-kinds.js'
import type { Inventory } from '../../services/config/inventory.js'
import { IdParams, problems } from './schemas.js'

const tags = ['providers']

const ProviderKindSchema = Type.Object(
  {
    kind: ProviderKind,
    endpoints: Type.Array(ProviderEndpoint, { description: 'every /v1 endpoint the kind serves' }),
    key_header: Type.String({ description: "the header that carries the provider's key" }),
  },
  { $id: 'ProviderKindInfo' },
)

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

    app.get(
      '/api/provider-kinds',
      {
        schema: {
          tags,
          summary: 'The provider kinds: the /v1 endpoints each serves and the header that carries its key',
          response: { 200: Type.Array(ProviderKindSchema) },
        },
      },
      async () => describeKinds(),
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
