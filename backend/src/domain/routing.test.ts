import { describe, expect, it } from 'vitest'
import { AppError } from '../core/errors.js'
import type { ModelRoute, Provider, RouteMode, RouteNode } from './model.js'
import {
  type CoolingProviders,
  indexProviders,
  type ProviderIndex,
  planAttempts,
  planForModel,
  RoundRobinState,
  select,
} from './routing.js'

function provider(id: number, overrides: Partial<Provider> = {}): Provider {
  return {
    id,
    name: `p${id}`,
    base_url: `http://p${id}.test/v1`,
    kind: 'openai',
    endpoints: null,
    continuation: null,
    models: [`m${id}`],
    is_active: true,
    health_check_path: '/models',
    status: 'online',
    latency_ms: 1,
    last_tested_at: null,
    consecutive_failures: 0,
    is_healthy: true,
    health_override: null,
    created_at: '2024-01-01T00:00:00Z',
    updated_at: '2024-01-01T00:00:00Z',
    ...overrides,
  }
}

let nodeId = 0
function node(api_id: number, overrides: Partial<RouteNode> = {}): RouteNode {
  nodeId += 1
  return {
    id: nodeId,
    api_id,
    models: [],
    strategy: 'failover',
    priority: 0,
    weight: 1,
    metadata: {},
    ...overrides,
  }
}

function route(mode: RouteMode, nodes: RouteNode[], overrides: Partial<ModelRoute> = {}): ModelRoute {
  return {
    id: 7,
    name: 'r7',
    mode,
    is_active: true,
    config: {},
    nodes,
    created_at: '2024-01-01T00:00:00Z',
    updated_at: '2024-01-01T00:00:00Z',
    ...overrides,
  }
}

function providers(...list: Provider[]): ProviderIndex {
  return indexProviders(list)
}

const threeProviders = () => providers(provider(1), provider(2), provider(3))

/** Runs `count` selections and counts how often each provider id came back. */
function tally(r: ModelRoute, index: ProviderIndex, state: RoundRobinState, count: number, model?: string) {
  const counts: Record<number, number> = {}
  for (let i = 0; i < count; i++) {
    const { provider_id } = select(r, index, { state, model })
    counts[provider_id] = (counts[provider_id] ?? 0) + 1
  }
  return counts
}

function caught(fn: () => unknown): AppError {
  try {
    fn()
  } catch (error) {
    if (error instanceof AppError) return error
    throw error
  }
  throw new Error('expected an AppError')
}

describe('availability', () => {
  const cases: { when: string; first: Partial<Provider>; cooling?: number[]; expected: number }[] = [
    { when: 'the first provider is healthy and active', first: {}, expected: 1 },
    { when: 'the first provider is inactive', first: { is_active: false }, expected: 2 },
    { when: 'the first provider is unhealthy', first: { is_healthy: false }, expected: 2 },
    { when: 'the first provider is cooling down after a 429', first: {}, cooling: [1], expected: 2 },
    {
      when: 'the first provider is unhealthy and cooling down',
      first: { is_healthy: false },
      cooling: [1],
      expected: 2,
    },
  ]
  it.each(cases)('failover picks provider $expected when $when', ({ first, cooling, expected }) => {
    const r = route('auto', [node(1), node(2)])
    const index = providers(provider(1, first), provider(2))
    const coolingDown: CoolingProviders = new Set(cooling)
    expect(select(r, index, { state: new RoundRobinState(), coolingDown }).provider_id).toBe(expected)
  })

  it('skips a node whose provider no longer exists', () => {
    const r = route('auto', [node(99), node(2)])
    expect(select(r, threeProviders(), { state: new RoundRobinState() }).provider_id).toBe(2)
  })

  it.each<[RouteMode, Partial<Provider>]>([
    ['auto', { is_healthy: false }],
    ['auto', { is_active: false }],
    ['specific', { is_healthy: false }],
    ['multi', { is_active: false }],
  ])('answers 503 naming the route in %s mode when no provider is available (%o)', (mode, down) => {
    const r = route(mode, [node(1), node(2, { priority: 1 })], { name: 'chat-main', config: { model: 'm1' } })
    const index = providers(provider(1, down), provider(2, { ...down, models: ['m1'] }))
    const error = caught(() => select(r, index, { state: new RoundRobinState() }))
    expect(error).toMatchObject({ status: 503, code: 'no_provider_available' })
    expect(error.message).toContain("'chat-main'")
  })

  it('answers 503 for a route without nodes', () => {
    for (const mode of ['auto', 'multi'] as const) {
      const error = caught(() => select(route(mode, []), threeProviders(), { state: new RoundRobinState() }))
      expect(error.status).toBe(503)
    }
  })

  it('refuses an inactive route with a 409 before looking at providers', () => {
    const r = route('auto', [node(1)], { is_active: false })
    const error = caught(() => select(r, threeProviders(), { state: new RoundRobinState() }))
    expect(error).toMatchObject({ status: 409, title: 'Conflict', code: 'route_inactive' })
  })
})

