import { describe, expect, it } from 'vitest'
import { describeStrategy, routeStrategy } from './strategies'

type Node = { priority: number; strategy: 'round-robin' | 'failover' }
const route = (config: Record<string, unknown>, nodes: Node[], mode: 'auto' | 'multi' = 'auto') => ({
  config,
  mode,
  nodes: nodes.map((n, i) => ({ id: i, api_id: i, models: [], metadata: {}, weight: 1, ...n })),
})

describe('route strategy in the UI', () => {
  it.each([
    [{ strategy: 'latency' }, [{ priority: 0, strategy: 'round-robin' as const }], 'latency'],
    [{}, [{ priority: 0, strategy: 'round-robin' as const }], 'round-robin'],
    [{}, [], 'failover'],
  ])('config %j with nodes %j resolves to %s, as the backend does', (config, nodes, expected) => {
    expect(routeStrategy(route(config, nodes))).toBe(expected)
  })

  it('names each group in multi when they differ, else one strategy', () => {
    const nodes = [
      { priority: 0, strategy: 'failover' as const },
      { priority: 10, strategy: 'failover' as const },
    ]
    expect(describeStrategy(route({ strategy: 'weighted' }, nodes, 'multi'))).toBe('Weighted')
    expect(
      describeStrategy(
        route({ strategy: 'weighted', group_strategies: { '10': 'latency' } }, nodes, 'multi'),
      ),
    ).toBe('p0 Weighted · p10 Lowest latency')
  })
})
