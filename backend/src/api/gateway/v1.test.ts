import { describe, expect, it } from 'vitest'
import { ADMIN_TOKEN, ok, rawPost, sse, startGateway, streamedText } from '../../../test/fake-openai.js'
import { fakeUpstream } from '../../../test/fake-upstream.js'

describe('/v1 gateway basics', () => {
  it('answers a chat completion through the official client, with the provider key upstream', async () => {
    const gw = await startGateway()
    const fake = await fakeUpstream(ok('Hi!'))
    await gw.addProvider(fake, { apiKey: 'sk-upstream-secret-0001', models: ['gpt-test'] })
    const answer = await gw.client.chat.completions.create({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'hello' }],
    })
    expect(answer.choices[0]?.message.content).toBe('Hi!')
    expect(fake.requests).toHaveLength(1)
    expect(fake.requests[0]?.url).toBe('/v1/chat/completions')
    expect(fake.requests[0]?.headers.authorization).toBe('Bearer sk-upstream-secret-0001')
  })

  it('streams a chat completion to the official client', async () => {
    const gw = await startGateway()
    const fake = await fakeUpstream(sse({ chunks: 20 }))
    await gw.addProvider(fake)
    const stream = await gw.client.chat.completions.create({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'hello' }],
      stream: true,
    })
    let text = ''
    let finish: string | null = null
    for await (const part of stream) {
      text += part.choices[0]?.delta.content ?? ''
      finish = part.choices[0]?.finish_reason ?? finish
    }
    expect(text).toBe(streamedText(20))
    expect(finish).toBe('stop')
  })

  it('serves completions and embeddings', async () => {
    const gw = await startGateway()
    const fake = await fakeUpstream(ok('done'))
    await gw.addProvider(fake, { models: ['text-model', 'embed-model'] })
    const completion = await gw.client.completions.create({ model: 'text-model', prompt: 'x' })
    expect(completion.choices[0]?.text).toBe('done')
    const embedding = await gw.client.embeddings.create({
      model: 'embed-model',
      input: 'x',
      encoding_format: 'float',
    })
    expect(embedding.data[0]?.embedding).toEqual([0.1, 0.2])
    expect(fake.requests.map((r) => r.url)).toEqual(['/v1/completions', '/v1/embeddings'])
  })

  it('forwards the body untouched except for the model a route chose', async () => {
    const gw = await startGateway()
    const fake = await fakeUpstream(ok())
    const id = await gw.addProvider(fake, { models: ['upstream-model'] })
    await gw.addRoute({ name: 'smart', mode: 'auto', nodes: [{ api_id: id }] })
    // Written by hand: a big integer, 2.50 and spacing that a JSON round trip would change.
    const text =
      '{"model": "smart", "messages": [{"role": "user", "content": "hi \\"model\\": \\"x\\""}],' +
      ' "tools": [{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}],' +
      ' "response_format": {"type": "json_object"}, "seed": 12345678901234567890,' +
      ' "x_unknown_field": {"nested": [1, 2.50, null]}}'
    const res = await rawPost(gw, '/chat/completions', text)
    expect(res.status).toBe(200)
    const received = fake.requests[0]?.body ?? ''
    expect(received).toBe(text.replace('"model": "smart"', '"model": "upstream-model"'))
  })

  it('routes a bare model name to the providers offering it, and a route name through the route', async () => {
    const gw = await startGateway()
    const a = await fakeUpstream(ok('from a'))
    const b = await fakeUpstream(ok('from b'))
    await gw.addProvider(a, { models: ['model-a'] })
    const idB = await gw.addProvider(b, { models: ['model-b'] })
    await gw.addRoute({ name: 'to-b', mode: 'auto', nodes: [{ api_id: idB }] })
    const direct = await gw.client.chat.completions.create({ model: 'model-a', messages: [] })
    expect(direct.choices[0]?.message.content).toBe('from a')
    const routed = await gw.client.chat.completions.create({ model: 'to-b', messages: [] })
    expect(routed.choices[0]?.message.content).toBe('from b')
    expect(b.requests[0]?.json).toMatchObject({ model: 'model-b' })
  })

  it('answers 404 model_not_found in OpenAI shape for an unknown model', async () => {
    const gw = await startGateway()
    const res = await rawPost(gw, '/chat/completions', { model: 'nope', messages: [] })
    expect(res.status).toBe(404)
    expect(JSON.parse(res.text)).toMatchObject({
      error: { code: 'model_not_found', type: 'invalid_request_error' },
    })
    expect(res.headers.get('x-request-id')).toBeTruthy()
    expect(res.headers.get('x-switchboard-attempts')).toBe('0')
  })

  it('refuses malformed bodies with a clear 4xx', async () => {
    const gw = await startGateway()
    const notJson = await rawPost(gw, '/chat/completions', '{"model": ')
    expect(notJson.status).toBe(400)
    expect(JSON.parse(notJson.text)).toMatchObject({ error: { code: 'malformed_json' } })
    const noModel = await rawPost(gw, '/chat/completions', { messages: [] })
    expect(noModel.status).toBe(400)
    expect(JSON.parse(noModel.text)).toMatchObject({ error: { code: 'model_required' } })
    const array = await rawPost(gw, '/chat/completions', [1, 2])
    expect(array.status).toBe(400)
  })

  it('answers 413 to a body over BACKEND_GATEWAY_BODY_LIMIT_BYTES', async () => {
    const gw = await startGateway({ BACKEND_GATEWAY_BODY_LIMIT_BYTES: '2048' })
    const res = await rawPost(gw, '/chat/completions', {
      model: 'x',
      messages: [{ role: 'user', content: 'a'.repeat(4000) }],
    })
    expect(res.status).toBe(413)
    expect(JSON.parse(res.text)).toMatchObject({ error: { code: 'body_too_large' } })
  })

  it('puts x-request-id, x-switchboard-provider and x-switchboard-attempts on answers', async () => {
    const gw = await startGateway()
    const fake = await fakeUpstream(ok())
    const id = await gw.addProvider(fake)
    const res = await rawPost(
      gw,
      '/chat/completions',
      { model: 'gpt-test', messages: [] },
      { 'x-request-id': 'req-abc-1' },
    )
    expect(res.status).toBe(200)
    expect(res.headers.get('x-request-id')).toBe('req-abc-1')
    expect(res.headers.get('x-switchboard-provider')).toBe(String(id))
    expect(res.headers.get('x-switchboard-attempts')).toBe('1')
  })

  it('is counted by the request statistics and the gateway metrics like any request', async () => {
    const gw = await startGateway()
    const fake = await fakeUpstream(sse({ chunks: 2 }))
    const id = await gw.addProvider(fake)
    const res = await rawPost(gw, '/chat/completions', { model: 'gpt-test', messages: [], stream: true })
    expect(res.status).toBe(200)
    const stats = await gw.admin('GET', '/api/admin/stats')
    expect(stats.body).toMatchObject({ providers: { [String(id)]: { requests: 1, errors: 0 } } })
    expect(
      (stats.body as { status_codes: Record<string, number> }).status_codes['200'],
    ).toBeGreaterThanOrEqual(1)
    const metrics = await gw.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    })
    expect(metrics.body).toMatch(/outcome="success"/)
  })

  it('lists every active route name and every offered model once at /v1/models', async () => {
    const gw = await startGateway()
    const fake = await fakeUpstream(ok())
    const id = await gw.addProvider(fake, { models: ['m1', 'm2'] })
    await gw.addProvider(fake, { models: ['m2', 'm3'] })
    const off = await gw.addProvider(fake, { models: ['hidden'] })
    await gw.admin('PATCH', `/api/providers/${off}`, { is_active: false })
    await gw.addRoute({ name: 'route-1', mode: 'auto', nodes: [{ api_id: id }] })
    await gw.addRoute({ name: 'route-off', mode: 'auto', is_active: false, nodes: [{ api_id: id }] })
    const ids: string[] = []
    for await (const model of gw.client.models.list()) ids.push(model.id)
    expect(ids.sort()).toEqual(['m1', 'm2', 'm3', 'route-1'])
  })

  it('needs a client key or the admin token when a token is set, and refuses a revoked key', async () => {
    const gw = await startGateway()
    const fake = await fakeUpstream(ok())
    await gw.addProvider(fake)
    const body = { model: 'gpt-test', messages: [] }
    const none = await fetch(`${gw.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    expect(none.status).toBe(401)
    expect(await none.json()).toMatchObject({ error: { type: 'authentication_error' } })
    const created = await gw.admin('POST', '/api/keys', { name: 'app' })
    const { id, key } = created.body as { id: number; key: string }
    expect((await rawPost(gw, '/chat/completions', body, { authorization: `Bearer ${key}` })).status).toBe(
      200,
    )
    await gw.admin('DELETE', `/api/keys/${id}`)
    const revoked = await rawPost(gw, '/chat/completions', body, { authorization: `Bearer ${key}` })
    expect(revoked.status).toBe(401)
    expect(fake.requests).toHaveLength(1)
    expect(ADMIN_TOKEN).not.toBe(key)
  })

  it('is open without an admin token (development mode)', async () => {
    const { buildTestApp } = await import('../../../test/helpers.js')
    const { app } = await buildTestApp()
    const res = await app.inject({ method: 'GET', url: '/v1/models' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ object: 'list', data: [] })
  })
})