describe('auto mode', () => {
  it.each([
    {
      why: 'the first node strategy',
      config: {},
      strategies: ['round-robin', 'failover'],
      expected: [1, 2, 3, 1],
    },
    {
      why: 'config.strategy over the nodes',
      config: { strategy: 'failover' },
      strategies: ['round-robin'],
      expected: [1, 1, 1, 1],
    },
    {
      why: 'config.strategy round-robin',
      config: { strategy: 'round-robin' },
      strategies: ['failover'],
      expected: [1, 2, 3, 1],
    },
    {
      why: 'the first node when config.strategy is not valid',
      config: { strategy: 'random' },
      strategies: ['failover'],
      expected: [1, 1, 1, 1],
    },
  ] as const)('follows $why', ({ config, strategies, expected }) => {
    const nodes = [1, 2, 3].map((id, i) => node(id, { strategy: strategies[i] ?? 'failover' }))
    const r = route('auto', nodes, { config })
    const state = new RoundRobinState()
    const picks = expected.map(() => select(r, threeProviders(), { state }).provider_id)
    expect(picks).toEqual(expected)
  })

  it('orders nodes by priority, then by position', () => {
    const r = route('auto', [node(3, { priority: 5 }), node(2, { priority: 1 }), node(1, { priority: 1 })])
    const plan = planAttempts(r, threeProviders(), { state: new RoundRobinState() })
    expect(plan.map((a) => a.provider.id)).toEqual([2, 1, 3])
  })

  it('hands out each of three healthy nodes exactly 100 times in 300 selections', () => {
    const r = route(
      'auto',
      [1, 2, 3].map((id) => node(id, { strategy: 'round-robin' })),
    )
    expect(tally(r, threeProviders(), new RoundRobinState(), 300)).toEqual({ 1: 100, 2: 100, 3: 100 })
  })

  it('stays fair among the rest while a node is unhealthy, and takes it back when healthy', () => {
    const r = route(
      'auto',
      [1, 2, 3].map((id) => node(id, { strategy: 'round-robin' })),
    )
    const state = new RoundRobinState()
    expect(tally(r, threeProviders(), state, 30)).toEqual({ 1: 10, 2: 10, 3: 10 })
    const withTwoDown = providers(provider(1), provider(2, { is_healthy: false }), provider(3))
    expect(tally(r, withTwoDown, state, 200)).toEqual({ 1: 100, 3: 100 })
    expect(tally(r, threeProviders(), state, 300)).toEqual({ 1: 100, 2: 100, 3: 100 })
  })

  it('skips a cooling provider in the rotation', () => {
    const r = route(
      'auto',
      [1, 2, 3].map((id) => node(id, { strategy: 'round-robin' })),
    )
    const state = new RoundRobinState()
    const coolingDown = new Set([2])
    const picks = [0, 1, 2, 3].map(() => select(r, threeProviders(), { state, coolingDown }).provider_id)
    expect(picks).toEqual([1, 3, 1, 3])
  })
})

