import { describe, expect, it } from 'vitest'
import { ADMIN_TOKEN, ok, sse, startGateway } from '../../../test/fake-openai.js'
import { fakeUpstream, json } from '../../../test/fake-upstream.js'

const ask = { model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] }

async function post(baseURL: string, body: unknown, token: string | null = ADMIN_TOKEN) {
  const res = await fetch(`${baseURL.replace(/\/v1$/, '')}/api/playground/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  })
  return { status: res.status, headers: res.headers, text: await res.text() }
}

describe('POST /api/playground/chat/completions', () => {
  it('answers through the gateway with the admin session and says who answered', async () => {
    const gw = await startGateway()
    const fake = await fakeUpstream(ok('Hi from fake'))
    const id = await gw.addProvider(fake, { models: ['gpt-test'] })
    const res = await post(gw.baseURL, ask)
    expect(res.status).toBe(200)
    expect(JSON.parse(res.text).choices[0].message.content).toBe('Hi from fake')
    expect(res.headers.get('x-switchboard-provider')).toBe(String(id))
    expect(res.headers.get('x-switchboard-attempts')).toBe('1')
    expect(res.headers.get('x-request-id')).toBeTruthy()
    expect(fake.requests[0]?.json).toMatchObject({ model: 'gpt-test', messages: ask.messages })
  })

  it('streams server-sent events as /v1 does', async () => {
    const gw = await startGateway()
    const fake = await fakeUpstream(sse({ chunks: 2 }))
    await gw.addProvider(fake, { models: ['gpt-test'] })
    const res = await post(gw.baseURL, { ...ask, stream: true, stream_options: { include_usage: true } })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/)
    expect(res.text).toContain('w0 ')
    expect(res.text.trim().endsWith('data: [DONE]')).toBe(true)
  })

  it('fails over like the gateway and counts the attempts', async () => {
    const gw = await startGateway()
    const broken = await fakeUpstream(
      json(500, { error: { message: 'boom', type: 'server_error', code: null } }),
    )
    const good = await fakeUpstream(ok())
    await gw.addProvider(broken, { models: ['gpt-test'] })
    const goodId = await gw.addProvider(good, { models: ['gpt-test'] })
    const res = await post(gw.baseURL, ask)
    expect(res.status).toBe(200)
    expect(res.headers.get('x-switchboard-attempts')).toBe('2')
    expect(res.headers.get('x-switchboard-provider')).toBe(String(goodId))
  })

  it('needs the admin token: a client key or nothing is 401', async () => {
    const gw = await startGateway()
    const created = await gw.admin('POST', '/api/keys', { name: 'app' })
    const key = (created.body as { key: string }).key
    expect((await post(gw.baseURL, ask, null)).status).toBe(401)
    expect((await post(gw.baseURL, ask, key)).status).toBe(401)
  })

  it('refuses a malformed body with 422 naming the field, and an unknown model with a problem document', async () => {
    const gw = await startGateway()
    const bad = await post(gw.baseURL, { model: 'x', messages: [{ role: 'wizard', content: 'hi' }] })
    expect(bad.status).toBe(422)
    expect(JSON.parse(bad.text).errors[0].field).toContain('messages')
    const extra = await post(gw.baseURL, { ...ask, tools: [] })
    expect(extra.status).toBe(422)
    const unknown = await post(gw.baseURL, { ...ask, model: 'nobody-offers-this' })
    expect(unknown.status).toBeGreaterThanOrEqual(400)
    expect(unknown.status).toBeLessThan(500)
    expect(unknown.headers.get('content-type')).toMatch(/application\/problem\+json/)
  })
})

describe('GET /api/playground/models', () => {
  it('lists what /v1/models lists', async () => {
    const gw = await startGateway()
    const fake = await fakeUpstream(ok())
    await gw.addProvider(fake, { models: ['gpt-test'] })
    const res = await gw.admin('GET', '/api/playground/models')
    expect(res.status).toBe(200)
    expect((res.body as { data: Array<{ id: string }> }).data.map((m) => m.id)).toContain('gpt-test')
  })
})
