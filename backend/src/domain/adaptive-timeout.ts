/**
 * The adaptive first-token timeout (issue 16 item 3, `first_token_timeout: "adaptive"`): each
 * (provider, model) learns its time to first token from its own successful streams, and an
 * attempt waits for its first token
 *
 *     clamp(multiplier × p99 of the last WINDOW samples, floor, max)
 *
 * where `max` is the route's `first_token_timeout_max`, else the global first-token timeout, and
 * until MIN_SAMPLES samples exist the attempt simply gets `max` (nothing learnt yet). So a reasoning
 * model whose first token takes 40 s keeps its minute, while one that answers in 300 ms fails over
 * after the floor. Timed-out attempts teach nothing (their true time is unknown, and counting the
 * timeout itself would let the timeout feed on its own value). Pure: samples in, milliseconds out.
 */

export const WINDOW = 100
export const MIN_SAMPLES = 10
/** Recompute the percentile at most every this many new samples (a sort of ≤ WINDOW numbers). */
const RECOMPUTE_EVERY = 5

export interface AdaptiveRule {
  multiplier: number
  floorMs: number
}

class Samples {
  readonly values: number[] = []
  next = 0
  sinceComputed = Number.POSITIVE_INFINITY
  p99 = 0

  add(ms: number): void {
    if (this.values.length < WINDOW) this.values.push(ms)
    else this.values[this.next] = ms
    this.next = (this.next + 1) % WINDOW
    this.sinceComputed += 1
  }

  percentile99(): number {
    if (this.sinceComputed >= RECOMPUTE_EVERY) {
      const sorted = [...this.values].sort((a, b) => a - b)
      // nearest rank: the smallest sample at or above 99 % of them
      this.p99 = sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)] ?? 0
      this.sinceComputed = 0
    }
    return this.p99
  }
}

/** Times to first token per (provider, model); one per process, in memory. */
export class FirstTokenTimes {
  readonly #byKey = new Map<string, Samples>()

  constructor(readonly rule: AdaptiveRule) {}

  record(providerId: number, model: string | null, ttftMs: number): void {
    const key = `${providerId}:${model ?? ''}`
    let samples = this.#byKey.get(key)
    if (!samples) {
      samples = new Samples()
      this.#byKey.set(key, samples)
    }
    samples.add(ttftMs)
  }

  /** The observed p99, or null while fewer than MIN_SAMPLES were seen. */
  p99(providerId: number, model: string | null): number | null {
    const samples = this.#byKey.get(`${providerId}:${model ?? ''}`)
    if (!samples || samples.values.length < MIN_SAMPLES) return null
    return samples.percentile99()
  }

  /** The first-token timeout of the next attempt on this node, by the rule above. */
  timeoutMs(providerId: number, model: string | null, maxMs: number): number {
    const p99 = this.p99(providerId, model)
    if (p99 === null) return maxMs
    return Math.min(maxMs, Math.max(this.rule.floorMs, this.rule.multiplier * p99))
  }
}
