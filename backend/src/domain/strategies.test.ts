import { describe, expect, it } from 'vitest'
import { GroupState, RoutingState, seededRandom } from './routing-state.js'
import { type ChoiceNode, choose, latencyCost, type StrategyName } from './strategies.js'

/** A driven clock: time moves only when the test says so. */
function drivenClock() {
  let now = 0
  return { now: () => now, advance: (ms: number) => (now += ms) }
}

function nodes(...weights: number[]): ChoiceNode[] {
  return weights.map((weight, i) => ({ id: 100 + i, api_id: i + 1, weight }))
}

function all(list: readonly ChoiceNode[]): number[] {
  return list.map((_, i) => i)
}

/** Runs `count` choices and returns the chosen provider ids in order. */
function run(
  strategy: StrategyName,
  list: ChoiceNode[],
  count: number,
  routing = new RoutingState(),
  eligible = all(list),
) {
  const group = new GroupState()
  const out: number[] = []
  for (let n = 0; n < count; n++)
    out.push(list[choose(strategy, { nodes: list, eligible, group, routing })]!.api_id)
  return out
}

function shares(picks: number[]): Record<number, number> {
  const counts: Record<number, number> = {}
  for (const id of picks) counts[id] = (counts[id] ?? 0) + 1
  return counts
}

describe('failover and round-robin', () => {
  it.each([
    { strategy: 'failover', eligible: [0, 1, 2], expected: [1, 1, 1, 1] },
    { strategy: 'failover', eligible: [1, 2], expected: [2, 2, 2, 2] },
    { strategy: 'round-robin', eligible: [0, 1, 2], expected: [1, 2, 3, 1] },
    { strategy: 'round-robin', eligible: [0, 2], expected: [1, 3, 1, 3] },
  ] as const)('$strategy over $eligible picks $expected', ({ strategy, eligible, expected }) => {
    expect(run(strategy, nodes(1, 1, 1), 4, new RoutingState(), [...eligible])).toEqual(expected)
  })
})

describe('weighted (smooth weighted round-robin)', () => {
  it.each([
    { weights: [5, 1, 1], window: 7, expected: { 1: 5, 2: 1, 3: 1 } },
    { weights: [3, 1], window: 400, expected: { 1: 300, 2: 100 } },
    { weights: [1, 1, 1, 1], window: 8, expected: { 1: 2, 2: 2, 3: 2, 4: 2 } },
  ])('weights $weights give exactly $expected over $window picks', ({ weights, window, expected }) => {
    expect(shares(run('weighted', nodes(...weights), window))).toEqual(expected)
  })

  it('interleaves a heavy node rather than sending it a burst (nginx order for 5,1,1)', () => {
    expect(run('weighted', nodes(5, 1, 1), 7)).toEqual([1, 1, 2, 1, 3, 1, 1])
  })

  it('shares among the eligible nodes only when one is unavailable', () => {
    expect(shares(run('weighted', nodes(2, 1, 1), 6, new RoutingState(), [0, 2]))).toEqual({ 1: 4, 3: 2 })
  })
})

describe('least-busy', () => {
  it.each([
    { inFlight: [3, 0, 2], expected: 2 },
    { inFlight: [1, 4, 0], expected: 3 },
    { inFlight: [2, 2, 5], expected: 1 },
  ])('with $inFlight in flight picks provider $expected', ({ inFlight, expected }) => {
    const routing = new RoutingState()
    inFlight.forEach((n, i) => {
      for (let k = 0; k < n; k++) routing.begin(i + 1)
    })
    expect(run('least-busy', nodes(1, 1, 1), 1, routing)).toEqual([expected])
  })

  it('takes turns among idle nodes', () => {
    expect(run('least-busy', nodes(1, 1, 1), 6)).toEqual([1, 2, 3, 1, 2, 3])
  })
})

describe('latency (power of two choices over peak-EWMA)', () => {
  function routingWith(ewmas: (number | null)[], seed = 42) {
    const clock = drivenClock()
    const routing = new RoutingState({ clock: clock.now, random: seededRandom(seed) })
    ewmas.forEach((ms, i) => {
      if (ms !== null) routing.observe(i + 1, ms)
    })
    return { routing, clock }
  }

  it('never picks the slowest of three when it has to compare it with a faster one', () => {
    const { routing } = routingWith([100, 500, 2000])
    const picks = shares(run('latency', nodes(1, 1, 1), 300, routing))
    expect(picks[3]).toBeUndefined()
    // the fastest wins every pair it is in (2 of 3 pairs)
    expect(picks[1]).toBeGreaterThan(picks[2]!)
  })

  it('explores an unknown idle node before known ones', () => {
    const { routing } = routingWith([100, null])
    expect(run('latency', nodes(1, 1), 1, routing)).toEqual([2])
  })

  it('counts requests in flight as a penalty', () => {
    const { routing } = routingWith([100, 150])
    routing.begin(1)
    routing.begin(1) // cost 101*3 against 151*1
    expect(run('latency', nodes(1, 1), 1, routing)).toEqual([2])
  })

  it('gives the same picks for the same seed', () => {
    const a = run('latency', nodes(1, 1, 1, 1), 50, routingWith([100, 120, 140, 160], 7).routing)
    const b = run('latency', nodes(1, 1, 1, 1), 50, routingWith([100, 120, 140, 160], 7).routing)
    expect(a).toEqual(b)
  })

  it('takes a slower sample at once (peak) and lets a faster one in with time', () => {
    const { routing, clock } = routingWith([100])
    routing.observe(1, 900)
    expect(routing.provider(1)?.ewmaMs).toBe(900)
    clock.advance(10_000) // one time constant
    routing.observe(1, 100)
    expect(routing.provider(1)?.ewmaMs).toBeCloseTo(900 * Math.exp(-1) + 100 * (1 - Math.exp(-1)), 6)
  })

  it('explores again a node whose last sample is stale', () => {
    const { routing, clock } = routingWith([100, 5000])
    clock.advance(61_000)
    routing.observe(1, 100)
    expect(latencyCost(routing, routing.provider(2), 100)).toBe(0)
    expect(run('latency', nodes(1, 1), 1, routing)).toEqual([2])
  })
})

describe('routing state', () => {
  it('in-flight counts go up and down and never below zero', () => {
    const routing = new RoutingState()
    routing.begin(1)
    routing.end(1, 120)
    routing.end(1, null)
    expect(routing.provider(1)).toMatchObject({ inFlight: 0, samples: 1, ewmaMs: 120 })
  })

  it('a copied group moves without touching the original (what a dry run uses)', () => {
    const group = new GroupState()
    const nodes = [{ id: 100 }, { id: 101 }]
    group.creditsFor(nodes)[0] = 3
    const copy = group.copy()
    copy.creditsFor(nodes)[0] = -1
    copy.next = 2
    expect(group.credit(100)).toBe(3)
    expect(copy.credit(100)).toBe(-1)
    expect(group.next).toBe(0)
  })

  it('credits follow their node when the node list changes', () => {
    const group = new GroupState()
    group.creditsFor([{ id: 1 }, { id: 2 }])[1] = 5
    expect(group.creditsFor([{ id: 2 }, { id: 3 }])).toEqual([5, 0])
    expect(group.credit(1)).toBe(0)
  })
})
