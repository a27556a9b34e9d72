import { describe, expect, it } from 'vitest'
import { Circuit, type CircuitRule } from './circuit.js'

const rule: CircuitRule = {
  failures: 3,
  errorRatio: 0.5,
  windowMs: 10_000,
  minRequests: 6,
  coolOffMs: 5000,
  successes: 2,
  slowStartMs: 10_000,
}

function fail(c: Circuit, times: number, now: number) {
  let last = null
  for (let i = 0; i < times; i++) last = c.record('failure', now) ?? last
  return last
}

describe('circuit breaker', () => {
  it('opens after N consecutive failures and lets nothing through during the cool-off', () => {
    const c = new Circuit(rule)
    expect(fail(c, 2, 0)).toBeNull()
    expect(c.record('failure', 100)).toMatchObject({
      from: 'closed',
      to: 'open',
      reason: '3 consecutive failures',
    })
    expect(c.isAvailable).toBe(false)
    expect(c.poll(4999)).toBeNull()
    expect(c.admit()).toBe(false)
  })

  it('a success resets the consecutive count', () => {
    const c = new Circuit({ ...rule, errorRatio: 0 })
    fail(c, 2, 0)
    c.record('success', 1)
    expect(fail(c, 2, 2)).toBeNull()
    expect(c.state).toBe('closed')
  })

  it('opens on the error ratio over the window once the minimum count is reached', () => {
    const c = new Circuit({ ...rule, failures: 0 })
    // alternating: never two failures in a row, half of them failures
    for (let i = 0; i < 5; i++) expect(c.record(i % 2 === 0 ? 'failure' : 'success', i)).toBeNull()
    expect(c.record('success', 5)).toBeNull() // 3 of 6 failed, but the 6th is a success
    expect(c.record('failure', 6)).toMatchObject({
      to: 'open',
      reason: '4 of the last 7 requests failed within 10 s',
    })
  })

  it('forgets outcomes older than the window', () => {
    const c = new Circuit({ ...rule, failures: 0 })
    for (let i = 0; i < 5; i++) c.record('failure', 0)
    // 11 s later the five failures are out of the window: these five alone are under the minimum
    for (let i = 0; i < 4; i++) expect(c.record('success', 11_000)).toBeNull()
    expect(c.record('failure', 11_000)).toBeNull()
    expect(c.state).toBe('closed')
  })

  it('half-open after the cool-off: one trial at a time; a failure opens it again', () => {
    const c = new Circuit(rule)
    fail(c, 3, 0)
    expect(c.poll(5000)).toMatchObject({ from: 'open', to: 'half_open' })
    expect(c.admit()).toBe(true)
    expect(c.admit()).toBe(false) // the trial is out: the next request goes elsewhere
    expect(c.record('failure', 5100)).toMatchObject({
      from: 'half_open',
      to: 'open',
      reason: 'the half-open trial failed',
    })
    expect(c.poll(10_099)).toBeNull()
    expect(c.poll(10_100)).toMatchObject({ to: 'half_open' })
  })

  it('K trial successes close it; a trial that says nothing frees the slot', () => {
    const c = new Circuit(rule)
    fail(c, 3, 0)
    c.poll(5000)
    expect(c.admit()).toBe(true)
    expect(c.record('none', 5001)).toBeNull()
    expect(c.admit()).toBe(true)
    expect(c.record('success', 5002)).toBeNull()
    expect(c.admit()).toBe(true)
    expect(c.record('success', 5003)).toMatchObject({
      from: 'half_open',
      to: 'closed',
      reason: '2 trial requests succeeded',
    })
    expect(c.isAvailable).toBe(true)
  })

  it('takes back its share gradually after closing (slow start)', () => {
    const c = new Circuit(rule)
    expect(c.share(0)).toBe(1)
    fail(c, 3, 0)
    expect(c.share(1)).toBe(1) // open: not planned at all, the share does not matter
    c.poll(5000)
    for (const at of [5001, 5002]) {
      c.admit()
      c.record('success', at)
    }
    expect(c.share(5002)).toBe(0.1)
    expect(c.share(10_002)).toBeCloseTo(0.5)
    expect(c.share(15_002)).toBe(1)
  })

  it('a flapping provider gets at most one attempt per cool-off', () => {
    const c = new Circuit(rule)
    fail(c, 3, 0)
    let attempts = 0
    // 60 s of requests every 100 ms; the provider fails every trial
    for (let now = 0; now < 60_000; now += 100) {
      c.poll(now)
      if (c.admit()) {
        attempts += 1
        c.record('failure', now)
      }
    }
    expect(attempts).toBe(11) // at 5 s, 10 s, … 55 s (the cool-off restarts at each failed trial)
  })
})
