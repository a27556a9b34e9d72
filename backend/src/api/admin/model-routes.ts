/** /api/model-routes: routes, their nodes, and selection through them (DESIGN.md §5). */

import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { SESSION_SOURCES } from '../../domain/affinity.js'
import { ModelRouteSchema, NewRouteBody, RoutePatchBody } from '../../domain/model.js'
import type { ModelRoutes } from '../../services/config/model-routes.js'
import { IdParams, Nullable, problems } from './schemas.js'

const SESSION_SOURCE = Type.Union(SESSION_SOURCES.map((s) => Type.Literal(s)))

const SelectBody = Type.Object(
  {
    model: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
    session: Type.Optional(
      Type.Object(
        {
          session_id: Type.Optional(
            Type.String({ minLength: 1, maxLength: 512, description: 'the x-session-id header' }),
          ),
          body: Type.Optional(
            Type.Object(
              {},
              {
                additionalProperties: true,
                description: 'the /v1 body fields a session is read from: prompt_cache_key, user, metadata…',
              },
            ),
          ),
          client_key_id: Type.Optional(
            Nullable(
              Type.Integer({ description: 'the client key the call would use; bindings are per key' }),
            ),
          ),
        },
        {
          additionalProperties: false,
          description:
            'dry run on a route with affinity: the request whose session the choice is explained for',
        },
      ),
    ),
  },
  { additionalProperties: false, title: 'SelectionRequest' },
)

const AttemptSchema = Type.Object({
  provider_id: Type.Integer(),
  provider_name: Type.String(),
  model: Nullable(Type.String()),
})

const STRATEGY = Type.Union(
  ['failover', 'round-robin', 'weighted', 'least-busy', 'latency'].map((s) => Type.Literal(s)),
)

const SkippedNodeSchema = Type.Object(
  {
    node_id: Type.Integer(),
    provider_id: Type.Integer(),
    provider_name: Nullable(Type.String()),
    group: Type.String({ description: 'the group key: route id (auto), model (specific), priority (multi)' }),
    reason: Type.Union(
      [
        'provider_missing',
        'provider_inactive',
        'provider_unhealthy',
        'cooling_down',
        'circuit_open',
        'drained',
        'model_not_offered',
        'endpoint_not_served',
      ].map((r) => Type.Literal(r)),
    ),
  },
  { description: 'a node left out of the choice' },
)

const SelectionAnswer = Type.Object(
  {
    provider_id: Type.Integer(),
    provider_name: Type.String(),
    model: Nullable(Type.String()),
    dry_run: Type.Optional(Type.Boolean()),
    attempts: Type.Optional(
      Type.Array(AttemptSchema, { description: 'dry run: every attempt the gateway would make, in order' }),
    ),
    groups: Type.Optional(
      Type.Array(Type.Object({ key: Type.String(), strategy: STRATEGY }), {
        description: 'dry run: the groups looked at and their strategy',
      }),
    ),
    skipped: Type.Optional(
      Type.Array(SkippedNodeSchema, { description: 'dry run: the nodes left out of the choice and why' }),
    ),
    affinity: Type.Optional(
      Type.Object(
        {
          session_source: Nullable(
            Type.Union([SESSION_SOURCE, Type.Literal('messages')], {
              description: 'where the session key was read; null: the request names no session',
            }),
          ),
          group: Nullable(Type.String()),
          bound_provider_id: Nullable(
            Type.Integer({
              description: 'the provider the session is bound to; not chosen: it is unavailable',
            }),
          ),
          choice: Nullable(
            Type.Union(
              ['bound', 'hash', 'strategy'].map((c) => Type.Literal(c)),
              {
                description:
                  'bound: its node; hash: rendezvous hash of the session (no usable binding); strategy: the strategy chose; null: no session',
              },
            ),
          ),
        },
        { description: 'dry run on a route with affinity: how the session decided the first node' },
      ),
    ),
  },
  { $id: 'Selection', description: 'the selection; a dry run adds the plan and its explanation' },
)

const SelectQuery = Type.Object({
  dry_run: Type.Optional(
    Type.Boolean({ description: 'explain the choice without moving positions, credits or anything else' }),
  ),
})

const StateSchema = Type.Object(
  {
    route_id: Type.Integer(),
    route_name: Type.String(),
    state: Type.Object({
      round_robin_indices: Type.Record(Type.String(), Type.Integer(), {
        description: 'next index per key: the route id (auto), the model (specific) or the priority (multi)',
      }),
      groups: Type.Array(
        Type.Object({
          key: Type.String(),
          strategy: STRATEGY,
          position: Type.Integer(),
          nodes: Type.Array(
            Type.Object({
              node_id: Type.Integer(),
              provider_id: Type.Integer(),
              weight: Type.Integer(),
              credit: Type.Number({ description: 'smooth weighted round-robin credit' }),
              affinity_bindings: Type.Integer({ description: "sessions bound to this node's provider" }),
            }),
          ),
        }),
      ),
      providers: Type.Array(
        Type.Object({
          provider_id: Type.Integer(),
          provider_name: Nullable(Type.String()),
          in_flight: Type.Integer(),
          ewma_ms: Nullable(Type.Number({ description: 'peak-EWMA latency; null: no recent sample' })),
          samples: Type.Integer(),
          latency_cost: Type.Number({ description: 'what the latency strategy compares; 0: to explore' }),
          affinity_bindings: Type.Integer({ description: 'sessions of this route bound to this provider' }),
        }),
        { description: "the route's providers, load and speed shared with every route using them" },
      ),
      affinity: Type.Object(
        {
          enabled: Type.Boolean(),
          sources: Type.Array(SESSION_SOURCE, { description: 'where session keys are read, in order' }),
          hash_messages: Type.Boolean(),
          ttl_seconds: Type.Number({ description: 'BACKEND_AFFINITY_TTL_SECONDS' }),
          bindings: Type.Integer({ description: "this route's live session bindings in this process" }),
        },
        { description: 'session affinity: settings and live bindings' },
      ),
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
          summary:
            "The route's strategy state in this process: positions, credits, in-flight counts, latency EWMAs, affinity bindings",
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
            summary: 'The provider and model the route hands out next (advances its strategy state)',
            description:
              '404 when no node offers the requested model (specific mode), 409 when the route is inactive, 503 when no node is available (with skipped in a dry run). ?dry_run=true explains the choice and moves nothing.',
            params: IdParams,
            querystring: SelectQuery,
            body: SelectBody,
            response: { 200: SelectionAnswer, ...problems(404, 409, 422, 503) },
          },
        },
        async (req) =>
          req.query.dry_run
            ? modelRoutes.selectDryRun(req.params.id, req.body.model, req.body.session)
            : modelRoutes.select(req.params.id, req.body.model),
      )
    })
  }
}
