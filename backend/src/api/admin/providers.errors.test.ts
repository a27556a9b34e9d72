import { describe, expect, it } from 'vitest'
import { buildTestApp, sampleProvider } from '../../../test/helpers.js'

async function appWithProvider() {
  const t = await buildTestApp()
  await t.app.inject({ method: 'POST', url: '/api/providers', payload: sampleProvider })
  return t
}

describe('/api/providers refuses bad input with a clear 4xx and changes nothing', () => {
  it('answers 400 to malformed JSON', async () => {
    const { app } = await buildTestApp()
    const res = await app.inject({
      method: 'POST',
      url: '/api/providers',
      headers: { 'content-type': 'application/json' },
      payload: '{"name": "x",',
    })
    expect(res.statusCode).toBe(400)
    expect(res.headers['content-type']).toMatch(/problem\+json/)
    expect(res.json().detail).toMatch(/JSON/)
  })

  it('answers 422 with field errors for wrong types', async () => {
    const { app } = await buildTestApp()
    const res = await app.inject({
      method: 'POST',
      url: '/api/providers',
      payload: { name: 5, base_url: 'https://x.io', models: 'gpt-4', is_active: 'yes' },
    })
    expect(res.statusCode).toBe(422)
    const fields = res.json().errors.map((e: { field: string }) => e.field)
    expect(fields).toEqual(expect.arrayContaining(['name', 'models', 'is_active']))
  })

  it('refuses unknown fields', async () => {
    const { app } = await buildTestApp()
    const res = await app.inject({
      method: 'POST',
      url: '/api/providers',
      payload: { ...sampleProvider, colour: 'red' },
    })
    expect(res.statusCode).toBe(422)
    expect(res.json().errors).toContainEqual({ field: 'colour', message: 'is not a known field' })
  })

  it('requires name and base_url', async () => {
    const { app } = await buildTestApp()
    const res = await app.inject({ method: 'POST', url: '/api/providers', payload: {} })
    expect(res.statusCode).toBe(422)
    const fields = res.json().errors.map((e: { field: string }) => e.field)
    expect(fields).toEqual(expect.arrayContaining(['name', 'base_url']))
  })

  it.each([
    ['not a url', /absolute/],
    ['ftp://files.example.com', /http/],
    ['http://169.254.169.254/latest', /metadata/],
    ['http://metadata.google.internal/', /metadata/],
  ])('refuses base_url %s', async (base_url, message) => {
    const { app } = await buildTestApp()
    const res = await app.inject({
      method: 'POST',
      url: '/api/providers',
      payload: { ...sampleProvider, base_url },
    })
    expect(res.statusCode).toBe(422)
    expect(res.json().errors[0]).toMatchObject({ field: 'base_url', message: expect.stringMatching(message) })
    expect((await app.inject({ method: 'GET', url: '/api/providers' })).json()).toEqual([])
  })

  it('refuses an empty model name and a blank provider name', async () => {
    const { app } = await buildTestApp()
    const res = await app.inject({
      method: 'POST',
      url: '/api/providers',
      payload: { ...sampleProvider, name: '   ', models: ['ok', ' '] },
    })
    expect(res.statusCode).toBe(422)
    const fields = res.json().errors.map((e: { field: string }) => e.field)
    expect(fields).toEqual(expect.arrayContaining(['name', 'models[1]']))
  })

  it('answers 413 to a body over the /api limit', async () => {
    const { app } = await buildTestApp()
    const res = await app.inject({
      method: 'POST',
      url: '/api/providers',
      payload: {
        ...sampleProvider,
        models: Array.from({ length: 4000 }, (_, i) => `model-${i}-${'x'.repeat(300)}`),
      },
    })
    expect(res.statusCode).toBe(413)
  })

  it('answers 404 to PATCH and DELETE of a missing id', async () => {
    const { app } = await buildTestApp()
    expect(
      (await app.inject({ method: 'PATCH', url: '/api/providers/42', payload: { name: 'x' } })).statusCode,
    ).toBe(404)
    expect((await app.inject({ method: 'DELETE', url: '/api/providers/42' })).statusCode).toBe(404)
  })

  it('answers 422, not 500, to an id that is not a number', async () => {
    const { app } = await buildTestApp()
    for (const url of ['/api/providers/abc', '/api/providers/1.5', '/api/providers/99999999999999']) {
      expect((await app.inject({ method: 'GET', url })).statusCode).toBe(422)
    }
  })

  it('answers 409 when a rename takes an existing name', async () => {
    const { app } = await appWithProvider()
    await app.inject({ method: 'POST', url: '/api/providers', payload: { ...sampleProvider, name: 'Other' } })
    const res = await app.inject({ method: 'PATCH', url: '/api/providers/2', payload: { name: 'OpenAI' } })
    expect(res.statusCode).toBe(409)
    expect((await app.inject({ method: 'GET', url: '/api/providers/2' })).json().name).toBe('Other')
  })

  it('requires the key again when base_url moves to another host', async () => {
    const { app } = await appWithProvider()
    const moved = await app.inject({
      method: 'PATCH',
      url: '/api/providers/1',
      payload: { base_url: 'https://evil.example.com/v1' },
    })
    expect(moved.statusCode).toBe(422)
    expect(moved.json().errors[0].field).toBe('api_key')
    const samePlace = await app.inject({
      method: 'PATCH',
      url: '/api/providers/1',
      payload: { base_url: 'https://api.openai.com/v2' },
    })
    expect(samePlace.statusCode).toBe(200)
    const withKey = await app.inject({
      method: 'PATCH',
      url: '/api/providers/1',
      payload: { base_url: 'https://other.example.com/v1', api_key: 'sk-new-key-000011112222' },
    })
    expect(withKey.statusCode).toBe(200)
    expect(withKey.json()).toMatchObject({
      base_url: 'https://other.example.com/v1',
      api_key_hint: 'sk-…2222',
    })
  })

  it('never echoes the key in a validation error', async () => {
    const { app } = await buildTestApp()
    const res = await app.inject({
      method: 'POST',
      url: '/api/providers',
      payload: { ...sampleProvider, base_url: 'nope', api_key: 'sk-secret-do-not-echo-1234' },
    })
    expect(res.statusCode).toBe(422)
    expect(res.body).not.toContain('sk-secret-do-not-echo')
  })

  it('answers unknown paths with a 404 problem document', async () => {
    const { app } = await buildTestApp()
    const res = await app.inject({ method: 'GET', url: '/api/nothing-here' })
    expect(res.statusCode).toBe(404)
    expect(res.headers['content-type']).toMatch(/problem\+json/)
  })
})
