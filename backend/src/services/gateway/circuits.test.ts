import { describe, expect, it } from 'vitest'
import type { CircuitRule } from '../../domain/circuit.js'
import { Circuits, deferSlowStarters } from './circuits.js'

const rule: CircuitRule = {
  failures: 2,
  errorRatio: 0,
  windowMs: 10_000,
  minRequests: 10,
  coolOffMs: 1000,
  successes: 1,
  slowStartMs: 10_000,
}

function driven() {
  const clock = { now: 0 }
  const circuits = new Circuits(rule, () => clock.now)
  const changes: string[] = []
  circuits.subscribe((id, change) => changes.push(`${id}:${change.from}>${change.to}`))
  return { clock, circuits, changes }
}

const p1 = { id: 1, health_override: null }

describe('Circuits', () => {
  it('reports every change of state, the half-open one when time passes', () => {
    const { clock, circuits, changes } = driven()
    circuits.record(1, 'failure')
    circuits.record(1, 'failure')
    expect(circuits.isOpen(p1)).toBe(true)
    clock.now = 1000
    expect(circuits.isOpen(p1)).toBe(false)
    expect(circuits.admit(p1)).toBe(true)
    expect(circuits.isOpen(p1)).toBe(true) // its one trial is out
    circuits.record(1, 'success')
    expect(changes).toEqual(['1:closed>open', '1:open>half_open', '1:half_open>closed'])
    expect(circuits.stateOf(1)).toBe('closed')
  })

  it('never holds out a provider the override holds healthy', () => {
    const { circuits } = driven()
    circuits.record(1, 'failure')
    circuits.record(1, 'failure')
    const held = { id: 1, health_override: 'healthy' as const }
    expect(circuits.isOpen(held)).toBe(false)
    expect(circuits.admit(held)).toBe(true)
  })

  it('slow start: a provider that just closed is moved behind the others by its share', () => {
    const { clock, circuits } = driven()
    circuits.record(1, 'failure')
    circuits.record(1, 'failure')
    clock.now = 1000
    circuits.admit(p1)
    circuits.record(1, 'success')
    const plan = [{ provider: { id: 1 } }, { provider: { id: 2 } }]
    const first = (random: number) => deferSlowStarters(plan, circuits, () => random)[0]?.provider.id
    expect(circuits.shareOf(1)).toBe(0.1)
    expect(first(0.05)).toBe(1)
    expect(first(0.5)).toBe(2)
    clock.now = 6000
    expect(circuits.shareOf(1)).toBeCloseTo(0.5)
    expect(first(0.4)).toBe(1)
    clock.now = 11_000
    expect(deferSlowStarters(plan, circuits, () => 0.99)).toBe(plan)
  })
})
