/**
 * Every provider's circuit breaker (domain/circuit.ts), one per process like the cooldowns: the
 * gateway's planning skips open circuits (and half-open ones whose trial is out), the attempt loop
 * takes the half-open trial slot, and every outcome is recorded. A provider held healthy by the
 * manual override is never blocked (the override always wins); one held unhealthy is out anyway.
 * Changes of state go to the listeners (the health timeline, the log).
 */
import {
  Circuit,
  type CircuitChange,
  type CircuitRule,
  type CircuitSignal,
  type CircuitState,
} from '../../domain/circuit.js'
import type { Provider } from '../../domain/model.js'
import type { Settings } from '../../settings.js'

/** The rule of BACKEND_CIRCUIT_* (settings.ts), in ms. */
export function circuitRuleOf(settings: Pick<Settings, 'circuit'>): CircuitRule {
  const c = settings.circuit
  return {
    failures: c.failures,
    errorRatio: c.errorRatio,
    windowMs: c.windowSeconds * 1000,
    minRequests: c.minRequests,
    coolOffMs: c.coolOffSeconds * 1000,
    successes: c.successes,
    slowStartMs: c.slowStartSeconds * 1000,
  }
}

type Held = Pick<Provider, 'id' | 'health_override'>

export type CircuitListener = (providerId: number, change: CircuitChange) => void

export class Circuits {
  readonly #byId = new Map<number, Circuit>()
  readonly #listeners: CircuitListener[] = []
  /** Circuits not plainly closed (open, half-open, slow start): none → nothing to look at. */
  #notPlain = 0

  constructor(
    readonly rule: CircuitRule,
    readonly now: () => number = Date.now,
  ) {}

  get isEnabled(): boolean {
    return this.rule.failures > 0 || this.rule.errorRatio > 0
  }

  subscribe(listener: CircuitListener): void {
    this.#listeners.push(listener)
  }

  /** Planning: the provider takes no part now (open, or half-open with its trial out). */
  isOpen(provider: Held): boolean {
    if (this.#notPlain === 0 || provider.health_override === 'healthy') return false
    const circuit = this.#byId.get(provider.id)
    if (!circuit) return false
    this.#emit(provider.id, circuit.poll(this.now()))
    return !circuit.isAvailable
  }

  /** The attempt loop, just before an attempt: false when it may not go (another took the trial). */
  admit(provider: Held): boolean {
    if (this.#notPlain === 0 || provider.health_override === 'healthy') return true
    const circuit = this.#byId.get(provider.id)
    if (!circuit) return true
    this.#emit(provider.id, circuit.poll(this.now()))
    return circuit.admit()
  }

  record(providerId: number, signal: CircuitSignal): void {
    if (!this.isEnabled) return
    let circuit = this.#byId.get(providerId)
    if (!circuit) {
      // a provider that never failed needs no circuit: most requests stop here
      if (signal !== 'failure') return
      circuit = new Circuit(this.rule)
      this.#byId.set(providerId, circuit)
    }
    this.#emit(providerId, circuit.record(signal, this.now()))
    this.#countNotPlain()
  }

  /** The share of its traffic the provider gets now (below 1 only in slow start). */
  shareOf(providerId: number): number {
    if (this.#notPlain === 0) return 1
    return this.#byId.get(providerId)?.share(this.now()) ?? 1
  }

  stateOf(providerId: number): CircuitState {
    const circuit = this.#byId.get(providerId)
    if (!circuit) return 'closed'
    this.#emit(providerId, circuit.poll(this.now()))
    return circuit.state
  }

  /** Whole seconds until the first open circuit lets its trial through; null when none is open. */
  soonestReopenSeconds(): number | null {
    if (this.#notPlain === 0) return null
    const now = this.now()
    let soonest = Number.POSITIVE_INFINITY
    for (const circuit of this.#byId.values()) {
      const at = circuit.reopensAt
      if (at !== null) soonest = Math.min(soonest, at)
    }
    return Number.isFinite(soonest) ? Math.max(1, Math.ceil((soonest - now) / 1000)) : null
  }

  /** Forgets providers that no longer exist (a config reload). */
  retain(ids: { has(id: number): boolean }): void {
    for (const id of this.#byId.keys()) if (!ids.has(id)) this.#byId.delete(id)
    this.#countNotPlain()
  }

  #emit(providerId: number, change: CircuitChange | null): void {
    if (!change) return
    this.#countNotPlain()
    for (const listener of this.#listeners) listener(providerId, change)
  }

  #countNotPlain(): void {
    const now = this.now()
    let count = 0
    for (const circuit of this.#byId.values())
      if (circuit.state !== 'closed' || circuit.share(now) < 1) count += 1
    this.#notPlain = count
  }
}

/**
 * Slow start across every strategy: a provider whose circuit closed recently keeps its place in a
 * plan only with the probability of its share, else it goes to the end (still a fallback). The
 * same array when no provider is in slow start.
 */
export function deferSlowStarters<A extends { provider: { id: number } }>(
  attempts: A[],
  circuits: Circuits,
  random: () => number = Math.random,
): A[] {
  let deferred: A[] | null = null
  let kept: A[] | null = null
  for (let i = 0; i < attempts.length; i++) {
    const attempt = attempts[i]!
    const share = circuits.shareOf(attempt.provider.id)
    if (share >= 1 || random() < share) {
      kept?.push(attempt)
      continue
    }
    if (!kept) kept = attempts.slice(0, i)
    deferred ??= []
    deferred.push(attempt)
  }
  return kept && deferred ? [...kept, ...deferred] : attempts
}