describe('model of the selection', () => {
  const index = providers(provider(1, { models: ['a', 'b'] }), provider(2, { models: [] }))
  it.each([
    {
      when: 'the node offers the requested model',
      nodeModels: ['x', 'y'],
      api: 1,
      model: 'y',
      expected: 'y',
    },
    { when: 'the node does not offer it', nodeModels: ['x', 'y'], api: 1, model: 'z', expected: 'x' },
    { when: 'no model is requested', nodeModels: ['x'], api: 1, model: undefined, expected: 'x' },
    {
      when: 'the node lists none and the provider offers it',
      nodeModels: [],
      api: 1,
      model: 'b',
      expected: 'b',
    },
    {
      when: 'the node lists none and no model is requested',
      nodeModels: [],
      api: 1,
      model: undefined,
      expected: 'a',
    },
    { when: 'neither node nor provider lists any model', nodeModels: [], api: 2, model: 'b', expected: null },
  ])('is $expected when $when', ({ nodeModels, api, model, expected }) => {
    const r = route('auto', [node(api, { models: nodeModels })])
    expect(select(r, index, { state: new RoundRobinState(), model }).model).toBe(expected)
  })

  it('answers provider id, name and model', () => {
    const r = route('auto', [node(1)])
    expect(select(r, index, { state: new RoundRobinState() })).toEqual({
      provider_id: 1,
      provider_name: 'p1',
      model: 'a',
    })
  })
})

describe('specific mode', () => {
  const index = providers(
    provider(1, { models: ['gpt', 'llama'] }),
    provider(2, { models: ['gpt'] }),
    provider(3, { models: ['llama'] }),
  )
  const nodes = () => [1, 2, 3].map((id) => node(id, { strategy: 'round-robin' }))

  it.each([
    { from: 'the request', config: {}, model: 'llama', expected: [1, 3, 1] },
    { from: 'config.model', config: { model: 'gpt' }, model: undefined, expected: [1, 2, 1] },
    { from: 'the request over config.model', config: { model: 'gpt' }, model: 'llama', expected: [1, 3, 1] },
  ])('rotates among the nodes offering the model from $from', ({ config, model, expected }) => {
    const r = route('specific', nodes(), { config })
    const state = new RoundRobinState()
    const picks = expected.map(() => select(r, index, { state, model }))
    expect(picks.map((p) => p.provider_id)).toEqual(expected)
    expect(new Set(picks.map((p) => p.model))).toEqual(new Set([model ?? 'gpt']))
  })

  it('uses a node its own models before its provider', () => {
    const r = route('specific', [node(2, { models: ['llama'] }), node(3)])
    expect(select(r, index, { state: new RoundRobinState(), model: 'llama' })).toMatchObject({
      provider_id: 2,
    })
  })

  it('fails over among offering nodes when the strategy is failover', () => {
    const r = route('specific', nodes(), { config: { strategy: 'failover' } })
    const down = providers(
      provider(1, { models: ['gpt'], is_healthy: false }),
      provider(2, { models: ['gpt'] }),
    )
    const state = new RoundRobinState()
    expect([0, 1].map(() => select(r, down, { state, model: 'gpt' }).provider_id)).toEqual([2, 2])
  })

  it('answers 404 model_not_offered when no node offers the model', () => {
    const error = caught(() =>
      select(route('specific', nodes()), index, { state: new RoundRobinState(), model: 'claude' }),
    )
    expect(error).toMatchObject({ status: 404, code: 'model_not_offered' })
  })

  it('answers 422 on the model field when neither request nor config names a model', () => {
    const error = caught(() => select(route('specific', nodes()), index, { state: new RoundRobinState() }))
    expect(error).toMatchObject({ status: 422, details: { errors: [{ field: 'model' }] } })
  })

  it('answers 503 rather than 404 when the offering nodes are all unavailable', () => {
    const down = providers(provider(1), provider(2, { models: ['gpt'], is_healthy: false }))
    const r = route('specific', [node(1), node(2)])
    expect(caught(() => select(r, down, { state: new RoundRobinState(), model: 'gpt' })).status).toBe(503)
  })
})

