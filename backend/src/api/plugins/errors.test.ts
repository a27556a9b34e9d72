import { describe, expect, it } from 'vitest'
import { buildTestApp, sampleProvider } from '../../../test/helpers.js'

describe('error answers under /api', () => {
  it('answers 415 with a problem document for a body that is not JSON, and changes nothing', async () => {
    const { app } = await buildTestApp()
    const cases: [string, string | undefined][] = [
      ['<provider/>', 'application/xml'],
      ['name=x', 'application/x-www-form-urlencoded'],
      [JSON.stringify(sampleProvider), 'text/plain'],
      [JSON.stringify(sampleProvider), undefined],
    ]
    for (const [payload, contentType] of cases) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/providers',
        payload,
        headers: contentType ? { 'content-type': contentType } : {},
      })
      expect(res.statusCode, String(contentType)).toBe(415)
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/)
      expect(res.json()).toMatchObject({ status: 415, title: 'Unsupported Media Type' })
    }
    expect((await app.inject({ method: 'GET', url: '/api/providers' })).json()).toEqual([])
  })

  it('answers 415 in the OpenAI shape on /v1', async () => {
    const { app } = await buildTestApp()
    const res = await app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: '{"model":"m","messages":[]}',
      headers: { 'content-type': 'text/plain' },
    })
    expect(res.statusCode).toBe(415)
    expect(res.json()).toMatchObject({ error: { code: 'unsupported_media_type' } })
  })

  it('names the allowed values once for a bad mode or strategy', async () => {
    const { app } = await buildTestApp()
    const provider = await app.inject({ method: 'POST', url: '/api/providers', payload: sampleProvider })
    const res = await app.inject({
      method: 'POST',
      url: '/api/model-routes',
      payload: { name: 'r', mode: 'bogus', nodes: [{ api_id: provider.json().id, strategy: 'random' }] },
    })
    expect(res.statusCode).toBe(422)
    expect(res.json().errors).toEqual([
      { field: 'mode', message: 'must be one of: auto, specific, multi' },
      { field: 'nodes[0].strategy', message: 'must be one of: round-robin, failover' },
    ])
  })
})
