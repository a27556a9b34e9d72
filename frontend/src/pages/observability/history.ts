import type { HistoryPoint, TrafficKind } from '../../api/types'

export interface ChartPoint {
  /** Milliseconds since the epoch of the minute's start. */
  at: number
  requests: number
  errors: number
  avgMs: number | null
}

/** The server's per-minute history (GET /api/admin/stats/history) as the chart's series of one kind. */
export function toChartPoints(points: HistoryPoint[], kind: TrafficKind): ChartPoint[] {
  return points.map((p) => ({
    at: p.timestamp * 1000,
    requests: p[kind].requests,
    errors: p[kind].errors,
    avgMs: p[kind].avg_duration_ms,
  }))
}

/** True when the window holds any request of that kind: otherwise the chart says so instead. */
export function hasTraffic(points: ChartPoint[]): boolean {
  return points.some((p) => p.requests > 0)
}