describe('multi mode', () => {
  const nodes = () => [
    node(1, { priority: 0, strategy: 'round-robin' }),
    node(2, { priority: 0, strategy: 'round-robin' }),
    node(3, { priority: 1, strategy: 'failover' }),
    node(4, { priority: 1, strategy: 'failover' }),
  ]
  const four = (down: number[] = []) =>
    providers(...[1, 2, 3, 4].map((id) => provider(id, { is_healthy: !down.includes(id) })))

  it.each([
    { when: 'the first group is healthy', down: [], expected: [1, 2, 1] },
    { when: 'one node of the first group is down', down: [1], expected: [2, 2, 2] },
    { when: 'the whole first group is down', down: [1, 2], expected: [3, 3, 3] },
    { when: 'the first group and the head of the next are down', down: [1, 2, 3], expected: [4, 4, 4] },
  ])('serves $expected when $when', ({ down, expected }) => {
    const r = route('multi', nodes())
    const state = new RoundRobinState()
    expect(expected.map(() => select(r, four(down), { state }).provider_id)).toEqual(expected)
  })

  it('applies config.strategy inside every group', () => {
    const r = route('multi', nodes(), { config: { strategy: 'round-robin' } })
    const state = new RoundRobinState()
    expect([0, 1, 2].map(() => select(r, four([1, 2]), { state }).provider_id)).toEqual([3, 4, 3])
  })

  it('uses the lowest priority number first, whatever the node order', () => {
    const r = route('multi', [node(3, { priority: 9 }), node(1, { priority: -1 })])
    expect(select(r, four(), { state: new RoundRobinState() }).provider_id).toBe(1)
  })
})

describe('planAttempts', () => {
  it('starts with the selection and continues in rotation order, each available node once', () => {
    const r = route(
      'auto',
      [1, 2, 3].map((id) => node(id, { strategy: 'round-robin' })),
    )
    const state = new RoundRobinState()
    const plans = [0, 1, 2].map(() => planAttempts(r, threeProviders(), { state }).map((a) => a.provider.id))
    expect(plans).toEqual([
      [1, 2, 3],
      [2, 3, 1],
      [3, 1, 2],
    ])
  })

  it('advances round-robin once per plan', () => {
    const r = route(
      'auto',
      [1, 2, 3].map((id) => node(id, { strategy: 'round-robin' })),
    )
    const state = new RoundRobinState()
    planAttempts(r, threeProviders(), { state })
    expect(state.stateOf(r.id)).toEqual({ round_robin_indices: { '7': 1 } })
  })

  it('puts the rest of the chosen group first, then lower groups in node order, without unavailable ones', () => {
    const r = route('multi', [
      node(1, { priority: 0, strategy: 'round-robin' }),
      node(2, { priority: 0 }),
      node(3, { priority: 0 }),
      node(5, { priority: 2 }),
      node(4, { priority: 1 }),
      node(6, { priority: 1 }),
    ])
    const index = providers(...[1, 2, 3, 4, 5, 6].map((id) => provider(id, { is_healthy: id !== 6 })))
    const state = new RoundRobinState()
    planAttempts(r, index, { state })
    const plan = planAttempts(r, index, { state, coolingDown: new Set([3]) })
    expect(plan.map((a) => a.provider.id)).toEqual([2, 1, 4, 5])
  })

  it('never lists the same provider and model twice, but keeps another model of the same provider', () => {
    const r = route('auto', [
      node(1, { models: ['a'] }),
      node(2),
      node(1, { models: ['a'] }),
      node(1, { models: ['b'] }),
    ])
    const plan = planAttempts(r, threeProviders(), { state: new RoundRobinState() })
    expect(plan.map((a) => [a.provider.id, a.model])).toEqual([
      [1, 'a'],
      [2, 'm2'],
      [1, 'b'],
    ])
  })

  it('returns the providers of the index, so the gateway keeps their secrets', () => {
    const withSecret = { ...provider(1), api_key_sealed: 'v1:x:y' }
    const [attempt] = planAttempts(route('auto', [node(1)]), indexProviders([withSecret]), {
      state: new RoundRobinState(),
    })
    expect(attempt?.provider.api_key_sealed).toBe('v1:x:y')
  })

  it('sees nodes replaced on the same route object', () => {
    const r = route('auto', [node(1)])
    const state = new RoundRobinState()
    expect(select(r, threeProviders(), { state }).provider_id).toBe(1)
    r.nodes = [node(2)]
    expect(select(r, threeProviders(), { state }).provider_id).toBe(2)
  })
})

