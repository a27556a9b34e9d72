/**
 * Health transitions (DESIGN.md §4) as pure functions: the prober, the scheduler and the gateway's
 * passive checks all feed the same rules, so they are tested once here.
 *
 * Decision where DESIGN.md is silent: while an override holds the flag, failures keep counting
 * (the UI shows an operator that a provider forced healthy is still failing), but the flag does not
 * move. Releasing the hold (`null`) hands the flag back to the rules: it becomes what the counter
 * says (`consecutive_failures < threshold`), counted since the hold began (the hold reset it to 0).
 */
import type { HealthOverride, ProbeStatus } from './model.js'

export interface HealthState {
  consecutive_failures: number
  is_healthy: boolean
  health_override: HealthOverride
}

/** What one probe or one gateway attempt says about a provider. */
export type HealthSignal = 'success' | 'failure'

/** `turned` names the one event worth a log line: the flag flipped. */
export type HealthTurn = 'unhealthy' | 'recovered' | null

export interface HealthTransition {
  state: HealthState
  /** Any field differs from the state before: the only case worth a database write. */
  changed: boolean
  turned: HealthTurn
}

export function signalOfProbe(status: ProbeStatus): HealthSignal {
  return status === 'online' ? 'success' : 'failure'
}

function sameState(a: HealthState, b: HealthState): boolean {
  return (
    a.consecutive_failures === b.consecutive_failures &&
    a.is_healthy === b.is_healthy &&
    a.health_override === b.health_override
  )
}

function turnOf(before: HealthState, after: HealthState): HealthTurn {
  if (before.is_healthy === after.is_healthy) return null
  return after.is_healthy ? 'recovered' : 'unhealthy'
}

/** `online` / a 2xx resets the counter and heals; anything else adds one and fails at the threshold. */
export function applySignal(state: HealthState, signal: HealthSignal, threshold: number): HealthTransition {
  const held = state.health_override !== null
  const next: HealthState =
    signal === 'success'
      ? { ...state, consecutive_failures: 0, is_healthy: held ? state.is_healthy : true }
      : {
          ...state,
          consecutive_failures: state.consecutive_failures + 1,
          is_healthy: held
            ? state.is_healthy
            : state.is_healthy && state.consecutive_failures + 1 < threshold,
        }
  return { state: next, changed: !sameState(state, next), turned: turnOf(state, next) }
}

/**
 * `true`/`false` sets and holds the flag and resets the counter; `null` releases the hold and lets the
 * counter decide again.
 */
export function applyOverride(
  state: HealthState,
  isHealthy: boolean | null,
  threshold: number,
): HealthTransition {
  const next: HealthState =
    isHealthy === null
      ? {
          ...state,
          health_override: null,
          is_healthy: state.consecutive_failures < threshold,
        }
      : {
          consecutive_failures: 0,
          is_healthy: isHealthy,
          health_override: isHealthy ? 'healthy' : 'unhealthy',
        }
  return { state: next, changed: !sameState(state, next), turned: turnOf(state, next) }
}
