import { describe, expect, it } from 'vitest'
import {
  COLLECTIONS_PER_SPELL,
  exposedGc,
  IDLE_UTILIZATION,
  QuietSpells,
  YOUNG_SHRUNK_BYTES,
} from './idle-gc.js'

const busy = IDLE_UTILIZATION * 5
const quiet = IDLE_UTILIZATION / 10

describe('QuietSpells', () => {
  const shrunk = YOUNG_SHRUNK_BYTES
  const grown = YOUNG_SHRUNK_BYTES * 8

  it('collects in the first quiet interval, for the garbage start-up leaves', () => {
    const spells = new QuietSpells()
    expect(spells.shouldCollect(quiet)).toBe(true)
    spells.collected(shrunk)
    expect(spells.shouldCollect(quiet)).toBe(false)
  })

  it('collects once per quiet spell after work, never while the server is busy', () => {
    const spells = new QuietSpells()
    const decisions = [busy, busy, quiet, quiet, quiet, busy, quiet, quiet].map((utilization) => {
      const collect = spells.shouldCollect(utilization)
      if (collect) spells.collected(shrunk)
      return collect
    })
    expect(decisions).toEqual([false, false, true, false, false, false, true, false])
  })

  it('collects again in the next quiet intervals while the young generation has not shrunk, a few times at most', () => {
    const spells = new QuietSpells()
    const decisions = Array.from({ length: COLLECTIONS_PER_SPELL + 2 }, () => {
      const collect = spells.shouldCollect(quiet)
      if (collect) spells.collected(grown)
      return collect
    })
    expect(decisions.filter(Boolean)).toHaveLength(COLLECTIONS_PER_SPELL)
    expect(decisions.at(-1)).toBe(false)
  })
})

describe('exposedGc', () => {
  it('hands over the full collection of V8', () => {
    const gc = exposedGc()
    expect(typeof gc).toBe('function')
    gc()
  })
})
