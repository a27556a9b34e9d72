import { describe, expect, it } from 'vitest'
import { routeInputErrors } from './routing-validation.js'

const known = new Set([1, 2])

describe('route input validation', () => {
  it.each([
    { what: 'nodes naming existing providers', input: { nodes: [{ api_id: 1 }, { api_id: 2 }] }, fields: [] },
    {
      what: 'a node naming an unknown provider',
      input: { nodes: [{ api_id: 1 }, { api_id: 9 }] },
      fields: ['nodes[1].api_id'],
    },
    {
      what: 'a config strategy routing does not know',
      input: { config: { strategy: 'random' } },
      fields: ['config.strategy'],
    },
    { what: 'an empty config model', input: { config: { model: '' } }, fields: ['config.model'] },
    {
      what: 'a config model that is not a string',
      input: { config: { model: 3 } },
      fields: ['config.model'],
    },
    {
      what: 'null config keys, meaning unset',
      input: { config: { strategy: null, model: null } },
      fields: [],
    },
    {
      what: 'affinity settings routing understands',
      input: {
        config: { affinity: { enabled: true, sources: ['user', 'x-session-id'], hash_messages: true } },
      },
      fields: [],
    },
    {
      what: 'affinity that is not an object',
      input: { config: { affinity: true } },
      fields: ['config.affinity'],
    },
    {
      what: 'affinity with a session source routing does not read',
      input: { config: { affinity: { enabled: true, sources: ['cookie'] } } },
      fields: ['config.affinity.sources'],
    },
    { what: 'a PATCH without nodes or config', input: {}, fields: [] },
  ])('reports $fields for $what', ({ input, fields }) => {
    expect(routeInputErrors(input, known).map((e) => e.field)).toEqual(fields)
  })

  it('lists every bad field at once, so a form can mark them all', () => {
    const input = { nodes: [{ api_id: 8 }, { api_id: 9 }], config: { strategy: 'x' } }
    expect(routeInputErrors(input, known).map((e) => e.field)).toEqual([
      'nodes[0].api_id',
      'nodes[1].api_id',
      'config.strategy',
    ])
  })

  it('accepts a Map of providers as the known ids', () => {
    expect(routeInputErrors({ nodes: [{ api_id: 3 }] }, new Map([[3, {}]]))).toEqual([])
  })
})
