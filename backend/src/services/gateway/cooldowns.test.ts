import { afterEach, describe, expect, it, vi } from 'vitest'
import { Cooldowns, cooldownMs } from './cooldowns.js'

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

describe('Cooldowns', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('says the whole seconds left until the first cooldown ends, rounded up, at least 1', () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2024-01-01T00:00:00Z') })
    const cooldowns = new Cooldowns()
    expect(cooldowns.soonestEndSeconds()).toBeNull()
    cooldowns.start(1, 'm', 20_000)
    cooldowns.start(2, 'm', 45_000)
    expect(cooldowns.soonestEndSeconds()).toBe(20)
    vi.advanceTimersByTime(999)
    expect(cooldowns.soonestEndSeconds()).toBe(20)
    vi.advanceTimersByTime(1)
    expect(cooldowns.soonestEndSeconds()).toBe(19)
    vi.advanceTimersByTime(18_999)
    expect(cooldowns.soonestEndSeconds()).toBe(1)
    expect(cooldowns.has(1, 'm')).toBe(true)
    vi.advanceTimersByTime(1)
    expect(cooldowns.has(1, 'm')).toBe(false)
    expect(cooldowns.soonestEndSeconds()).toBe(25)
    vi.advanceTimersByTime(25_000)
    expect(cooldowns.soonestEndSeconds()).toBeNull()
  })

  it('keeps the later end when a provider is cooled down again for less', () => {
    vi.useFakeTimers({ toFake: ['Date'], now: 0 })
    const cooldowns = new Cooldowns()
    cooldowns.start(1, 'm', 30_000)
    cooldowns.start(1, 'm', 2_000)
    expect(cooldowns.soonestEndSeconds()).toBe(30)
  })

  it("cools one model of a provider and leaves its other models, and other providers' same model, usable", () => {
    vi.useFakeTimers({ toFake: ['Date'], now: 0 })
    const cooldowns = new Cooldowns()
    cooldowns.start(1, 'gpt-4o', 10_000)
    expect(cooldowns.has(1, 'gpt-4o')).toBe(true)
    expect(cooldowns.has(1, 'text-embedding-3-small')).toBe(false)
    expect(cooldowns.has(1, null)).toBe(false)
    expect(cooldowns.has(2, 'gpt-4o')).toBe(false)
    cooldowns.start(1, null, 10_000)
    expect(cooldowns.has(1, null)).toBe(true)
  })
})
