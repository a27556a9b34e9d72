/**
 * The configuration objects every layer talks about, in API (snake_case) shape. Each is a TypeBox
 * schema (what the API validates and documents in /openapi.json) and the type derived from it
 * (`Static<>`): one source per shape. The bounds of single fields are in fields.ts.
 */

import { type Static, Type } from '@sinclair/typebox'
import {
  BaseUrl,
  HealthCheckPath,
  Id,
  JsonObject,
  MAX_NODES,
  ModelList,
  ModelName,
  Name,
  Nullable,
  Priority,
  ProviderEndpoints,
  ProviderKind,
  RouteMode as RouteModeField,
  Strategy as StrategyField,
  Weight,
} from './fields.js'
import { KeyPolicyFields } from './key-policy.js'

const ProbeStatusField = Type.Union([
  Type.Literal('online'),
  Type.Literal('degraded'),
  Type.Literal('timeout'),
  Type.Literal('unreachable'),
  Type.Literal('error'),
])
/**
 * How the provider continues a stream cut mid-answer (docs/gateway.md#mid-stream-continuation):
 * `prefill` (the sent text as the start of its answer), `restart` (the request again, its answer
 * used only when it begins with the sent text); null: by kind — prefill for `anthropic` (until it
 * answers one with 400), restart for `openai` and `azure` (services/gateway/continuation.ts).
 */
export const ContinuationField = Nullable(
  Type.Union([Type.Literal('prefill'), Type.Literal('restart')], {
    description:
      "how a stream cut mid-answer is continued here: prefill (the text sent as the start of the assistant's answer) or restart (the request again, used only when its answer begins with that text); null: by kind, prefill for anthropic (until a 400 says otherwise), restart for openai and azure (OpenAI's API takes a trailing assistant message as a finished turn)",
  }),
)
export type ContinuationSetting = Static<typeof ContinuationField>
const HealthOverrideField = Nullable(Type.Union([Type.Literal('healthy'), Type.Literal('unhealthy')]))

export type ProbeStatus = Static<typeof ProbeStatusField>
export type HealthOverride = Static<typeof HealthOverrideField>
export type RouteMode = Static<typeof RouteModeField>
export type Strategy = Static<typeof StrategyField>

/** A provider as the API shows it: the key itself never leaves, only whether there is one and its last 4 characters. */
export const ProviderSchema = Type.Object(
  {
    id: Type.Integer(),
    name: Type.String(),
    base_url: Type.String(),
    kind: ProviderKind,
    endpoints: Nullable(ProviderEndpoints),
    continuation: ContinuationField,
    models: Type.Array(Type.String()),
    is_active: Type.Boolean(),
    health_check_path: Type.String(),
    status: Nullable(ProbeStatusField),
    latency_ms: Nullable(Type.Number()),
    last_tested_at: Nullable(Type.String()),
    consecutive_failures: Type.Integer(),
    is_healthy: Type.Boolean(),
    health_override: HealthOverrideField,
    has_api_key: Type.Boolean(),
    api_key_hint: Nullable(Type.String()),
    created_at: Type.String(),
    updated_at: Type.String(),
  },
  { $id: 'Provider' },
)

export type PublicProvider = Static<typeof ProviderSchema>

/** A provider as the services hold it, without what the API adds about its key. */
export type Provider = Omit<PublicProvider, 'has_api_key' | 'api_key_hint'>

/** A provider as the gateway and the prober need it: with the sealed (encrypted) key. */
export interface ProviderWithSecret extends Provider {
  api_key_sealed: string | null
}

const ApiKey = Type.String({ minLength: 1, maxLength: 8192, description: 'write-only; never returned' })

export const NewProviderBody = Type.Object(
  {
    name: Name,
    base_url: BaseUrl,
    kind: Type.Optional(ProviderKind),
    endpoints: Type.Optional(Nullable(ProviderEndpoints)),
    continuation: Type.Optional(ContinuationField),
    api_key: Type.Optional(Nullable(ApiKey)),
    models: Type.Optional(ModelList),
    is_active: Type.Optional(Type.Boolean()),
    health_check_path: Type.Optional(HealthCheckPath),
  },
  { additionalProperties: false, title: 'NewProvider' },
)

