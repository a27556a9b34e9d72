/** A provider's kind and endpoints through the admin API and the backup (issue 13 item 1). */
import { describe, expect, it } from 'vitest'
import { buildTestApp, sampleProvider } from '../../../test/helpers.js'

const anthropic = {
  name: 'Claude',
  base_url: 'https://api.anthropic.com/v1',
  kind: 'anthropic',
  endpoints: ['messages', 'count_tokens'],
  api_key: 'sk-ant-0123456789',
}

describe('provider kinds in /api/providers', () => {
  it('defaults to openai with every endpoint of the kind', async () => {
    const { app } = await buildTestApp()
    const res = await app.inject({ method: 'POST', url: '/api/providers', payload: sampleProvider })
    expect(res.statusCode).toBe(201)
    expect(res.json()).toMatchObject({ kind: 'openai', endpoints: null })
  })

  it('stores a kind and a narrowed endpoint list, and changes them with PATCH', async () => {
    const { app } = await buildTestApp()
    const created = await app.inject({ method: 'POST', url: '/api/providers', payload: anthropic })
    expect(created.statusCode).toBe(201)
    expect(created.json()).toMatchObject({ kind: 'anthropic', endpoints: ['messages', 'count_tokens'] })
    const patched = await app.inject({
      method: 'PATCH',
      url: `/api/providers/${created.json().id}`,
      payload: { endpoints: null },
    })
    expect(patched.json()).toMatchObject({ kind: 'anthropic', endpoints: null })
    const read = await app.inject({ method: 'GET', url: `/api/providers/${created.json().id}` })
    expect(read.json()).toMatchObject({ kind: 'anthropic', endpoints: null })
  })

  it('answers 422 naming the field for an unknown kind or endpoint', async () => {
    const { app } = await buildTestApp()
    const kind = await app.inject({
      method: 'POST',
      url: '/api/providers',
      payload: { ...anthropic, kind: 'gemini' },
    })
    expect(kind.statusCode).toBe(422)
    expect(kind.json().errors.map((e: { field: string }) => e.field)).toEqual(['kind'])
    const endpoint = await app.inject({
      method: 'POST',
      url: '/api/providers',
      payload: { ...anthropic, endpoints: ['messages', 'teleport'] },
    })
    expect(endpoint.statusCode).toBe(422)
    expect(endpoint.json().errors[0].field).toMatch(/^endpoints/)
  })

  it('answers 422 for an endpoint the kind does not serve, also when only the kind changes', async () => {
    const { app } = await buildTestApp()
    const res = await app.inject({
      method: 'POST',
      url: '/api/providers',
      payload: { ...anthropic, endpoints: ['messages', 'chat'] },
    })
    expect(res.statusCode).toBe(422)
    expect(res.json().errors).toEqual([
      { field: 'endpoints[1]', message: 'chat is not served by kind anthropic' },
    ])
    const created = await app.inject({ method: 'POST', url: '/api/providers', payload: anthropic })
    const patch = await app.inject({
      method: 'PATCH',
      url: `/api/providers/${created.json().id}`,
      payload: { kind: 'azure' },
    })
    expect(patch.statusCode).toBe(422)
    expect(patch.json().errors[0]).toEqual({
      field: 'endpoints[0]',
      message: 'messages is not served by kind azure',
    })
    const unchanged = await app.inject({ method: 'GET', url: `/api/providers/${created.json().id}` })
    expect(unchanged.json().kind).toBe('anthropic')
  })

  it('keeps the query of an Azure base URL', async () => {
    const { app } = await buildTestApp()
    const res = await app.inject({
      method: 'POST',
      url: '/api/providers',
      payload: {
        name: 'Azure',
        kind: 'azure',
        base_url: 'https://r.openai.azure.com/openai/deployments/gpt4o/?api-version=2024-10-21',
      },
    })
    expect(res.json()).toMatchObject({
      kind: 'azure',
      base_url: 'https://r.openai.azure.com/openai/deployments/gpt4o?api-version=2024-10-21',
    })
  })
})

