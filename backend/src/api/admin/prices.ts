/** /api/prices: the price of each provider model per million tokens, which gives each request its cost. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { Id, ModelName } from '../../domain/fields.js'
import { MAX_PRICES, PriceSchema } from '../../domain/usage.js'
import type { Prices } from '../../services/usage/prices.js'
import { Nullable, problems } from './schemas.js'

const PriceRecord = Type.Object(
  {
    provider_id: Type.Integer(),
    model: Type.String(),
    input_per_million: Type.Number(),
    output_per_million: Type.Number(),
    cached_input_per_million: Nullable(
      Type.Number({ description: 'null: cached input costs the input price' }),
    ),
    updated_at: Type.String(),
  },
  { title: 'PriceRecord' },
)

const PriceImport = Type.Object(
  { prices: Type.Array(PriceSchema, { maxItems: MAX_PRICES }) },
  { additionalProperties: false, title: 'PriceImport' },
)

const PriceKey = Type.Object({ provider_id: Id, model: ModelName }, { additionalProperties: false })

const tags = ['prices']

export function priceRoutes(deps: { prices: Prices }): FastifyPluginAsyncTypebox {
  const { prices } = deps
  return async (app) => {
    app.get(
      '/api/prices',
      {
        schema: {
          tags,
          summary: 'List the prices per provider model',
          response: { 200: Type.Array(PriceRecord) },
        },
      },
      async () => prices.list(),
    )
    app.put(
      '/api/prices',
      {
        schema: {
          tags,
          summary: 'Set the price of one provider model (per million tokens)',
          body: PriceSchema,
          response: { 200: PriceRecord, ...problems(422) },
        },
      },
      async (req) => prices.set(req.body),
    )
    app.post(
      '/api/prices/import',
      {
        schema: {
          tags,
          summary: 'Set many prices at once from a JSON document {"prices": [...]} (all or nothing)',
          body: PriceImport,
          response: { 200: Type.Object({ imported: Type.Integer() }), ...problems(422) },
        },
      },
      async (req) => prices.importAll(req.body.prices),
    )
    app.delete(
      '/api/prices',
      {
        schema: {
          tags,
          summary: 'Remove the price of one provider model (its requests then have no cost)',
          querystring: PriceKey,
          response: { 204: Type.Null(), ...problems(404) },
        },
      },
      async (req, reply) => {
        await prices.remove(req.query.provider_id, req.query.model)
        return reply.code(204).send(null)
      },
    )
  }
}
