import { describe, expect, it } from 'vitest'
import { inspectChunk, SseParser } from './sse.js'

describe('SseParser', () => {
  it('yields events split across chunks, with \\n\\n, \\r\\n\\r\\n and a \\r\\n cut in two', () => {
    const parser = new SseParser()
    const text = 'data: {"a":1}\r\n\r\n: comment\n\ndata: {"b":2}\n\n'
    const events = []
    for (const part of [text.slice(0, 14), text.slice(14, 16), text.slice(16, 30), text.slice(30)]) {
      events.push(...parser.push(Buffer.from(part)))
    }
    expect(events.map((e) => e.data)).toEqual(['{"a":1}', null, '{"b":2}'])
    expect(events[1]?.raw).toBe(': comment\n\n')
    expect(parser.hasPartial).toBe(false)
  })

  it('reads a \\r\\n cut between two chunks as one line end: one event whose data is a\\nb', () => {
    const parser = new SseParser()
    const events = [
      ...parser.push(Buffer.from('data: a\r')),
      ...parser.push(Buffer.from('\ndata: b\r\n\r\n')),
    ]
    expect(events.map((e) => e.data)).toEqual(['a\nb'])
    expect(parser.hasPartial).toBe(false)
  })

  it('keeps a multi-byte character cut between chunks whole, and joins multi-line data', () => {
    const parser = new SseParser()
    const bytes = Buffer.from('data: é\ndata: ü\n\n')
    const first = parser.push(bytes.subarray(0, 7))
    const rest = parser.push(bytes.subarray(7))
    expect(first).toEqual([])
    expect(rest[0]?.data).toBe('é\nü')
  })
})

describe('inspectChunk', () => {
  it('sees content in text, tool calls and finish_reason, not in a role-only chunk', () => {
    const role = { choices: [{ delta: { role: 'assistant', content: '' } }] }
    expect(inspectChunk(role)).toEqual({ hasContent: false, hasFinish: false })
    expect(inspectChunk({ choices: [{ delta: { content: 'x' } }] }).hasContent).toBe(true)
    expect(inspectChunk({ choices: [{ delta: { tool_calls: [{ index: 0 }] } }] }).hasContent).toBe(true)
    expect(inspectChunk({ choices: [{ text: 'x' }] }).hasContent).toBe(true)
    expect(inspectChunk({ choices: [{ delta: {}, finish_reason: 'stop' }] })).toEqual({
      hasContent: true,
      hasFinish: true,
    })
    expect(inspectChunk({ usage: {} })).toEqual({ hasContent: false, hasFinish: false })
  })
})
