/** /api/model-routes: routes, their nodes, and selection through them (DESIGN.md §5). */

import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { Id, MAX_NODES, ModelName, Name, Priority, RouteMode, Strategy } from '../../domain/fields.js'
import type { ModelRoutes } from '../../services/config/model-routes.js'
import { IdParams, Nullable, problems } from './schemas.js'

// Field bounds are the backup document's (domain/fields.ts): whatever the API accepts restores.
const Models = Type.Array(ModelName, { maxItems: 5000, description: "empty: the provider's models" })
const JsonObject = (description: string) => Type.Object({}, { additionalProperties: true, description })
const Config = JsonObject(
  'optional keys: strategy (round-robin | failover, overrides the nodes), model (default for specific mode); a null value unsets a key',
)

const NodeSchema = Type.Object(
  {
    id: Type.Integer(),
    api_id: Type.Integer(),
    models: Type.Array(Type.String()),
    strategy: Strategy,
    priority: Type.Integer(),
    metadata: JsonObject('free-form'),
  },
  { $id: 'RouteNode' },
)

const ModelRouteSchema = Type.Object(
  {
    id: Type.Integer(),
    name: Type.String(),
    mode: RouteMode,
    is_active: Type.Boolean(),
    config: Config,
    nodes: Type.Array(NodeSchema),
    created_at: Type.String(),
    updated_at: Type.String(),
  },
  { $id: 'ModelRoute' },
)

const NodeBody = Type.Object(
  {
    api_id: Type.Integer({ ...Id, description: 'an existing provider id' }),
    models: Type.Optional(Models),
    strategy: Type.Optional(Strategy),
    priority: Type.Optional(Priority),
    metadata: Type.Optional(JsonObject('free-form')),
  },
  { additionalProperties: false },
)
const Nodes = Type.Array(NodeBody, {
  maxItems: MAX_NODES,
  description: 'in order; replaces every node when sent',
})

const NewRouteBody = Type.Object(
  {
    name: Name,
    mode: RouteMode,
    is_active: Type.Optional(Type.Boolean()),
    config: Type.Optional(Config),
    nodes: Type.Optional(Nodes),
  },
  { additionalProperties: false, title: 'NewModelRoute' },
)

const RoutePatchBody = Type.Object(
  {
    name: Type.Optional(Name),
    mode: Type.Optional(RouteMode),
    is_active: Type.Optional(Type.Boolean()),
    config: Type.Optional(Config),
    nodes: Type.Optional(Nodes),
  },
  {
    additionalProperties: false,
    title: 'ModelRoutePatch',
    description: 'only the fields sent change; nodes and config are replaced whole',
  },
)

const SelectBody = Type.Object(
  { model: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })) },
  { additionalProperties: false, title: 'SelectionRequest' },
)

const SelectionSchema = Type.Object(
  {
    provider_id: Type.Integer(),
    provider_name: Type.String(),
    model: Nullable(Type.String()),
  },
  { $id: 'Selection' },
)

const StateSchema = Type.Object(
  {
    route_id: Type.Integer(),
    route_name: Type.String(),
    state: Type.Object({
      round_robin_indices: Type.Record(Type.String(), Type.Integer(), {
        description: 'next index per key: the route id (auto), the model (specific) or the priority (multi)',
      }),
    }),
  },
  { $id: 'RouteState' },
)

const tags = ['model-routes']

export function modelRouteRoutes(deps: { modelRoutes: ModelRoutes }): FastifyPluginAsyncTypebox {
  const { modelRoutes } = deps
  return async (app) => {
    app.get(
      '/api/model-routes',
      {
        schema: {
          tags,
          summary: 'List model routes with their nodes (ordered by id)',
          response: { 200: Type.Array(ModelRouteSchema) },
        },
      },
      async () => modelRoutes.listRoutes(),
    )

    app.post(
      '/api/model-routes',
      {
        schema: {
          tags,
          summary: 'Create a model route',
          body: NewRouteBody,
          response: { 201: ModelRouteSchema, ...problems(409, 422) },
        },
      },
      async (req, reply) => reply.code(201).send(await modelRoutes.createRoute(req.body)),
    )

    app.get(
      '/api/model-routes/:id',
      {
        schema: {
          tags,
          summary: 'Get a model route',
          params: IdParams,
          response: { 200: ModelRouteSchema, ...problems(404) },
        },
      },
      async (req) => modelRoutes.getRoute(req.params.id),
    )

    app.patch(
      '/api/model-routes/:id',
      {
        schema: {
          tags,
          summary: 'Update some fields of a model route',
          params: IdParams,
          body: RoutePatchBody,
          response: { 200: ModelRouteSchema, ...problems(404, 409, 422) },
        },
      },
      async (req) => modelRoutes.updateRoute(req.params.id, req.body),
    )

    app.delete(
      '/api/model-routes/:id',
      {
        schema: {
          tags,
          summary: 'Delete a model route and its nodes',
          params: IdParams,
          response: { 204: Type.Null(), ...problems(404) },
        },
      },
      async (req, reply) => {
        await modelRoutes.deleteRoute(req.params.id)
        return reply.code(204).send(null)
      },
    )

    app.get(
      '/api/model-routes/:id/state',
      {
        schema: {
          tags,
          summary: "The route's round-robin positions in this process",
          params: IdParams,
          response: { 200: StateSchema, ...problems(404) },
        },
      },
      async (req) => modelRoutes.state(req.params.id),
    )

    await app.register(async (selectScope) => {
      // `select` takes an optional body: an empty one is "no model" even when the client
      // labels it JSON (only this endpoint; elsewhere an empty JSON body stays a 400).
      const parseJson = selectScope.getDefaultJsonParser('error', 'error')
      selectScope.removeContentTypeParser('application/json')
      selectScope.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
        const text = typeof body === 'string' ? body : body.toString('utf8')
        if (text.trim() === '') return done(null, undefined)
        return parseJson(req, text, done)
      })
      // no body at all is "no model" too; the schema then sees an empty object
      selectScope.addHook('preValidation', async (req) => {
        if (req.body === undefined || req.body === null) req.body = {}
      })
      selectScope.withTypeProvider<TypeBoxTypeProvider>().post(
        '/api/model-routes/:id/select',
        {
          schema: {
            tags,
            summary: 'The provider and model the route hands out next (advances round-robin)',
            description:
              '404 when no node offers the requested model (specific mode), 409 when the route is inactive, 503 when no node is available',
            params: IdParams,
            body: SelectBody,
            response: { 200: SelectionSchema, ...problems(404, 409, 422, 503) },
          },
        },
        async (req) => modelRoutes.select(req.params.id, req.body.model),
      )
    })
  }
}
