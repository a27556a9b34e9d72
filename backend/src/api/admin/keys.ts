/** /api/keys: client keys for the gateway; the key itself is shown once, at creation. */

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { Name } from '../../domain/fields.js'
import type { ClientKeys } from '../../services/config/client-keys.js'
import { IdParams, Nullable, problems } from './schemas.js'

const ClientKeySchema = Type.Object(
  {
    id: Type.Integer(),
    name: Type.String(),
    prefix: Type.String({ description: 'the first characters of the key, to recognise it' }),
    created_at: Type.String(),
    last_used_at: Nullable(Type.String()),
  },
  { $id: 'ClientKey' },
)

const CreatedClientKeySchema = Type.Object(
  {
    id: Type.Integer(),
    name: Type.String(),
    key: Type.String({ description: 'shown this once; only its SHA-256 is stored' }),
    prefix: Type.String(),
    created_at: Type.String(),
  },
  { $id: 'CreatedClientKey' },
)

const NewKeyBody = Type.Object({ name: Name }, { additionalProperties: false, title: 'NewClientKey' })

const tags = ['keys']

export function keyRoutes(deps: { clientKeys: ClientKeys }): FastifyPluginAsyncTypebox {
  const { clientKeys } = deps
  return async (app) => {
    app.get(
      '/api/keys',
      {
        schema: {
          tags,
          summary: 'List client keys (without the keys themselves)',
          response: { 200: Type.Array(ClientKeySchema) },
        },
      },
      async () => clientKeys.list(),
    )

    app.post(
      '/api/keys',
      {
        schema: {
          tags,
          summary: 'Create a client key for /v1; the answer holds the key, shown this once',
          body: NewKeyBody,
          response: { 201: CreatedClientKeySchema, ...problems(409, 422) },
        },
      },
      async (req, reply) => reply.code(201).send(await clientKeys.create(req.body.name)),
    )

    app.delete(
      '/api/keys/:id',
      {
        schema: {
          tags,
          summary: 'Revoke a client key: refused from the next request on',
          params: IdParams,
          response: { 204: Type.Null(), ...problems(404) },
        },
      },
      async (req, reply) => {
        await clientKeys.remove(req.params.id)
        return reply.code(204).send(null)
      },
    )
  }
}
