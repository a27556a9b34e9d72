import { ref } from 'vue'
import type { Stats } from '../../api/types'

export interface StatsSample {
  at: number
  totalRequests: number
  totalErrors: number
  /** Sum of every endpoint's total duration: with the request count, the average over an interval. */
  totalDurationMs: number
  /** Requests and errors since the previous sample; null for the first one. */
  requests: number | null
  errors: number | null
  /** Requests and errors per minute over the interval since the previous sample. */
  requestsPerMinute: number | null
  errorsPerMinute: number | null
  /** Mean response time of the requests answered in that interval (null when there were none). */
  intervalAvgMs: number | null
}

const MAX_SAMPLES = 240

// Module-level so the series survives leaving and re-entering the page within the tab.
const samples = ref<StatsSample[]>([])

function totalDuration(stats: Stats): number {
  let sum = 0
  for (const endpoint of Object.values(stats.endpoints)) sum += endpoint.total_duration_ms
  return sum
}

const round1 = (value: number) => Math.round(value * 10) / 10

/**
 * The server keeps totals since start-up only; the chart's figures are differences between two
 * samples taken here: traffic per minute and the mean latency of just the requests in between
 * (a cumulative average would hardly move after the first hour).
 */
export function computeSample(stats: Stats, at: number, previous: StatsSample | undefined): StatsSample {
  const totalDurationMs = totalDuration(stats)
  const sample: StatsSample = {
    at,
    totalRequests: stats.total_requests,
    totalErrors: stats.total_errors,
    totalDurationMs,
    requests: null,
    errors: null,
    requestsPerMinute: null,
    errorsPerMinute: null,
    intervalAvgMs: null,
  }
  if (!previous || at <= previous.at) return sample
  const requests = stats.total_requests - previous.totalRequests
  const errors = stats.total_errors - previous.totalErrors
  const minutes = (at - previous.at) / 60_000
  sample.requests = requests
  sample.errors = errors
  sample.requestsPerMinute = round1(requests / minutes)
  sample.errorsPerMinute = round1(errors / minutes)
  sample.intervalAvgMs = requests > 0 ? round1((totalDurationMs - previous.totalDurationMs) / requests) : null
  return sample
}

/** A manual refresh sooner than this after the last point extends that point's interval instead. */
export const MIN_INTERVAL_MS = 10_000

/** The series after one more sample: appended, or merged into a last interval that is too short. */
export function addSample(series: StatsSample[], stats: Stats, at: number): StatsSample[] {
  const previous = series[series.length - 1]
  // A restarted server resets its totals; start a fresh series rather than plot negative traffic.
  if (previous !== undefined && stats.total_requests < previous.totalRequests) {
    return [computeSample(stats, at, undefined)]
  }
  const beforePrevious = series[series.length - 2]
  // Per-minute figures over a second or two are noise: a quick Refresh widens the last interval.
  if (previous && beforePrevious && previous.requests !== null && at - previous.at < MIN_INTERVAL_MS) {
    return [...series.slice(0, -1), computeSample(stats, at, beforePrevious)]
  }
  return [...series, computeSample(stats, at, previous)].slice(-MAX_SAMPLES)
}

export function useStatsHistory() {
  function record(stats: Stats, at: number = Date.now()): void {
    samples.value = addSample(samples.value, stats, at)
  }

  return { samples, record }
}