describe('provider kinds in the backup', () => {
  it('export and restore keep kind and endpoints', async () => {
    const source = await buildTestApp()
    await source.app.inject({ method: 'POST', url: '/api/providers', payload: anthropic })
    const doc = (await source.app.inject({ method: 'GET', url: '/api/admin/providers/export' })).json()
    expect(doc.providers[0]).toMatchObject({ kind: 'anthropic', endpoints: ['messages', 'count_tokens'] })

    const { app } = await buildTestApp()
    const res = await app.inject({ method: 'POST', url: '/api/admin/providers/restore', payload: doc })
    expect(res.statusCode).toBe(200)
    const [provider] = (await app.inject({ method: 'GET', url: '/api/providers' })).json()
    expect(provider).toMatchObject({ kind: 'anthropic', endpoints: ['messages', 'count_tokens'] })
  })

  it('restores a backup from before provider kinds as openai providers', async () => {
    const { app } = await buildTestApp()
    const old = {
      version: 1,
      exported_at: '2025-01-01T00:00:00Z',
      providers: [
        {
          id: 1,
          name: 'Old',
          base_url: 'http://127.0.0.1:9/v1',
          api_key_encrypted: null,
          models: [],
          is_active: true,
        },
      ],
    }
    const res = await app.inject({ method: 'POST', url: '/api/admin/providers/restore', payload: old })
    expect(res.statusCode).toBe(200)
    const [provider] = (await app.inject({ method: 'GET', url: '/api/providers' })).json()
    expect(provider).toMatchObject({ name: 'Old', kind: 'openai', endpoints: null })
  })

  it('refuses a backup whose endpoints its kind does not serve, naming the field', async () => {
    const { app } = await buildTestApp()
    const doc = {
      version: 1,
      exported_at: '2025-01-01T00:00:00Z',
      providers: [
        {
          id: 1,
          name: 'Bad',
          base_url: 'http://127.0.0.1:9/v1',
          kind: 'azure',
          endpoints: ['rerank'],
          api_key_encrypted: null,
          models: [],
          is_active: true,
        },
      ],
    }
    const res = await app.inject({ method: 'POST', url: '/api/admin/providers/restore', payload: doc })
    expect(res.statusCode).toBe(422)
    expect(res.json().errors[0].field).toBe('providers[0].endpoints[0]')
  })
})

describe('GET /api/provider-kinds', () => {
  it("lists each kind with the endpoints the server accepts for it and its key's header", async () => {
    const { app } = await buildTestApp()
    const res = await app.inject({ method: 'GET', url: '/api/provider-kinds' })
    expect(res.statusCode).toBe(200)
    const kinds = res.json() as { kind: string; endpoints: string[]; key_header: string }[]
    expect(kinds.map((k) => [k.kind, k.key_header])).toEqual([
      ['openai', 'authorization'],
      ['anthropic', 'x-api-key'],
      ['azure', 'api-key'],
    ])
    // what the list says a kind serves is what a provider of that kind may be narrowed to
    for (const { kind, endpoints } of kinds) {
      const ok = await app.inject({
        method: 'POST',
        url: '/api/providers',
        payload: { ...anthropic, name: `all-${kind}`, kind, endpoints },
      })
      expect(ok.statusCode).toBe(201)
    }
    const anthropicKind = kinds.find((k) => k.kind === 'anthropic')
    expect(anthropicKind?.endpoints).not.toContain('chat')
  })

  it('wants the admin credential like the rest of /api', async () => {
    const { app } = await buildTestApp({ BACKEND_ADMIN_TOKEN: 'admin-token-0123456789abcdef' })
    const res = await app.inject({ method: 'GET', url: '/api/provider-kinds' })
    expect(res.statusCode).toBe(401)
  })
})
