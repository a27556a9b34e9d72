import { describe, expect, it } from 'vitest'
import { replaceModel, withStreamUsage } from './request-body.js'

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

describe('withStreamUsage', () => {
  it('adds stream_options.include_usage before the closing brace, keeping the rest of the text as sent', () => {
    const text = '{"model": "m", "stream": true, "seed": 12345678901234567890 }'
    const asked = withStreamUsage(text, JSON.parse(text) as Record<string, unknown>)
    expect(asked.text).toBe(
      '{"model": "m", "stream": true, "seed": 12345678901234567890,"stream_options":{"include_usage":true}}',
    )
    expect(asked.body.stream_options).toEqual({ include_usage: true })
  })

  it('keeps the other stream options of a body that has some', () => {
    const body = { model: 'm', stream: true, stream_options: { include_obfuscation: false } }
    const asked = withStreamUsage(JSON.stringify(body), body)
    expect(JSON.parse(asked.text)).toEqual({
      ...body,
      stream_options: { include_obfuscation: false, include_usage: true },
    })
  })
})
