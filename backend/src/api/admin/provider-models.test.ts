import { describe, expect, it } from 'vitest'
import { closedPortUrl, fakeUpstream, json } from '../../../test/fake-upstream.js'
import { buildTestApp } from '../../../test/helpers.js'
import { parseModelList } from '../../services/health/model-listing.js'

const KEY = 'sk-models-api-0123456789abcdef'
const LIST = { object: 'list', data: [{ id: 'gpt-4o-mini' }, { id: 'embed-small' }, { id: 'gpt-4o-mini' }] }

describe('POST /api/providers/models-direct', () => {
  it("lists the models of an unsaved configuration's /models, sorted and once each, storing nothing", async () => {
    const fake = await fakeUpstream(json(200, LIST))
    const { app } = await buildTestApp()
    const res = await app.inject({
      method: 'POST',
      url: '/api/providers/models-direct',
      payload: { base_url: `${fake.url}/v1/`, api_key: KEY },
    })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({
      status: 'online',
      status_code: 200,
      models: ['embed-small', 'gpt-4o-mini'],
    })
    expect(fake.requests[0]?.url).toBe('/v1/models')
    expect(fake.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`)
    expect(res.body).not.toContain(KEY)
    expect(await app.core.db.kysely.selectFrom('health_checks').selectAll().execute()).toEqual([])
  })

  it('says why when the provider refuses the key, without echoing it', async () => {
    const fake = await fakeUpstream(json(401, { error: { message: `bad key ${KEY}` } }))
    const { app } = await buildTestApp()
    const res = await app.inject({
      method: 'POST',
      url: '/api/providers/models-direct',
      payload: { base_url: fake.url, api_key: KEY },
    })
    expect(res.json()).toMatchObject({ status: 'degraded', status_code: 401, models: [] })
    expect(res.json().detail).toContain('check the API key')
    expect(res.body).not.toContain(KEY)
  })

  it('calls an answer that is not a model list degraded, and a closed port unreachable', async () => {
    const fake = await fakeUpstream(json(200, { hello: 'world' }))
    const { app } = await buildTestApp()
    const odd = await app.inject({
      method: 'POST',
      url: '/api/providers/models-direct',
      payload: { base_url: fake.url },
    })
    expect(odd.json()).toMatchObject({
      status: 'degraded',
      detail: 'the answer of /models is not a model list',
    })
    const closed = await app.inject({
      method: 'POST',
      url: '/api/providers/models-direct',
      payload: { base_url: await closedPortUrl() },
    })
    expect(closed.json()).toMatchObject({ status: 'unreachable', models: [] })
  })

  it('refuses a metadata address, a bad URL and unknown fields with 422 naming the field', async () => {
    const { app } = await buildTestApp()
    for (const base_url of ['http://169.254.169.254/latest', 'ftp://example.com']) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/providers/models-direct',
        payload: { base_url },
      })
      expect(res.statusCode).toBe(422)
      expect(res.json().errors[0].field).toBe('base_url')
    }
    const extra = await app.inject({
      method: 'POST',
      url: '/api/providers/models-direct',
      payload: { base_url: 'https://example.com', surprise: 1 },
    })
    expect(extra.statusCode).toBe(422)
  })
})

describe('POST /api/providers/{id}/models', () => {
  it("uses the provider's stored key server-side and records nothing", async () => {
    const fake = await fakeUpstream(json(200, LIST))
    const { app } = await buildTestApp()
    const created = await app.inject({
      method: 'POST',
      url: '/api/providers',
      payload: { name: 'listed', base_url: `${fake.url}/v1`, api_key: KEY, models: [] },
    })
    const { id } = created.json() as { id: number }
    const res = await app.inject({ method: 'POST', url: `/api/providers/${id}/models` })
    expect(res.statusCode).toBe(200)
    expect(res.json().models).toEqual(['embed-small', 'gpt-4o-mini'])
    expect(fake.requests.at(-1)?.headers.authorization).toBe(`Bearer ${KEY}`)
    expect(res.body).not.toContain(KEY)
    const provider = (await app.inject({ method: 'GET', url: `/api/providers/${id}` })).json()
    expect(provider).toMatchObject({ status: null, models: [] })
  })

  it('answers 404 for an unknown provider', async () => {
    const { app } = await buildTestApp()
    const res = await app.inject({ method: 'POST', url: '/api/providers/999/models' })
    expect(res.statusCode).toBe(404)
  })
})

describe('parseModelList', () => {
  it("reads OpenAI's data[].id and Ollama's models[].name, and refuses anything else", () => {
    expect(parseModelList('{"data":[{"id":"b"},{"id":"a"},{"nope":1}]}')).toEqual(['a', 'b'])
    expect(parseModelList('{"models":[{"name":"llama3:8b"}]}')).toEqual(['llama3:8b'])
    expect(parseModelList('{"data":{}}')).toBeNull()
    expect(parseModelList('not json')).toBeNull()
  })
})
