import { describe, expect, it } from 'vitest'
import { costOf, mergeUsage, readTrailingUsage, readUsage } from './usage.js'

describe('usage', () => {
  it('reads the Chat Completions, Responses and Messages spellings', () => {
    expect(readUsage({ usage: { prompt_tokens: 5, completion_tokens: 2 } })).toEqual({
      input: 5,
      output: 2,
      cachedInput: null,
      reasoning: null,
    })
    expect(
      readUsage({
        type: 'response.completed',
        response: {
          usage: {
            input_tokens: 9,
            output_tokens: 4,
            input_tokens_details: { cached_tokens: 3 },
            output_tokens_details: { reasoning_tokens: 1 },
          },
        },
      }),
    ).toEqual({ input: 9, output: 4, cachedInput: 3, reasoning: 1 })
    const start = readUsage({
      type: 'message_start',
      message: { usage: { input_tokens: 7, output_tokens: 1 } },
    })
    const end = readUsage({ type: 'message_delta', usage: { output_tokens: 30 } })
    expect(mergeUsage(start, end)).toMatchObject({ input: 7, output: 30 })
    expect(readUsage({ usage: { prompt_tokens: -1, completion_tokens: 'x' } })).toBeNull()
  })

  it('finds the usage at the end of the tail of a big answer', () => {
    const tail = `0.1, 0.2]}], "model": "e", "usage": {"prompt_tokens": 12, "total_tokens": 12, "note": "}"}}`
    expect(readTrailingUsage(tail)).toMatchObject({ input: 12 })
    expect(readTrailingUsage('"content": "no usage here"}')).toBeNull()
    expect(readTrailingUsage('"usage": {"prompt_tokens": 3')).toBeNull()
  })

  it('prices cached input at its own price and the rest at the input price', () => {
    const usage = { input: 1000, output: 500, cachedInput: 400, reasoning: 100 }
    const price = { inputPerMillion: 1, outputPerMillion: 4, cachedInputPerMillion: 0.25 }
    expect(costOf(usage, price)).toBeCloseTo((600 * 1 + 400 * 0.25 + 500 * 4) / 1e6, 12)
    expect(costOf(usage, { ...price, cachedInputPerMillion: null })).toBeCloseTo((1000 + 2000) / 1e6, 12)
    expect(costOf(null, price)).toBeNull()
    expect(costOf(usage, undefined)).toBeNull()
  })
})
