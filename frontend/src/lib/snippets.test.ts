import { describe, expect, it } from 'vitest'
import { gatewayBaseUrl, snippet } from './snippets'

const input = { baseUrl: 'https://sb.example.com/v1', key: 'sb-abc123', model: 'gpt-4o-mini' }

describe('snippet', () => {
  it('gives a curl call with the base URL, the key and the model', () => {
    const text = snippet('curl', input)
    expect(text).toContain("curl -s 'https://sb.example.com/v1/chat/completions'")
    expect(text).toContain("-H 'Authorization: Bearer sb-abc123'")
    expect(text).toContain('"model":"gpt-4o-mini"')
  })

  it('gives the openai SDK calls for Python and TypeScript', () => {
    expect(snippet('python', input)).toContain(
      'client = OpenAI(base_url="https://sb.example.com/v1", api_key="sb-abc123")',
    )
    expect(snippet('typescript', input)).toContain(
      'new OpenAI({ baseURL: "https://sb.example.com/v1", apiKey: "sb-abc123" })',
    )
  })

  it('quotes a model name with a quote in it so the shell and the languages keep it whole', () => {
    const odd = { ...input, model: `it's "odd"` }
    expect(snippet('curl', odd)).toContain(`'\\''`)
    expect(snippet('python', odd)).toContain('model="it\'s \\"odd\\"",')
  })

  it('builds the base URL from the origin', () => {
    expect(gatewayBaseUrl('http://127.0.0.1:8000/')).toBe('http://127.0.0.1:8000/v1')
  })
})
