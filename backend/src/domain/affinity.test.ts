import { describe, expect, it } from 'vitest'
import { affinityErrors, affinityOf, rendezvousChoice, sessionHash, sessionKeyOf } from './affinity.js'

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

describe('rendezvous choice', () => {
  const nodes = [1, 2, 3, 4].map((id) => ({ api_id: id, weight: 1 }))
  const all = [0, 1, 2, 3]
  const sessions = Array.from({ length: 4000 }, (_, i) => sessionHash(`-\u0000user:${i}`))

  it('spreads sessions evenly, the same way every time', () => {
    const counts = [0, 0, 0, 0]
    for (const hash of sessions) counts[rendezvousChoice(hash, nodes, all, false)]! += 1
    for (const count of counts) expect(count).toBeGreaterThan(850) // 1000 each, give or take
    expect(sessions.map((h) => rendezvousChoice(h, nodes, all, false))).toEqual(
      sessions.map((h) => rendezvousChoice(h, nodes, all, false)),
    )
  })

  it('moves only the sessions of a node that leaves', () => {
    const before = sessions.map((h) => rendezvousChoice(h, nodes, all, false))
    const after = sessions.map((h) => rendezvousChoice(h, nodes, [0, 1, 3], false))
    before.forEach((node, i) => {
      if (node !== 2) expect(after[i]).toBe(node)
      else expect(after[i]).not.toBe(2)
    })
  })

  it('follows the weights when weighted', () => {
    const weighted = [3, 1].map((weight, i) => ({ api_id: i + 1, weight }))
    let heavy = 0
    for (const hash of sessions) if (rendezvousChoice(hash, weighted, [0, 1], true) === 0) heavy += 1
    expect(heavy / sessions.length).toBeGreaterThan(0.71)
    expect(heavy / sessions.length).toBeLessThan(0.79)
  })
})
