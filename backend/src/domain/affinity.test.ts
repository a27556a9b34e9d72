import { describe, expect, it } from 'vitest'
import { affinityErrors, affinityOf, sessionKeyOf } from './affinity.js'

const on = affinityOf({ affinity: { enabled: true } })!

describe('session keys', () => {
  it.each([
    [{ 'x-session-id': 'h1' }, { prompt_cache_key: 'p1', user: 'u1' }, 'x-session-id:h1'],
    [{}, { prompt_cache_key: 'p1', user: 'u1' }, 'prompt_cache_key:p1'],
    [{}, { user: 'u1', safety_identifier: 's1' }, 'user:u1'],
    [{}, { safety_identifier: 's1' }, 'safety_identifier:s1'],
    [{}, { metadata: { user_id: 'a1' } }, 'metadata.user_id:a1'],
    [{}, { user: '' }, null],
    [{}, { messages: [{ role: 'user', content: 'hi' }] }, null],
  ])('headers %j and body %j give %s', (headers, body, expected) => {
    expect(sessionKeyOf(on, headers, body)).toBe(expected)
  })

  it('follows the order the route sets', () => {
    const userFirst = affinityOf({ affinity: { enabled: true, sources: ['user', 'x-session-id'] } })!
    expect(sessionKeyOf(userFirst, { 'x-session-id': 'h1' }, { user: 'u1' })).toBe('user:u1')
  })

  it('hashes the first messages only when asked, the same on every turn', () => {
    const hashing = affinityOf({ affinity: { enabled: true, hash_messages: true } })!
    const first = [
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'hi' },
    ]
    const turn1 = sessionKeyOf(hashing, {}, { messages: first })
    const turn2 = sessionKeyOf(hashing, {}, { messages: [...first, { role: 'assistant', content: 'yo' }] })
    expect(turn1).toMatch(/^messages:/)
    expect(turn2).toBe(turn1)
  })

  it('is off unless enabled, and refuses unknown settings', () => {
    expect(affinityOf({})).toBeNull()
    expect(affinityOf({ affinity: { enabled: false } })).toBeNull()
    expect(affinityErrors({ enabled: 'yes', sources: ['cookie'], ttl: 3 }).map((e) => e.field)).toEqual([
      'config.affinity.enabled',
      'config.affinity.sources',
      'config.affinity.ttl',
    ])
  })
})
