/** The configuration objects every layer talks about, in API (snake_case) shape. */

export type ProbeStatus = 'online' | 'degraded' | 'timeout' | 'unreachable' | 'error'
export type HealthOverride = 'healthy' | 'unhealthy' | null

export interface Provider {
  id: number
  name: string
  base_url: string
  models: string[]
  is_active: boolean
  health_check_path: string
  status: ProbeStatus | null
  latency_ms: number | null
  last_tested_at: string | null
  consecutive_failures: number
  is_healthy: boolean
  health_override: HealthOverride
  created_at: string
  updated_at: string
}

/** What the API shows: the key itself never leaves, only whether there is one and its last 4 characters. */
export interface PublicProvider extends Provider {
  has_api_key: boolean
  api_key_hint: string | null
}

/** A provider as the gateway and the prober need it: with the sealed (encrypted) key. */
export interface ProviderWithSecret extends Provider {
  api_key_sealed: string | null
}

export type RouteMode = 'auto' | 'specific' | 'multi'
export type Strategy = 'round-robin' | 'failover'

export interface RouteNode {
  id: number
  api_id: number
  models: string[]
  strategy: Strategy
  priority: number
  metadata: Record<string, unknown>
}

export interface ModelRoute {
  id: number
  name: string
  mode: RouteMode
  is_active: boolean
  config: Record<string, unknown>
  nodes: RouteNode[]
  created_at: string
  updated_at: string
}

export interface ClientKey {
  id: number
  name: string
  prefix: string
  created_at: string
  last_used_at: string | null
}
