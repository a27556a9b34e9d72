/**
 * Per-minute traffic of the last 24 hours (issue 19 item 3), so the dashboard's chart means something
 * when it opens: a ring of 1440 one-minute buckets per traffic class (gateway `/v1`, admin API), held
 * in this process's memory. O(1) per request, fixed memory (six typed arrays), nothing written: a
 * restart starts an empty history, and each replica keeps (and answers with) its own traffic only.
 */
export const HISTORY_MINUTES = 24 * 60
const MINUTE_MS = 60_000

export type TrafficClass = 'gateway' | 'admin'

export interface MinuteFigures {
  requests: number
  errors: number
  /** Mean duration of the minute's requests, null when there were none. */
  avg_duration_ms: number | null
}

export interface HistoryPoint {
  /** Unix seconds of the minute's start. */
  timestamp: number
  gateway: MinuteFigures
  admin: MinuteFigures
}

function createSeries() {
  return {
    count: new Uint32Array(HISTORY_MINUTES),
    errors: new Uint32Array(HISTORY_MINUTES),
    duration: new Float64Array(HISTORY_MINUTES),
  }
}

export function createTrafficHistory(now: () => number) {
  /** The minute (ms since the epoch / 60 000) each slot holds; -1 for never used. */
  const minuteOf = new Float64Array(HISTORY_MINUTES).fill(-1)
  const series = { gateway: createSeries(), admin: createSeries() }

  function slotFor(minute: number): number {
    const slot = minute % HISTORY_MINUTES
    if (minuteOf[slot] !== minute) {
      // a slot last used a day (or more) ago starts over
      minuteOf[slot] = minute
      for (const s of Object.values(series)) {
        s.count[slot] = 0
        s.errors[slot] = 0
        s.duration[slot] = 0
      }
    }
    return slot
  }

  function record(kind: TrafficClass, isError: boolean, durationMs: number): void {
    const slot = slotFor(Math.floor(now() / MINUTE_MS))
    const s = series[kind]
    s.count[slot] = (s.count[slot] ?? 0) + 1
    if (isError) s.errors[slot] = (s.errors[slot] ?? 0) + 1
    s.duration[slot] = (s.duration[slot] ?? 0) + durationMs
  }

  function figures(kind: TrafficClass, slot: number, minute: number): MinuteFigures {
    const s = series[kind]
    if (minuteOf[slot] !== minute) return { requests: 0, errors: 0, avg_duration_ms: null }
    const requests = s.count[slot] ?? 0
    const total = s.duration[slot] ?? 0
    return {
      requests,
      errors: s.errors[slot] ?? 0,
      avg_duration_ms: requests === 0 ? null : Math.round((total / requests) * 100) / 100,
    }
  }

  /** The last `minutes` minutes, oldest first, the current (unfinished) minute last; empty ones as zeros. */
  function read(minutes: number): HistoryPoint[] {
    const current = Math.floor(now() / MINUTE_MS)
    const count = Math.max(1, Math.min(HISTORY_MINUTES, Math.floor(minutes)))
    const points: HistoryPoint[] = []
    for (let minute = current - count + 1; minute <= current; minute++) {
      const slot = ((minute % HISTORY_MINUTES) + HISTORY_MINUTES) % HISTORY_MINUTES
      points.push({
        timestamp: (minute * MINUTE_MS) / 1000,
        gateway: figures('gateway', slot, minute),
        admin: figures('admin', slot, minute),
      })
    }
    return points
  }

  return { record, read }
}

export type TrafficHistory = ReturnType<typeof createTrafficHistory>
