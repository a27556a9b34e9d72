import { describe, expect, it } from 'vitest'
import { applyOverride, applySignal, type HealthState, signalOfProbe } from './health.js'

const fresh: HealthState = { consecutive_failures: 0, is_healthy: true, health_override: null }

function fail(state: HealthState, times: number, threshold: number): HealthState {
  let s = state
  for (let i = 0; i < times; i++) s = applySignal(s, 'failure', threshold).state
  return s
}

describe('signalOfProbe', () => {
  it('counts only online as a success', () => {
    expect(signalOfProbe('online')).toBe('success')
    for (const status of ['degraded', 'timeout', 'unreachable', 'error'] as const)
      expect(signalOfProbe(status)).toBe('failure')
  })
})

describe('applySignal', () => {
  it('stays healthy below the threshold and turns unhealthy exactly at it', () => {
    const two = fail(fresh, 2, 3)
    expect(two).toEqual({ consecutive_failures: 2, is_healthy: true, health_override: null })
    const third = applySignal(two, 'failure', 3)
    expect(third.state).toEqual({ consecutive_failures: 3, is_healthy: false, health_override: null })
    expect(third.turned).toBe('unhealthy')
    const fourth = applySignal(third.state, 'failure', 3)
    expect(fourth.state.consecutive_failures).toBe(4)
    expect(fourth.turned).toBeNull()
  })

  it('turns unhealthy on the first failure with a threshold of 1', () => {
    const t = applySignal(fresh, 'failure', 1)
    expect(t.state.is_healthy).toBe(false)
    expect(t.turned).toBe('unhealthy')
  })

  it('recovers on one success and resets the counter', () => {
    const down = fail(fresh, 5, 3)
    const up = applySignal(down, 'success', 3)
    expect(up.state).toEqual(fresh)
    expect(up.turned).toBe('recovered')
    expect(up.changed).toBe(true)
  })

  it('reports no change for a success when already at zero failures', () => {
    const t = applySignal(fresh, 'success', 3)
    expect(t.changed).toBe(false)
    expect(t.turned).toBeNull()
  })

  it('reports a change when a success only resets the counter', () => {
    const t = applySignal(fail(fresh, 1, 3), 'success', 3)
    expect(t.changed).toBe(true)
    expect(t.turned).toBeNull()
  })

  it('keeps counting failures under an override but never flips the held flag', () => {
    const held = applyOverride(fresh, true, 3).state
    const failing = fail(held, 10, 3)
    expect(failing).toEqual({ consecutive_failures: 10, is_healthy: true, health_override: 'healthy' })
    const forcedDown = applyOverride(fresh, false, 3).state
    const ok = applySignal(forcedDown, 'success', 3)
    expect(ok.state).toEqual({ consecutive_failures: 0, is_healthy: false, health_override: 'unhealthy' })
    expect(ok.turned).toBeNull()
  })
})

describe('applyOverride', () => {
  it('sets and holds the flag and resets the counter', () => {
    const t = applyOverride(fail(fresh, 4, 3), true, 3)
    expect(t.state).toEqual({ consecutive_failures: 0, is_healthy: true, health_override: 'healthy' })
    expect(t.turned).toBe('recovered')
    const down = applyOverride(fresh, false, 3)
    expect(down.state).toEqual({ consecutive_failures: 0, is_healthy: false, health_override: 'unhealthy' })
  })

  it('on release lets the counter since the hold decide', () => {
    const stillFailing = fail(applyOverride(fresh, true, 3).state, 3, 3)
    expect(applyOverride(stillFailing, null, 3).state).toEqual({
      consecutive_failures: 3,
      is_healthy: false,
      health_override: null,
    })
    const quiet = applyOverride(fresh, false, 3).state
    const released = applyOverride(quiet, null, 3)
    expect(released.state).toEqual(fresh)
    expect(released.turned).toBe('recovered')
  })

  it('reports no change when releasing a provider that is not held', () => {
    expect(applyOverride(fresh, null, 3).changed).toBe(false)
  })
})
