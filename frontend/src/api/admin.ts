import { request } from './client'
import type { LogsPage, Ping, RestoreSummary, Stats } from './types'

export const adminApi = {
  stats: () => request<Stats>('/api/admin/stats'),
  logs: (limit: number) => request<LogsPage>('/api/admin/logs', { query: { limit } }),
  exportBackup: () => request<unknown>('/api/admin/providers/export'),
  restore: (document: unknown, dryRun: boolean) =>
    request<RestoreSummary>('/api/admin/providers/restore', {
      method: 'POST',
      body: document,
      query: { dry_run: dryRun || undefined },
    }),
  ping: () => request<Ping>('/ping'),
}
