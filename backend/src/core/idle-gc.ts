/**
 * One full garbage collection when the server goes quiet after work (start-up included). V8 grows
 * its young generation to 32 MB under allocation and shrinks it only in a collection, and an idle
 * process allocates nothing, so none comes: the server sat at ~135 MB after start-up instead of
 * ~105 (docs/performance.md#memory). V8's memory reducer, which would do this, is not woken by an
 * idle Node process. A collection of the ~35 MB heap takes 20–40 ms, at a moment the event loop has
 * had nothing to do for a whole interval, and once per quiet spell: a server that stays quiet, or
 * that is never quiet, is not collected again.
 */
import { performance } from 'node:perf_hooks'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

/**
 * The interval's event-loop utilisation under which the process counts as quiet: an idle server's
 * timers (log flushes, batch writers) keep it near 0.3 %, more on a machine short of CPU.
 */
export const IDLE_UTILIZATION = 0.05
/** How often the event loop's utilisation is read. */
export const IDLE_CHECK_MS = 10_000

/**
 * The decision, fed one interval's event-loop utilisation (0–1) at a time: collect in the first
 * idle interval after a busy one. Armed at first, for the garbage start-up leaves.
 */
export class QuietSpells {
  #armed = true

  shouldCollect(utilization: number): boolean {
    if (utilization >= IDLE_UTILIZATION) {
      this.#armed = true
      return false
    }
    const collect = this.#armed
    this.#armed = false
    return collect
  }
}

/** V8's `gc()`: the flag exposes it to contexts made after it is set, so a new one hands it over. */
export function exposedGc(): () => void {
  setFlagsFromString('--expose-gc')
  return runInNewContext('gc') as () => void
}

/** Starts the checks (an unref'd timer: it never keeps the process alive); returns their stop. */
export function startIdleCollector(options: { everyMs?: number; collect?: () => void } = {}): () => void {
  const collect = options.collect ?? exposedGc()
  const spells = new QuietSpells()
  let since = performance.eventLoopUtilization()
  const timer = setInterval(() => {
    if (spells.shouldCollect(performance.eventLoopUtilization(since).utilization)) collect()
    // the collection's own pause is not the next interval's work
    since = performance.eventLoopUtilization()
  }, options.everyMs ?? IDLE_CHECK_MS)
  timer.unref()
  return () => clearInterval(timer)
}
