/**
 * A provider's circuit breaker (issue 16 item 4), pure: outcomes and the time come in, states come
 * out, so every rule is tested with a driven clock.
 *
 * - closed: traffic flows. It opens after `failures` consecutive failures, or when, over the last
 *   `windowMs`, at least `minRequests` outcomes were seen and the failing share reached `errorRatio`.
 * - open: no traffic for `coolOffMs`.
 * - half-open (once the cool-off is over): one trial request at a time; a failure opens it again
 *   for a new cool-off, `successes` successes in a row close it. So a flapping provider gets at most
 *   one request per cool-off, however many requests arrive.
 * - after closing, slow start: the provider's share grows linearly from 10 % to all of it over
 *   `slowStartMs` (`share`), so a recovering provider is not handed all of its traffic at once.
 * Outcomes that say nothing about the provider's health (4xx, 429, a client gone) are `none`: they
 * count toward nothing, but a trial that ends so frees the half-open slot for the next request.
 */

export interface CircuitRule {
  /** Consecutive failures that open the circuit; 0: never by count. */
  failures: number
  /** Failing share of the window's outcomes that opens it (0–1); 0: never by ratio. */
  errorRatio: number
  windowMs: number
  minRequests: number
  coolOffMs: number
  /** Successful trials in a row that close a half-open circuit. */
  successes: number
  slowStartMs: number
}

export type CircuitState = 'closed' | 'open' | 'half_open'
export type CircuitSignal = 'success' | 'failure' | 'none'

/** A change of state, with why: what the health timeline stores. */
export interface CircuitChange {
  from: CircuitState
  to: CircuitState
  reason: string
  at: number
}

const BUCKETS = 10
const SLOW_START_FLOOR = 0.1

export class Circuit {
  state: CircuitState = 'closed'
  #consecutive = 0
  #openedUntil = 0
  #trialInFlight = false
  #trialSuccesses = 0
  #closedAt = Number.NEGATIVE_INFINITY
  // the window as BUCKETS buckets of counts, each windowMs / BUCKETS long
  readonly #ok = new Array<number>(BUCKETS).fill(0)
  readonly #bad = new Array<number>(BUCKETS).fill(0)
  #bucketAt = 0

  constructor(readonly rule: CircuitRule) {}

  /** Moves an open circuit whose cool-off is over to half-open; the change, if any. */
  poll(now: number): CircuitChange | null {
    if (this.state !== 'open' || now < this.#openedUntil) return null
    return this.#move('half_open', 'the cool-off ended: one trial request decides', now)
  }

  /** Whether a request may be planned onto the provider (open: no; half-open: while no trial is out). */
  get isAvailable(): boolean {
    return this.state === 'closed' || (this.state === 'half_open' && !this.#trialInFlight)
  }

  /** Takes the half-open trial slot for an attempt about to start; false when it may not start. */
  admit(): boolean {
    if (!this.isAvailable) return false
    if (this.state === 'half_open') this.#trialInFlight = true
    return true
  }

  /** An attempt's outcome; the change of state it caused, if any. */
  record(signal: CircuitSignal, now: number): CircuitChange | null {
    if (this.state === 'half_open') return this.#recordTrial(signal, now)
    if (this.state === 'open' || signal === 'none') return null
    this.#roll(now)
    const at = this.#bucket(now)
    if (signal === 'success') {
      this.#consecutive = 0
      this.#ok[at] = (this.#ok[at] ?? 0) + 1
      return null
    }
    this.#consecutive += 1
    this.#bad[at] = (this.#bad[at] ?? 0) + 1
    const { failures, errorRatio, minRequests } = this.rule
    if (failures > 0 && this.#consecutive >= failures) {
      return this.#open(`${this.#consecutive} consecutive failures`, now)
    }
    const bad = sum(this.#bad)
    const total = bad + sum(this.#ok)
    if (errorRatio > 0 && total >= minRequests && bad / total >= errorRatio) {
      const seconds = Math.round(this.rule.windowMs / 1000)
      return this.#open(`${bad} of the last ${total} requests failed within ${seconds} s`, now)
    }
    return null
  }

  /**
   * The share of its traffic a closed provider gets: below 1 only in slow start. Not closed: 1,
   * whether it takes part at all is `isAvailable`'s (a half-open trial keeps its place).
   */
  share(now: number): number {
    if (this.state !== 'closed') return 1
    const since = now - this.#closedAt
    if (since >= this.rule.slowStartMs) return 1
    return Math.max(SLOW_START_FLOOR, since / this.rule.slowStartMs)
  }

  /** When an open circuit lets its trial through (ms, the clock's); null when not open. */
  get reopensAt(): number | null {
    return this.state === 'open' ? this.#openedUntil : null
  }

  #recordTrial(signal: CircuitSignal, now: number): CircuitChange | null {
    if (!this.#trialInFlight) return null
    this.#trialInFlight = false
    if (signal === 'none') return null
    if (signal === 'failure') return this.#open('the half-open trial failed', now)
    this.#trialSuccesses += 1
    if (this.#trialSuccesses < this.rule.successes) return null
    this.#closedAt = now
    return this.#move('closed', `${this.#trialSuccesses} trial requests succeeded`, now)
  }

  #open(reason: string, now: number): CircuitChange {
    this.#openedUntil = now + this.rule.coolOffMs
    return this.#move('open', reason, now)
  }

  #move(to: CircuitState, reason: string, now: number): CircuitChange {
    const change = { from: this.state, to, reason, at: now }
    this.state = to
    this.#consecutive = 0
    this.#trialInFlight = false
    this.#trialSuccesses = 0
    this.#ok.fill(0)
    this.#bad.fill(0)
    return change
  }

  #bucket(now: number): number {
    return Math.floor(now / (this.rule.windowMs / BUCKETS)) % BUCKETS
  }

  /** Empties the buckets that went out of the window since the last outcome. */
  #roll(now: number): void {
    const width = this.rule.windowMs / BUCKETS
    const current = Math.floor(now / width)
    const last = this.#bucketAt
    this.#bucketAt = current
    if (current === last) return
    const stale = Math.min(BUCKETS, current - last)
    for (let i = 1; i <= stale; i++) {
      const at = (last + i) % BUCKETS
      this.#ok[at] = 0
      this.#bad[at] = 0
    }
  }
}

function sum(values: readonly number[]): number {
  let total = 0
  for (const v of values) total += v
  return total
}
