/**
 * One full garbage collection when the server goes quiet after work (start-up included). V8 grows
 * its young generation to 32 MB under allocation and shrinks it only in a collection, and an idle
 * process allocates nothing, so none comes: the server sat at ~135 MB after start-up instead of
 * ~105 (docs/performance.md#memory). V8's memory reducer, which would do this, is not woken by an
 * idle Node process. A collection of the ~35 MB heap takes 20–40 ms, at a moment the event loop has
 * had nothing to do for a whole interval, and once or a few times per quiet spell (below): a
 * server that stays quiet, or that is never quiet, is not collected again.
 */
import { performance } from 'node:perf_hooks'
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

/**
 * The interval's event-loop utilisation under which the process counts as quiet: an idle server's
 * timers (log flushes, batch writers) keep it near 0.3 %, more on a machine short of CPU.
 */
export const IDLE_UTILIZATION = 0.05
/** How often the event loop's utilisation is read. */
export const IDLE_CHECK_MS = 10_000

/** A young generation this small has been shrunk (V8's minimum is 1–2 MB; it grows to 32–128 MB). */
export const YOUNG_SHRUNK_BYTES = 4 * 1024 * 1024
/** Collections per quiet spell at most: V8 may keep the young generation after one (below). */
export const COLLECTIONS_PER_SPELL = 3

/**
 * The decision, fed one interval's event-loop utilisation (0–1) at a time: collect in a quiet
 * interval after a busy one (start-up counts as busy), and again in the next quiet ones while the
 * young generation has not shrunk. V8 shrinks it in a collection only when it sees a low
 * allocation rate since the previous one, so a collection soon after start-up or after the last
 * requests may keep it; the next one, an interval later, does not.
 */
export class QuietSpells {
  #left = COLLECTIONS_PER_SPELL

  shouldCollect(utilization: number): boolean {
    if (utilization >= IDLE_UTILIZATION) {
      this.#left = COLLECTIONS_PER_SPELL
      return false
    }
    return this.#left > 0
  }

  /** After a collection, with the young generation's size: done for this spell once it shrank. */
  collected(youngBytes: number): void {
    this.#left = youngBytes <= YOUNG_SHRUNK_BYTES ? 0 : this.#left - 1
  }
}

/** V8's `gc()`: the flag exposes it to contexts made after it is set, so a new one hands it over. */
export function exposedGc(): () => void {
  setFlagsFromString('--expose-gc')
  return runInNewContext('gc') as () => void
}

function youngGenerationBytes(): number {
  return getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0
}

/** Starts the checks (an unref'd timer: it never keeps the process alive); returns their stop. */
export function startIdleCollector(options: { everyMs?: number; collect?: () => void } = {}): () => void {
  const collect = options.collect ?? exposedGc()
  const spells = new QuietSpells()
  let since = performance.eventLoopUtilization()
  const timer = setInterval(() => {
    if (spells.shouldCollect(performance.eventLoopUtilization(since).utilization)) {
      collect()
      spells.collected(youngGenerationBytes())
    }
    // the collection's own pause is not the next interval's work
    since = performance.eventLoopUtilization()
  }, options.everyMs ?? IDLE_CHECK_MS)
  timer.unref()
  return () => clearInterval(timer)
}