describe('RoundRobinState', () => {
  it.each([
    { mode: 'auto', config: {}, key: '7' },
    { mode: 'specific', config: { model: 'm1' }, key: 'm1' },
    { mode: 'multi', config: {}, key: '3' },
  ] as const)('keys $mode positions by $key', ({ mode, config, key }) => {
    const r = route(
      mode,
      [
        node(1, { strategy: 'round-robin', priority: 3, models: ['m1'] }),
        node(2, { priority: 3, models: ['m1'] }),
      ],
      {
        config,
      },
    )
    const state = new RoundRobinState()
    select(r, threeProviders(), { state })
    expect(state.stateOf(7)).toEqual({ round_robin_indices: { [key]: 1 } })
  })

  it('keeps two routes with the same key apart', () => {
    const nodes = [1, 2].map((id) => node(id, { strategy: 'round-robin', priority: 7 }))
    const auto = route('auto', nodes, { id: 7 })
    const multi = route('multi', nodes, { id: 8 })
    const state = new RoundRobinState()
    select(auto, threeProviders(), { state })
    expect(select(multi, threeProviders(), { state }).provider_id).toBe(1)
    expect(state.stateOf(8)).toEqual({ round_robin_indices: { '7': 1 } })
  })

  it('shows an empty state for an unknown or forgotten route, and for failover', () => {
    const state = new RoundRobinState()
    select(route('auto', [node(1), node(2)]), threeProviders(), { state })
    expect(state.stateOf(7)).toEqual({ round_robin_indices: {} })
    state.store(9, '9', 1)
    state.forget(9)
    expect(state.stateOf(9)).toEqual({ round_robin_indices: {} })
  })

  it('stores the index after the chosen node, wrapping past the end and past unavailable nodes', () => {
    const r = route(
      'auto',
      [1, 2, 3].map((id) => node(id, { strategy: 'round-robin' })),
    )
    const down = providers(provider(1), provider(2), provider(3, { is_healthy: false }))
    const indicesAfter = (index: ProviderIndex) => {
      const state = new RoundRobinState()
      return [0, 1, 2].map(() => {
        select(r, index, { state })
        return state.stateOf(7).round_robin_indices['7']
      })
    }
    expect(indicesAfter(threeProviders())).toEqual([1, 2, 0])
    expect(indicesAfter(down)).toEqual([1, 2, 1])
  })
})

