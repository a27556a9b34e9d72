/**
 * The background prober (DESIGN.md §4): every interval, probe every active provider.
 *
 * - Cycles never overlap: the next is scheduled when the previous ends (at `start + interval`, or at
 *   once when the cycle overran it).
 * - Bounded concurrency that a slow upstream cannot clog: at most `concurrency` (16) probes are
 *   *started and still fresh*; a probe that has not answered after `slowAfterMs` gives its slot back
 *   and keeps waiting (up to its timeout) among at most `maxInFlight` (256) probes in all. With 16
 *   plain slots, 50 hanging providers would take 4 timeouts; this way a cycle of 200 providers with a
 *   quarter hanging ends in about one timeout.
 * - `stop()` aborts the probes in flight and waits for them (and for any write they started), so
 *   nothing touches the database after it resolves.
 * - `shouldRunCycle` is where several replicas agree that one of them probes (an advisory lock on
 *   PostgreSQL); it defaults to always.
 */
import { setMaxListeners } from 'node:events'
import type { Logger } from 'pino'
import type { ProbeCandidate } from '../../db/health.repo.js'

export interface HealthSchedulerDeps {
  intervalMs: number
  /** Per probe (BACKEND_HEALTH_CHECK_TIMEOUT_SECONDS). */
  timeoutMs: number
  concurrency?: number
  maxInFlight?: number
  listCandidates: () => Promise<ProbeCandidate[]>
  probeOne: (candidate: ProbeCandidate, timeoutMs: number, signal: AbortSignal) => Promise<unknown>
  afterCycle?: () => Promise<void>
  shouldRunCycle?: () => Promise<boolean>
  log: Logger
}

export interface CycleReport {
  ran: boolean
  probed: number
  durationMs: number
}

/** Resolves when `work` settles or after `ms`, whichever is first; the timer never outlives the wait. */
function raceTimer(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms)
  })
  return Promise.race([work.then(() => undefined), timeout]).finally(() => clearTimeout(timer))
}

export function createHealthScheduler(deps: HealthSchedulerDeps) {
  const concurrency = deps.concurrency ?? 16
  const maxInFlight = Math.max(deps.maxInFlight ?? 256, concurrency)
  const log = deps.log.child({ logger: 'switchboard.health' })
  const slowAfterMs = Math.min(500, Math.max(10, deps.timeoutMs / 10))
  let timer: NodeJS.Timeout | null = null
  let current: Promise<CycleReport> | null = null
  let started = false
  let stopped = false
  let controller = newController()

  /** Every probe in flight listens on the one shutdown signal: allow that many listeners. */
  function newController(): AbortController {
    const c = new AbortController()
    setMaxListeners(maxInFlight + 16, c.signal)
    return c
  }

  async function probeAll(candidates: ProbeCandidate[], signal: AbortSignal): Promise<void> {
    let next = 0
    let inFlight = 0
    const waiting: (() => void)[] = []
    const all: Promise<unknown>[] = []

    const belowLimit = () =>
      inFlight < maxInFlight ? Promise.resolve() : new Promise<void>((resolve) => waiting.push(resolve))

    async function worker(): Promise<void> {
      while (next < candidates.length && !signal.aborted) {
        const candidate = candidates[next++]
        if (!candidate) break
        await belowLimit()
        if (signal.aborted) break
        inFlight += 1
        const run = deps
          .probeOne(candidate, deps.timeoutMs, signal)
          .catch((error: unknown) => {
            if (!signal.aborted) log.error({ err: error, providerId: candidate.id }, 'health probe failed')
          })
          .finally(() => {
            inFlight -= 1
            waiting.shift()?.()
          })
        all.push(run)
        await raceTimer(run, slowAfterMs)
      }
    }

    await Promise.all(Array.from({ length: Math.min(concurrency, candidates.length) }, worker))
    await Promise.all(all)
  }

  async function runCycle(): Promise<CycleReport> {
    const begin = performance.now()
    const signal = controller.signal
    try {
      if (deps.shouldRunCycle && !(await deps.shouldRunCycle())) {
        return { ran: false, probed: 0, durationMs: performance.now() - begin }
      }
      const candidates = await deps.listCandidates()
      await probeAll(candidates, signal)
      if (!signal.aborted && candidates.length > 0) await deps.afterCycle?.()
      const durationMs = performance.now() - begin
      log.debug({ probed: candidates.length, durationMs: Math.round(durationMs) }, 'health cycle done')
      return { ran: true, probed: candidates.length, durationMs }
    } catch (error) {
      if (!signal.aborted) log.error({ err: error }, 'health cycle failed')
      return { ran: false, probed: 0, durationMs: performance.now() - begin }
    }
  }

  function schedule(delayMs: number): void {
    timer = setTimeout(() => {
      timer = null
      if (stopped) return
      if (current) {
        // A runOnce() is in progress: never overlap, try again an interval after it.
        void current.then(() => {
          if (!stopped) schedule(deps.intervalMs)
        })
        return
      }
      const begin = performance.now()
      current = runCycle()
      void current.then(() => {
        current = null
        if (!stopped) schedule(Math.max(0, deps.intervalMs - (performance.now() - begin)))
      })
    }, delayMs)
  }

  return {
    /** Starts probing: the first cycle at once, then every interval. */
    start(): void {
      if (started) return
      started = true
      stopped = false
      controller = newController()
      schedule(0)
    },

    /** Runs one cycle now unless one is running (then waits for that one); for tests and tools. */
    async runOnce(): Promise<CycleReport> {
      if (current) return current
      current = runCycle()
      try {
        return await current
      } finally {
        current = null
      }
    },

    isCycleRunning: (): boolean => current !== null,

    /** Aborts probes in flight and waits for them; no write happens after this resolves. */
    async stop(): Promise<void> {
      stopped = true
      started = false
      if (timer) clearTimeout(timer)
      timer = null
      controller.abort()
      if (current) await current
    },
  }
}

export type HealthScheduler = ReturnType<typeof createHealthScheduler>
