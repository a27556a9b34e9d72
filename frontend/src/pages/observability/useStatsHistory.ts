import { ref } from 'vue'
import type { Stats } from '../../api/types'

export interface StatsSample {
  at: number
  totalRequests: number
  totalErrors: number
  averageMs: number
  /** Requests and errors since the previous sample; null for the first one. */
  requests: number | null
  errors: number | null
}

const MAX_SAMPLES = 240

// Module-level so the series survives leaving and re-entering the page within the tab.
const samples = ref<StatsSample[]>([])

/** The server keeps totals only; the chart's per-interval figures come from sampling them here. */
export function useStatsHistory() {
  function record(stats: Stats, at: number = Date.now()): void {
    const previous = samples.value[samples.value.length - 1]
    // A restarted server resets its totals; start a fresh series rather than plot negative traffic.
    const restarted = previous !== undefined && stats.total_requests < previous.totalRequests
    const base = restarted ? [] : samples.value
    const last = restarted ? undefined : previous
    const sample: StatsSample = {
      at,
      totalRequests: stats.total_requests,
      totalErrors: stats.total_errors,
      averageMs: stats.average_duration_ms,
      requests: last ? stats.total_requests - last.totalRequests : null,
      errors: last ? stats.total_errors - last.totalErrors : null,
    }
    samples.value = [...base, sample].slice(-MAX_SAMPLES)
  }

  return { samples, record }
}
