/**
 * One coarse interval timer for the gateway's many deadlines (headers, first token, stream idle).
 * A setTimeout/clearTimeout pair per request and a re-arm per stream chunk cost measurable CPU
 * under load; a tick that scans the (few hundred) open attempts costs almost nothing. Deadlines
 * fire up to one tick late, and the tick is a quarter of the shortest timeout (10–100 ms).
 */
export interface Timed {
  /** performance.now() value at which `onDeadline` is due; Infinity when none. */
  deadline: number
  onDeadline(now: number): void
}

export class Deadlines {
  readonly #items = new Set<Timed>()
  #timer: NodeJS.Timeout | null = null

  constructor(readonly tickMs: number) {}

  static forTimeouts(...timeoutsMs: number[]): Deadlines {
    return new Deadlines(Math.min(100, Math.max(10, Math.floor(Math.min(...timeoutsMs) / 4))))
  }

  watch(item: Timed): void {
    this.#items.add(item)
    if (this.#timer) return
    this.#timer = setInterval(this.#tick, this.tickMs)
    this.#timer.unref()
  }

  /** Stops watching; the interval itself stops at the next tick that finds nothing to watch. */
  forget(item: Timed): void {
    this.#items.delete(item)
  }

  readonly #tick = (): void => {
    if (this.#items.size === 0) {
      if (this.#timer) clearInterval(this.#timer)
      this.#timer = null
      return
    }
    const now = performance.now()
    for (const item of this.#items) if (item.deadline <= now) item.onDeadline(now)
  }
}
