/**
 * Table shapes as Kysely sees them. Both engines store booleans as 0/1 integers, JSON as text and
 * times as ISO-8601 text, so one mapping function per table serves SQLite and PostgreSQL alike.
 */
import type { ColumnType, Generated } from 'kysely'
import type { DatabaseConfig } from '../settings.js'

/** Which SQL dialect a repository speaks (the few queries that differ ask). */
export type Engine = DatabaseConfig['engine']

export interface ProvidersTable {
  id: Generated<number>
  name: string
  base_url: string
  kind: ColumnType<string, string | undefined, string>
  endpoints: string | null
  continuation: ColumnType<string | null, string | null | undefined, string | null>
  api_key_sealed: string | null
  api_key_hint: string | null
  models: string
  is_active: number
  health_check_path: string
  status: string | null
  status_code: number | null
  latency_ms: number | null
  last_tested_at: string | null
  last_detail: string | null
  consecutive_failures: number
  is_healthy: number
  health_override: string | null
  created_at: string
  updated_at: string
}

export interface ModelRoutesTable {
  id: Generated<number>
  name: string
  mode: string
  is_active: number
  config: string
  created_at: string
  updated_at: string
}

export interface RouteNodesTable {
  id: Generated<number>
  route_id: number
  api_id: number
  position: number
  models: string
  strategy: string
  priority: number
  /** Migration 0005; the weighted strategy's share, 0 = drained. */
  weight: Generated<number>
  metadata: string
}

export interface ClientKeysTable {
  id: Generated<number>
  name: string
  key_hash: string
  prefix: string
  created_at: string
  last_used_at: string | null
  /** JSON: domain/key-policy.ts (migration 0008). */
  policy: Generated<string>
}

/** What the replicas have leased of a key's counter in one window (db/quota.repo.ts). */
export interface KeyQuotaTable {
  key_id: number
  kind: string
  period: string
  leased: number
  granted: number
}

export interface KeyConcurrencyTable {
  key_id: number
  replica: string
  held: number
  expires_at: string
}

export interface HealthChecksTable {
  id: Generated<number>
  provider_id: number
  checked_at: string
  status: string
  status_code: number | null
  latency_ms: number | null
  detail: string | null
}

/** Key/value pairs; `config_revision` counts configuration changes so replicas notice them. */
export interface MetaTable {
  key: string
  value: ColumnType<string, string, string>
}

export interface RequestLogTable {
  id: Generated<number>
  at: string
  request_id: string
  key_id: number | null
  endpoint: string
  route: string | null
  model: string
  provider_id: number | null
  provider: string | null
  served_model: string | null
  stream: number
  status: number
  error_code: string | null
  /** JSON: [{ provider_id, provider, outcome, status, duration_ms }] */
  attempts: string
  latency_ms: number
  ttft_ms: number | null
  overhead_ms: number | null
  input_tokens: number | null
  output_tokens: number | null
  cached_input_tokens: number | null
  reasoning_tokens: number | null
  cost: number | null
}

/** Counters per bucket; `latency_<i>` / `ttft_<i>` count requests per histogram bucket (migrations.ts). */
export type UsageRollupsTable = {
  bucket_size: string
  bucket: string
  key_id: number
  route: string
  provider_id: number
  provider: string
  model: string
  requests: number
  errors: number
  input_tokens: number
  output_tokens: number
  cached_input_tokens: number
  reasoning_tokens: number
  cost: number
} & Record<`latency_${number}` | `ttft_${number}`, number>

export interface PricesTable {
  provider_id: number
  model: string
  input_per_million: number
  output_per_million: number
  cached_input_per_million: number | null
  updated_at: string
}

/** A server running on this database, as it last said (db/replicas.repo.ts). */
export interface ReplicasTable {
  id: string
  hostname: string
  pid: number
  /** Comma-separated fingerprints of the secrets it opens keys with: current first. */
  secret_ids: string
  started_at: string
  seen_at: string
}

/** A Responses response id and the provider that made it (no foreign key: a deleted provider is named in the 503). */
export interface ResponseBindingsTable {
  response_id: string
  provider_id: number
  created_at: string
}

/** A Responses response the gateway answered by translation (store: true), kept for follow-ups. */
export interface StoredResponsesTable {
  id: string
  created_at: string
  previous_response_id: string | null
  /** The Response object as answered (JSON), its output items included. */
  response: string
  /** This request's input items, each with an id (JSON array). */
  input_items: string
}

/** The output items of stored responses by id, for `item_reference` inputs. */
export interface StoredResponseItemsTable {
  item_id: string
  response_id: string
  item: string
}

export interface HealthEventsTable {
  id: Generated<number>
  provider_id: number
  at: string
  kind: string
  state: string
  reason: string
  model: string | null
  until: string | null
  actor: string | null
}

export interface Database {
  providers: ProvidersTable
  model_routes: ModelRoutesTable
  route_nodes: RouteNodesTable
  client_keys: ClientKeysTable
  health_checks: HealthChecksTable
  meta: MetaTable
  request_log: RequestLogTable
  usage_rollups: UsageRollupsTable
  prices: PricesTable
  key_quota: KeyQuotaTable
  key_concurrency: KeyConcurrencyTable
  replicas: ReplicasTable
  response_bindings: ResponseBindingsTable
  stored_responses: StoredResponsesTable
  stored_response_items: StoredResponseItemsTable
  health_events: HealthEventsTable
}