export const ProviderPatchBody = Type.Object(
  {
    name: Type.Optional(Name),
    base_url: Type.Optional(BaseUrl),
    kind: Type.Optional(ProviderKind),
    endpoints: Type.Optional(Nullable(ProviderEndpoints)),
    continuation: Type.Optional(ContinuationField),
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

export type NewProvider = Static<typeof NewProviderBody>
export type ProviderPatch = Static<typeof ProviderPatchBody>

// Field bounds are the backup document's (fields.ts): whatever the API accepts restores.
const Models = Type.Array(ModelName, { maxItems: 5000, description: "empty: the provider's models" })
const Config = JsonObject(
  'optional keys: strategy (failover | round-robin | weighted | least-busy | latency; overrides the old per-node field), group_strategies (multi: {"<priority>": strategy} per priority group), model (default for specific mode), affinity (session affinity: {"enabled": true, "sources"?: [x-session-id | prompt_cache_key | user | safety_identifier | metadata.user_id], "hash_messages"?: bool}), retries, max_retry_wait, headers_timeout, first_token_timeout (seconds or "adaptive"), idle_timeout (see docs/gateway.md), stream_recovery (continue | error: a stream cut after its first content is continued by the next node; unset: only by a node serving the same model), drop_unsupported_params (default true: a parameter a translated target cannot take is left out and named in x-switchboard-dropped-params; false: a 400 naming it), default_max_tokens (the output a request without max_tokens may use, for client-key token limits and budgets); a null value unsets a key',
)

export const RouteNodeSchema = Type.Object(
  {
    id: Type.Integer(),
    api_id: Type.Integer(),
    models: Type.Array(Type.String()),
    strategy: StrategyField,
    priority: Type.Integer(),
    weight: Type.Integer(),
    metadata: JsonObject('free-form'),
  },
  { $id: 'RouteNode' },
)

export const ModelRouteSchema = Type.Object(
  {
    id: Type.Integer(),
    name: Type.String(),
    mode: RouteModeField,
    is_active: Type.Boolean(),
    config: Config,
    nodes: Type.Array(RouteNodeSchema),
    created_at: Type.String(),
    updated_at: Type.String(),
  },
  { $id: 'ModelRoute' },
)

export type RouteNode = Static<typeof RouteNodeSchema>
export type ModelRoute = Static<typeof ModelRouteSchema>

const NodeBody = Type.Object(
  {
    api_id: Type.Integer({ ...Id, description: 'an existing provider id' }),
    models: Type.Optional(Models),
    strategy: Type.Optional(StrategyField),
    priority: Type.Optional(Priority),
    weight: Type.Optional(Weight),
    metadata: Type.Optional(JsonObject('free-form')),
  },
  { additionalProperties: false },
)
const Nodes = Type.Array(NodeBody, {
  maxItems: MAX_NODES,
  description: 'in order; replaces every node when sent',
})

export const NewRouteBody = Type.Object(
  {
    name: Name,
    mode: RouteModeField,
    is_active: Type.Optional(Type.Boolean()),
    config: Type.Optional(Config),
    nodes: Type.Optional(Nodes),
  },
  { additionalProperties: false, title: 'NewModelRoute' },
)

export const RoutePatchBody = Type.Object(
  {
    name: Type.Optional(Name),
    mode: Type.Optional(RouteModeField),
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

export type NodeInput = Static<typeof NodeBody>
export type NewRoute = Static<typeof NewRouteBody>
/** Only the fields sent change; `nodes`, when sent, replaces every node; `config` replaces the whole object. */
export type RoutePatch = Static<typeof RoutePatchBody>

/** A key's consumption now (the key list): the cluster's counters, this replica's requests in flight. */
export const KeyUsageSchema = Type.Object(
  {
    requests_this_minute: Type.Integer(),
    tokens_this_minute: Type.Integer(),
    in_flight: Type.Integer({ description: 'on the replica that answered' }),
    spend_this_period: Type.Number({ description: 'reserved and spent in the current budget period' }),
  },
  { $id: 'ClientKeyUsage' },
)

export const ClientKeySchema = Type.Object(
  {
    id: Type.Integer(),
    name: Type.String(),
    prefix: Type.String({ description: 'the first characters of the key, to recognise it' }),
    created_at: Type.String(),
    last_used_at: Nullable(Type.String()),
    ...KeyPolicyFields,
    usage: KeyUsageSchema,
  },
  { $id: 'ClientKey' },
)

export const CreatedClientKeySchema = Type.Object(
  {
    id: Type.Integer(),
    name: Type.String(),
    key: Type.String({ description: 'shown this once; only its SHA-256 is stored' }),
    prefix: Type.String(),
    created_at: Type.String(),
  },
  { $id: 'CreatedClientKey' },
)

export type ClientKey = Static<typeof ClientKeySchema>
export type KeyUsage = Static<typeof KeyUsageSchema>
/** A key as stored: without its consumption. */
export type ClientKeyRecord = Omit<ClientKey, 'usage'>
export type CreatedClientKey = Static<typeof CreatedClientKeySchema>
