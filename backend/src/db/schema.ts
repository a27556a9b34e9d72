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
  metadata: string
}

export interface ClientKeysTable {
  id: Generated<number>
  name: string
  key_hash: string
  prefix: string
  created_at: string
  last_used_at: string | null
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

/** A Responses response id and the provider that made it (no foreign key: a deleted provider is named in the 503). */
export interface ResponseBindingsTable {
  response_id: string
  provider_id: number
  created_at: string
}

export interface Database {
  providers: ProvidersTable
  model_routes: ModelRoutesTable
  route_nodes: RouteNodesTable
  client_keys: ClientKeysTable
  health_checks: HealthChecksTable
  meta: MetaTable
  response_bindings: ResponseBindingsTable
}
