import { describe, expect, it } from 'vitest'
import { buildTestApp, sampleProvider } from '../../../test/helpers.js'

describe('/api/providers', () => {
  it('creates a provider and answers 201 with every field, without the key', async () => {
    const { app } = await buildTestApp()
    const res = await app.inject({ method: 'POST', url: '/api/providers', payload: sampleProvider })
    expect(res.statusCode).toBe(201)
    const body = res.json()
    expect(body).toMatchObject({
      id: 1,
      name: 'OpenAI',
      base_url: 'https://api.openai.com/v1',
      models: ['gpt-4o', 'gpt-4o-mini'],
      is_active: true,
      status: null,
      latency_ms: null,
      last_tested_at: null,
      consecutive_failures: 0,
      is_healthy: true,
      health_override: null,
      health_check_path: '/models',
      has_api_key: true,
      api_key_hint: 'sk-…6789',
    })
    expect(body.created_at).toMatch(/^\d{4}-\d\d-\d\dT.*\+00:00$/)
    expect(res.body).not.toContain(sampleProvider.api_key)
  })

  it('lists providers ordered by id and gets one by id', async () => {
    const { app } = await buildTestApp()
    for (const name of ['b', 'a', 'c']) {
      await app.inject({ method: 'POST', url: '/api/providers', payload: { ...sampleProvider, name } })
    }
    const list = await app.inject({ method: 'GET', url: '/api/providers' })
    expect(list.json().map((p: { name: string }) => p.name)).toEqual(['b', 'a', 'c'])
    const one = await app.inject({ method: 'GET', url: '/api/providers/2' })
    expect(one.json().name).toBe('a')
  })

  it('patches only the fields sent and keeps the key when api_key is absent', async () => {
    const { app } = await buildTestApp()
    await app.inject({ method: 'POST', url: '/api/providers', payload: sampleProvider })
    const res = await app.inject({ method: 'PATCH', url: '/api/providers/1', payload: { is_active: false } })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ is_active: false, name: 'OpenAI', has_api_key: true })
  })

  it('removes the key when api_key is null', async () => {
    const { app } = await buildTestApp()
    await app.inject({ method: 'POST', url: '/api/providers', payload: sampleProvider })
    const res = await app.inject({ method: 'PATCH', url: '/api/providers/1', payload: { api_key: null } })
    expect(res.json()).toMatchObject({ has_api_key: false, api_key_hint: null })
  })

  it('deletes a provider with 204 and then answers 404', async () => {
    const { app } = await buildTestApp()
    await app.inject({ method: 'POST', url: '/api/providers', payload: sampleProvider })
    expect((await app.inject({ method: 'DELETE', url: '/api/providers/1' })).statusCode).toBe(204)
    const res = await app.inject({ method: 'GET', url: '/api/providers/1' })
    expect(res.statusCode).toBe(404)
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/)
    expect(res.json()).toMatchObject({ status: 404, title: 'Not Found' })
  })

  it('answers 409 for a duplicate name', async () => {
    const { app } = await buildTestApp()
    await app.inject({ method: 'POST', url: '/api/providers', payload: sampleProvider })
    const res = await app.inject({ method: 'POST', url: '/api/providers', payload: sampleProvider })
    expect(res.statusCode).toBe(409)
    expect(res.json().detail).toContain('OpenAI')
  })

  it('stores names with quotes, SQL and unicode verbatim', async () => {
    const { app } = await buildTestApp()
    const name = `O'Brien"; DROP TABLE providers; -- 模型 🚀`
    const res = await app.inject({
      method: 'POST',
      url: '/api/providers',
      payload: { ...sampleProvider, name },
    })
    expect(res.statusCode).toBe(201)
    expect((await app.inject({ method: 'GET', url: '/api/providers/1' })).json().name).toBe(name)
  })
})
