import { describe, expect, it } from 'vitest'
import {
  authHeaders,
  kindDefaultHeaders,
  probeUrlFor,
  servesEndpoint,
  upstreamUrl,
} from './provider-kinds.js'
import { normalizeBaseUrl, providerFieldErrors } from './provider-rules.js'

describe('provider kinds', () => {
  it.each([
    ['openai', 'chat', true],
    ['openai', 'messages', false],
    ['openai', 'rerank', true],
    ['anthropic', 'messages', true],
    ['anthropic', 'count_tokens', true],
    ['anthropic', 'chat', false],
    ['azure', 'responses', true],
    ['azure', 'moderations', false],
  ] as const)('a provider of kind %s serves %s: %s', (kind, endpoint, expected) => {
    expect(servesEndpoint({ kind, endpoints: null }, endpoint)).toBe(expected)
  })

  it('narrows the endpoints of the kind to its list, and never widens them', () => {
    const provider = { kind: 'openai', endpoints: ['embeddings', 'messages'] } as const
    expect(servesEndpoint(provider, 'embeddings')).toBe(true)
    expect(servesEndpoint(provider, 'chat')).toBe(false)
    expect(servesEndpoint(provider, 'messages')).toBe(false)
  })

  it('carries the key the way each kind expects it', () => {
    expect(authHeaders('openai', 'sk-1')).toEqual({ authorization: 'Bearer sk-1' })
    expect(authHeaders('anthropic', 'sk-ant')).toEqual({ 'x-api-key': 'sk-ant' })
    expect(authHeaders('azure', 'az')).toEqual({ 'api-key': 'az' })
    expect(authHeaders('azure', null)).toEqual({})
  })

  it('adds anthropic-version 2023-06-01 unless the client sent its own', () => {
    expect(kindDefaultHeaders('anthropic')).toEqual({ 'anthropic-version': '2023-06-01' })
    expect(kindDefaultHeaders('anthropic', { 'anthropic-version': '2024-01-01' })).toEqual({})
    expect(kindDefaultHeaders('openai')).toEqual({})
  })

  it("keeps Azure's api-version on every call, in both URL shapes", () => {
    const deployment = 'https://r.openai.azure.com/openai/deployments/gpt4o?api-version=2024-10-21'
    expect(upstreamUrl({ base_url: deployment }, 'chat/completions')).toEqual({
      origin: 'https://r.openai.azure.com',
      path: '/openai/deployments/gpt4o/chat/completions?api-version=2024-10-21',
    })
    const v1 = 'https://r.openai.azure.com/openai/v1?api-version=preview'
    expect(upstreamUrl({ base_url: v1 }, 'responses/resp_1/input_items?limit=5')).toEqual({
      origin: 'https://r.openai.azure.com',
      path: '/openai/v1/responses/resp_1/input_items?api-version=preview&limit=5',
    })
    expect(upstreamUrl({ base_url: 'http://127.0.0.1:8080/v1' }, 'embeddings')).toEqual({
      origin: 'http://127.0.0.1:8080',
      path: '/v1/embeddings',
    })
  })

  it('probes where the kind lists its models', () => {
    expect(probeUrlFor('openai', 'https://api.openai.com/v1')).toBe('https://api.openai.com/v1/models')
    expect(probeUrlFor('anthropic', 'https://api.anthropic.com/v1')).toBe(
      'https://api.anthropic.com/v1/models',
    )
    expect(
      probeUrlFor('azure', 'https://r.openai.azure.com/openai/deployments/d?api-version=2024-10-21'),
    ).toBe('https://r.openai.azure.com/openai/models?api-version=2024-10-21')
    expect(probeUrlFor('azure', 'https://r.openai.azure.com/openai/v1?api-version=preview')).toBe(
      'https://r.openai.azure.com/openai/v1/models?api-version=preview',
    )
    expect(probeUrlFor('openai', 'http://h/v1', '/health')).toBe('http://h/v1/health')
  })

  it('keeps the query of a base URL when it drops trailing slashes', () => {
    expect(normalizeBaseUrl(' https://r/openai/deployments/d/?api-version=1 ')).toBe(
      'https://r/openai/deployments/d?api-version=1',
    )
    expect(normalizeBaseUrl('http://h/v1//')).toBe('http://h/v1')
  })

  it('refuses endpoints its kind does not serve, and an empty list, naming the field', () => {
    expect(providerFieldErrors({ kind: 'anthropic', endpoints: ['messages', 'chat'] })).toEqual([
      { field: 'endpoints[1]', message: 'chat is not served by kind anthropic' },
    ])
    expect(providerFieldErrors({ endpoints: [] })[0]?.field).toBe('endpoints')
    expect(providerFieldErrors({ kind: 'azure', endpoints: null })).toEqual([])
  })
})
