/** Human-readable renderings shared by the pages. */

export function formatUptime(totalSeconds: number): string {
  const seconds = Math.max(0, Math.floor(totalSeconds))
  const days = Math.floor(seconds / 86_400)
  const hours = Math.floor((seconds % 86_400) / 3600)
  const minutes = Math.floor((seconds % 3600) / 60)
  const secs = seconds % 60
  if (days > 0) return `${days}d ${hours}h ${minutes}m`
  if (hours > 0) return `${hours}h ${minutes}m`
  if (minutes > 0) return `${minutes}m ${secs}s`
  return `${secs}s`
}

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '—'
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`
  return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`
}

export function formatRelative(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return 'never'
  const then = Date.parse(iso)
  if (Number.isNaN(then)) return iso
  const diff = Math.round((now - then) / 1000)
  if (diff < 5) return 'just now'
  if (diff < 60) return `${diff} s ago`
  if (diff < 3600) return `${Math.floor(diff / 60)} min ago`
  if (diff < 86_400) return `${Math.floor(diff / 3600)} h ago`
  return new Date(then).toLocaleDateString()
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—'
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString()
}

export function formatPercent(value: number): string {
  return `${value.toFixed(value < 10 ? 2 : 1)}%`
}

export type ErrorRateHealth = 'healthy' | 'degraded' | 'warning'

/** The original's thresholds: under 5% healthy, 5–20% degraded, over 20% warning. */
export function classifyErrorRate(percent: number): ErrorRateHealth {
  if (percent < 5) return 'healthy'
  if (percent <= 20) return 'degraded'
  return 'warning'
}
