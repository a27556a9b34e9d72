/** The backend's API objects, in its snake_case shape. */

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
  has_api_key: boolean
  api_key_hint: string | null
  created_at: string
  updated_at: string
}

export interface ProviderInput {
  name: string
  base_url: string
  api_key?: string | null
  models: string[]
  is_active?: boolean
  health_check_path?: string
}

export interface TestResult {
  status: ProbeStatus
  status_code: number | null
  latency_ms: number | null
  detail: string | null
}

export interface HealthCheck extends TestResult {
  checked_at: string
}

export type RouteMode = 'auto' | 'specific' | 'multi'
export type Strategy = 'round-robin' | 'failover'

export interface RouteNode {
  id?: number
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

export interface RouteInput {
  name: string
  mode: RouteMode
  is_active: boolean
  config: Record<string, unknown>
  nodes: RouteNode[]
}

export interface Selection {
  provider_id: number
  provider_name: string
  model: string
}

export interface RouteState {
  route_id: number
  route_name: string
  state: { round_robin_indices?: Record<string, number> } & Record<string, unknown>
}

export interface ClientKey {
  id: number
  name: string
  prefix: string
  created_at: string
  last_used_at: string | null
}

export interface CreatedClientKey {
  id: number
  name: string
  key: string
  prefix: string
  created_at: string
}

export interface EndpointStats {
  count: number
  total_duration_ms: number
  avg_duration_ms: number
  error_count: number
}

export interface RecentRequest {
  timestamp: number
  method: string
  path: string
  status_code: number
  duration_ms: number
}

export interface ProviderFigures {
  name: string
  requests: number
  errors: number
  p50_ms: number | null
  p95_ms: number | null
}

/** How this server's writes of the backup file went (GET /api/admin/stats → backup). */
export interface BackupStatus {
  file: string
  last_written_at: string | null
  /** The last write failed: the file still holds an older configuration until a write succeeds. */
  last_error: { message: string; at: string } | null
  failed_writes: number
}

export interface Stats {
  uptime_seconds: number
  total_requests: number
  total_errors: number
  error_rate: number
  average_duration_ms: number
  status_codes: Record<string, number>
  endpoints: Record<string, EndpointStats>
  recent_requests: RecentRequest[]
  providers?: Record<string, ProviderFigures>
  backup?: BackupStatus
}

export type LogLevel = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR'

export interface LogEntry {
  timestamp: string
  level: LogLevel | string
  logger: string
  message: string
  request_id?: string
  method?: string
  path?: string
  status_code?: number
  duration_ms?: number
}

export interface LogsPage {
  logs: LogEntry[]
  total: number
}

/** What a restore changes: counts or name lists per kind, as the server reports them. */
export type ChangeList = number | string[] | Array<Record<string, unknown>>

export interface RestoreSummary {
  dry_run: boolean
  [section: string]: unknown
}