describe('planForModel', () => {
  it('lists every available provider offering the model, in id order', () => {
    const index = indexProviders([
      provider(5, { models: ['gpt'] }),
      provider(2, { models: ['gpt', 'x'] }),
      provider(3, { models: ['gpt'], is_healthy: false }),
      provider(4, { models: ['gpt'] }),
      provider(1, { models: ['x'] }),
    ])
    const plan = planForModel('gpt', index, new Set([4]))
    expect(plan.map((a) => [a.provider.id, a.model])).toEqual([
      [2, 'gpt'],
      [5, 'gpt'],
    ])
  })

  it('answers 404 model_not_found when no active provider offers the model', () => {
    const index = providers(provider(1, { models: ['gpt'], is_active: false }))
    expect(caught(() => planForModel('gpt', index))).toMatchObject({ status: 404, code: 'model_not_found' })
  })

  it('answers 503 when the providers offering it are unhealthy or cooling', () => {
    const index = providers(
      provider(1, { models: ['gpt'], is_healthy: false }),
      provider(2, { models: ['gpt'] }),
    )
    expect(caught(() => planForModel('gpt', index, new Set([2])))).toMatchObject({
      status: 503,
      code: 'no_provider_available',
    })
  })
})

describe('planAttempts with a session (affinity)', () => {
  const ids = (attempts: { provider: { id: number } }[]) => attempts.map((a) => a.provider.id)
  const four = () => providers(provider(1), provider(2), provider(3), provider(4))
  const nodes4 = () => [node(1), node(2), node(3), node(4)]

  it.each([
    ['round-robin', 3, [3, 4, 1, 2]],
    ['weighted', 3, [3, 1, 2, 4]],
    ['failover', 2, [2, 3, 4, 1]],
    ['least-busy', 4, [4, 1, 2, 3]],
    ['latency', 1, [1, 2, 3, 4]],
  ])('%s: the bound provider first (%i), then the usual order', (strategy, bound, expected) => {
    const r = route('auto', nodes4(), { config: { strategy } })
    const state = new RoundRobinState()
    const attempts = planAttempts(r, four(), { state, affinity: { hash: 42, boundProviderId: bound } })
    expect(ids(attempts)).toEqual(expected)
    // the bound choice moves no strategy state
    expect(state.groupsOf(r.id).size).toBe(0)
  })

  it('a bound provider that is unavailable: the hash (round-robin) or the strategy (failover) chooses', () => {
    const snapshot = providers(provider(1), provider(2, { is_healthy: false }), provider(3), provider(4))
    for (const [strategy, choice] of [
      ['round-robin', 'hash'],
      ['failover', 'strategy'],
    ] as const) {
      const explain = { skipped: [], groups: [] } as Parameters<typeof planAttempts>[2]['explain'] & object
      const r = route('auto', nodes4(), { config: { strategy } })
      const attempts = planAttempts(r, snapshot, {
        state: new RoundRobinState(),
        affinity: { hash: 42, boundProviderId: 2 },
        explain,
      })
      expect(ids(attempts)).not.toContain(2)
      expect(explain.affinity).toEqual({ group: String(r.id), bound_provider_id: 2, choice })
      if (strategy === 'failover') expect(ids(attempts)[0]).toBe(1)
    }
  })

  it('an unbound session: the same node for the same hash, whatever the round-robin position', () => {
    const r = route('auto', nodes4(), { config: { strategy: 'round-robin' } })
    const state = new RoundRobinState()
    const first = planAttempts(r, four(), { state, affinity: { hash: 7, boundProviderId: null } })
    planAttempts(r, four(), { state })
    const again = planAttempts(r, four(), { state, affinity: { hash: 7, boundProviderId: null } })
    expect(again[0]!.provider.id).toBe(first[0]!.provider.id)
  })

  it('multi: the session counts in the group that chooses; a bound node in a lower group waits', () => {
    const r = route('multi', [node(1, { priority: 0 }), node(2, { priority: 10 })], {
      config: { strategy: 'failover' },
    })
    const affinity = { hash: 1, boundProviderId: 2 }
    expect(
      ids(planAttempts(r, providers(provider(1), provider(2)), { state: new RoundRobinState(), affinity })),
    ).toEqual([1, 2])
    const down = providers(provider(1, { is_healthy: false }), provider(2))
    expect(ids(planAttempts(r, down, { state: new RoundRobinState(), affinity }))).toEqual([2])
  })
})
