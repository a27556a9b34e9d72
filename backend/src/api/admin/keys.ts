/** /api/keys: client keys for the gateway; the key itself is shown once, at creation. */

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { Name } from '../../domain/fields.js'
import { KeyPolicyFields } from '../../domain/key-policy.js'
import { ClientKeySchema, CreatedClientKeySchema } from '../../domain/model.js'
import type { ClientKeys } from '../../services/config/client-keys.js'
import { IdParams, problems } from './schemas.js'

const NewKeyBody = Type.Object({ name: Name }, { additionalProperties: false, title: 'NewClientKey' })

const KeyPatchBody = Type.Partial(Type.Object({ name: Name, ...KeyPolicyFields }), {
  additionalProperties: false,
  title: 'ClientKeyPatch',
})

const tags = ['keys']

export function keyRoutes(deps: { clientKeys: ClientKeys }): FastifyPluginAsyncTypebox {
  const { clientKeys } = deps
  return async (app) => {
    app.get(
      '/api/keys',
      {
        schema: {
          tags,
          summary: 'List client keys (without the keys themselves), with their policy and consumption now',
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

    app.patch(
      '/api/keys/:id',
      {
        schema: {
          tags,
          summary:
            "Change a client key's name and policy (allowed models, limits, budget, expiry, disabled); every replica applies it within the sync interval",
          params: IdParams,
          body: KeyPatchBody,
          response: { 200: ClientKeySchema, ...problems(404, 422) },
        },
      },
      async (req) => clientKeys.update(req.params.id, req.body),
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
