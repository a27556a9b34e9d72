/**
 * The bounds of the configuration's fields, shared by the API's bodies and the backup document:
 * one schema per field, so whatever the API accepts restores, and a restore accepts nothing the
 * API would refuse. The rules a schema cannot say are in provider-rules.ts and routing-validation.ts.
 */
import { type TSchema, Type } from '@sinclair/typebox'
import { PROVIDER_ENDPOINTS, PROVIDER_KINDS } from './provider-kinds.js'

/** PostgreSQL's `integer` (and SQLite's exact range in JavaScript): larger ids would not round-trip. */
export const MAX_ID = 2_147_483_647

export const Id = Type.Integer({ minimum: 1, maximum: MAX_ID })
export const Name = Type.String({ minLength: 1, maxLength: 200 })
export const ModelName = Type.String({ minLength: 1, maxLength: 300 })
export const ModelList = Type.Array(ModelName, { maxItems: 5000 })
export const BaseUrl = Type.String({
  minLength: 1,
  maxLength: 2048,
  description: 'absolute http(s) URL, e.g. https://api.openai.com/v1',
})
export const HealthCheckPath = Type.String({
  minLength: 1,
  maxLength: 2048,
  description: 'probed with GET; default /models',
})
export const ProviderKind = Type.Union(
  PROVIDER_KINDS.map((k) => Type.Literal(k)),
  {
    description:
      'the wire protocol and auth: openai (Authorization: Bearer), anthropic (x-api-key), azure (api-key); default openai',
  },
)
export const ProviderEndpoint = Type.Union(PROVIDER_ENDPOINTS.map((e) => Type.Literal(e)))
export const ProviderEndpoints = Type.Array(ProviderEndpoint, {
  uniqueItems: true,
  maxItems: PROVIDER_ENDPOINTS.length,
  description:
    "narrows the /v1 endpoints the provider serves to these (each one its kind serves); null: all of the kind's",
})
export const RouteMode = Type.Union([Type.Literal('auto'), Type.Literal('specific'), Type.Literal('multi')])
/** The old per-node strategy: still read for routes that set none in `config.strategy` (routing.ts). */
export const Strategy = Type.Union([Type.Literal('round-robin'), Type.Literal('failover')], {
  description: "deprecated: set the route's config.strategy (or config.group_strategies) instead",
})
export const Weight = Type.Integer({
  minimum: 0,
  maximum: 1_000_000,
  description: "the node's share under the weighted strategy (default 1); 0 drains it: no traffic",
})
export const Priority = Type.Integer({
  minimum: -1_000_000,
  maximum: 1_000_000,
  description: 'lower first; in multi mode, nodes of one priority form a group',
})
export const MAX_NODES = 1000

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])

/** Any JSON object (its static type `Record<string, unknown>`, its schema an open object). */
export const JsonObject = (description: string) =>
  Type.Unsafe<Record<string, unknown>>(Type.Object({}, { additionalProperties: true, description }))
