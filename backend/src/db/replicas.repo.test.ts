import { describe, expect, it } from 'vitest'
import { createLeaderLock } from './replicas.repo.js'

describe('leader lock', () => {
  it('always holds on SQLite: one process owns the file', async () => {
    const lock = createLeaderLock({ engine: 'sqlite', path: ':memory:' }, 'test')
    expect(await lock.tryHold()).toBe(true)
    expect(await createLeaderLock({ engine: 'sqlite', path: ':memory:' }, 'test').tryHold()).toBe(true)
  })
})
