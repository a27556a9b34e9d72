import { describe, expect, it } from 'vitest'
import { exposedGc, IDLE_UTILIZATION, QuietSpells } from './idle-gc.js'

const busy = IDLE_UTILIZATION * 5
const quiet = IDLE_UTILIZATION / 10

describe('QuietSpells', () => {
  it('collects in the first quiet interval, for the garbage start-up leaves', () => {
    const spells = new QuietSpells()
    expect(spells.shouldCollect(quiet)).toBe(true)
    expect(spells.shouldCollect(quiet)).toBe(false)
  })

  it('collects once per quiet spell after work, never while the server is busy', () => {
    const spells = new QuietSpells()
    expect([busy, busy, quiet, quiet, quiet, busy, quiet, quiet].map((u) => spells.shouldCollect(u))).toEqual(
      [false, false, true, false, false, false, true, false],
    )
  })
})

describe('exposedGc', () => {
  it('hands over the full collection of V8', () => {
    const gc = exposedGc()
    expect(typeof gc).toBe('function')
    gc()
  })
})
