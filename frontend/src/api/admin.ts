import { request } from './client'
import type { LogsPage, Ping, RestoreSummary, Stats, StatsHistory } from './types'

/** What the logs panel narrows GET /api/admin/logs to (empty parts are not sent). */
export interface LogFilter {
  level?: 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR' | ''
  q?: string
  request_id?: string
}

export const adminApi = {
  stats: () => request<Stats>('/api/admin/stats'),
  statsHistory: (minutes: number) =>
    request<StatsHistory>('/api/admin/stats/history', { query: { minutes } }),
  logs: (limit: number, filter: LogFilter = {}) =>
    request<LogsPage>('/api/admin/logs', {
      query: {
        limit,
        level: filter.level || undefined,
        q: filter.q || undefined,
        request_id: filter.request_id || undefined,
      },
    }),
  exportBackup: () => request<unknown>('/api/admin/providers/export'),
  restore: (document: unknown, dryRun: boolean) =>
    request<RestoreSummary>('/api/admin/providers/restore', {
      method: 'POST',
      body: document,
      query: { dry_run: dryRun || undefined },
    }),
  ping: () => request<Ping>('/ping'),
}
