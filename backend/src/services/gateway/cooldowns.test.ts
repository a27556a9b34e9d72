import { describe, expect, it } from 'vitest'
import { cooldownMs } from './cooldowns.js'

describe('cooldownMs', () => {
  it('reads Retry-After as seconds or a date, caps it at 60 s and defaults to 5 s', () => {
    expect(cooldownMs('2')).toBe(2000)
    expect(cooldownMs('600')).toBe(60_000)
    expect(cooldownMs(undefined)).toBe(5000)
    expect(cooldownMs('soon')).toBe(5000)
    const now = Date.parse('2024-01-01T00:00:00Z')
    expect(cooldownMs('Mon, 01 Jan 2024 00:00:10 GMT', now)).toBe(10_000)
  })

  it('never gives a negative cooldown for a Retry-After date already past: the 5 s default', () => {
    const now = Date.parse('2024-01-01T00:00:10Z')
    expect(cooldownMs('Mon, 01 Jan 2024 00:00:00 GMT', now)).toBe(5000)
    expect(cooldownMs('-3')).toBe(5000)
  })
})
