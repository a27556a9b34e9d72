import { describe, expect, it } from 'vitest'
import { buildTestApp, sampleProvider } from '../../../test/helpers.js'
import { JSON_MAX_DEPTH } from '../../core/json.js'

/** `{"x": {"x": … 1 …}}` with `levels` nested objects under the top one. */
function nested(levels: number): unknown {
  let value: unknown = 1
  for (let i = 0; i < levels; i++) value = { x: value }
  return value
}

describe('/api bodies the schemas cannot judge', () => {
  it('refuses a NUL character in any string or key with 422 naming the field, on both engines', async () => {
    const { app } = await buildTestApp()
    const provider = await app.inject({ method: 'POST', url: '/api/providers', payload: sampleProvider })
    const id = provider.json().id
    const cases: [string, string, unknown, string][] = [
      ['POST', '/api/providers', { ...sampleProvider, name: 'a\u0000b' }, 'name'],
      ['POST', '/api/providers', { ...sampleProvider, name: 'n', api_key: 'sk-\u0000' }, 'api_key'],
      ['PATCH', `/api/providers/${id}`, { health_check_path: '/\u0000' }, 'health_check_path'],
      ['POST', '/api/model-routes', { name: 'r\u0000', mode: 'auto' }, 'name'],
      ['POST', '/api/model-routes', { name: 'r', mode: 'auto', config: { 'k\u0000': 1 } }, 'config.k\u0000'],
      [
        'POST',
        '/api/model-routes',
        { name: 'r', mode: 'auto', nodes: [{ api_id: id, metadata: { note: '\u0000' } }] },
        'nodes[0].metadata.note',
      ],
      ['POST', '/api/keys', { name: 'k\u0000' }, 'name'],
    ]
    for (const [method, url, payload, field] of cases) {
      const res = await app.inject({ method: method as 'POST', url, payload: payload as object })
      expect(res.statusCode, `${method} ${url}`).toBe(422)
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/)
      expect(res.json().errors).toEqual([{ field, message: 'must not contain NUL (\\u0000) characters' }])
    }
    expect((await app.inject({ method: 'GET', url: '/api/providers' })).json()).toHaveLength(1)
    expect((await app.inject({ method: 'GET', url: '/api/model-routes' })).json()).toEqual([])
    expect((await app.inject({ method: 'GET', url: '/api/keys' })).json()).toEqual([])
  })

  it('refuses a lone UTF-16 surrogate in any string or key with 422 naming the field', async () => {
    const { app } = await buildTestApp()
    const provider = await app.inject({ method: 'POST', url: '/api/providers', payload: sampleProvider })
    const id = provider.json().id
    const message = 'must be well-formed Unicode (a lone UTF-16 surrogate such as \\ud800 is not a character)'
    const cases: [string, string, unknown, string][] = [
      ['POST', '/api/providers', { ...sampleProvider, name: '\ud800' }, 'name'],
      ['POST', '/api/providers', { ...sampleProvider, name: 'x\udfffy' }, 'name'],
      ['POST', '/api/providers', { ...sampleProvider, name: 'n', models: ['ok', '\udbff'] }, 'models[1]'],
      ['PATCH', `/api/providers/${id}`, { name: '\ud801' }, 'name'],
      ['POST', '/api/providers/test-direct', { base_url: 'http://127.0.0.1:1/\ud800' }, 'base_url'],
      ['POST', '/api/model-routes', { name: 'r', mode: 'auto', config: { '\ud800': 1 } }, 'config.\ud800'],
      ['POST', `/api/model-routes/1/select`, { model: '\ude00' }, 'model'],
      ['POST', '/api/keys', { name: '\ud800' }, 'name'],
    ]
    for (const [method, url, payload, field] of cases) {
      // JSON.stringify writes a lone surrogate as the escape `\ud800`, as a client would send it
      const res = await app.inject({ method: method as 'POST', url, payload: payload as object })
      expect(res.statusCode, `${method} ${url}`).toBe(422)
      expect(res.json().errors).toEqual([{ field, message }])
    }
    // A well-formed pair is one character (an emoji) and is fine.
    const emoji = await app.inject({
      method: 'POST',
      url: '/api/providers',
      payload: { ...sampleProvider, name: 'p \ud83d\ude00' },
    })
    expect(emoji.statusCode).toBe(201)
    expect(emoji.json().name).toBe('p 😀')
    const names = (await app.inject({ method: 'GET', url: '/api/providers' }))
      .json()
      .map((p: { name: string }) => p.name)
    expect(names).toEqual([sampleProvider.name, 'p 😀'])
    // …and the automatic backup restores as it is (two lone surrogates once came back as one U+FFFD name).
    const restored = await app.inject({ method: 'POST', url: '/api/admin/providers/restore' })
    expect(restored.statusCode, restored.body).toBe(200)
  })

  it('refuses a restore document holding a lone surrogate, naming the field, and changes nothing', async () => {
    const { app } = await buildTestApp()
    await app.inject({ method: 'POST', url: '/api/providers', payload: sampleProvider })
    const doc = (await app.inject({ method: 'GET', url: '/api/admin/providers/export' })).json()
    const before = (await app.inject({ method: 'GET', url: '/api/providers' })).json()
    doc.providers.push(
      { ...doc.providers[0], id: 2, name: '\ud800' },
      { ...doc.providers[0], id: 3, name: '\ud801' },
    )
    for (const dry of [true, false]) {
      const res = await app.inject({
        method: 'POST',
        url: `/api/admin/providers/restore?dry_run=${dry}`,
        payload: doc,
      })
      expect(res.statusCode).toBe(422)
      expect(res.json().errors).toEqual([
        { field: 'providers[1].name', message: expect.stringMatching(/well-formed Unicode/) },
      ])
    }
    expect((await app.inject({ method: 'GET', url: '/api/providers' })).json()).toEqual(before)
  })

  it('refuses JSON nested deeper than the limit with 422 instead of overflowing', async () => {
    const { app } = await buildTestApp()
    const depth = 300_000
    const payload = `{"name":"r","mode":"auto","config":{"x":${'['.repeat(depth)}${']'.repeat(depth)}}}`
    const res = await app.inject({
      method: 'POST',
      url: '/api/model-routes',
      payload,
      headers: { 'content-type': 'application/json' },
    })
    expect(res.statusCode).toBe(422)
    expect(res.json().detail).toContain(`nested deeper than ${JSON_MAX_DEPTH} levels`)
    const restore = await app.inject({
      method: 'POST',
      url: '/api/admin/providers/restore',
      payload: { version: 1, exported_at: 'x', providers: [], routes: [{ config: nested(depth / 1000) }] },
    })
    expect(restore.statusCode).toBe(422)
    expect(restore.json().detail).toMatch(/nested deeper than/)
  })

  it('restores a route whose config is as deep as the API accepts', async () => {
    const { app } = await buildTestApp()
    const deepest = nested(JSON_MAX_DEPTH - 1) // the body itself is the first level
    const created = await app.inject({
      method: 'POST',
      url: '/api/model-routes',
      payload: { name: 'deep', mode: 'auto', config: deepest },
    })
    expect(created.statusCode).toBe(201)
    const tooDeep = await app.inject({
      method: 'POST',
      url: '/api/model-routes',
      payload: { name: 'deeper', mode: 'auto', config: nested(JSON_MAX_DEPTH) },
    })
    expect(tooDeep.statusCode).toBe(422)
    const doc = (await app.inject({ method: 'GET', url: '/api/admin/providers/export' })).json()
    const restored = await app.inject({ method: 'POST', url: '/api/admin/providers/restore', payload: doc })
    expect(restored.statusCode).toBe(200)
    expect((await app.inject({ method: 'GET', url: '/api/model-routes/1' })).json().config).toEqual(deepest)
  })
})
