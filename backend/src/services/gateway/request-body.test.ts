import { describe, expect, it } from 'vitest'
import { replaceModel } from './request-body.js'

describe('replaceModel', () => {
  it('splices the top-level model and leaves every other byte alone', () => {
    const text = '{ "model" : "r",  "seed": 12345678901234567890, "x": 2.50 }'
    expect(replaceModel(text, JSON.parse(text), 'r', 'gpt-4o')).toBe(
      '{ "model" : "gpt-4o",  "seed": 12345678901234567890, "x": 2.50 }',
    )
  })

  it('falls back to one JSON.stringify when another "model" key makes the text ambiguous', () => {
    const text = '{"tools":[{"model":"r"}],"model":"r"}'
    const out = replaceModel(text, JSON.parse(text), 'r', 'm')
    expect(JSON.parse(out)).toEqual({ tools: [{ model: 'r' }], model: 'm' })
  })
})
