/**
 * Provider kinds in the gateway (issue 13 items 1, 2, 7, 8): each kind's credentials upstream,
 * Azure's query kept, nodes that do not serve the endpoint left out, the headers that cross the
 * gateway, and 429 cooldowns per model. Fake upstreams are real servers on 127.0.0.1.
 */
import { describe, expect, it } from 'vitest'
import { ADMIN_TOKEN, ok, rateLimited, rawPost, startGateway } from '../../../test/fake-openai.js'
import { fakeUpstream, json } from '../../../test/fake-upstream.js'

const chat = { model: 'gpt-test', messages: [{ role: 'user' as const, content: 'hi' }] }

describe('provider kinds upstream', () => {
  it('sends an Azure key as api-key and keeps api-version on the deployment URL', async () => {
    const gw = await startGateway()
    const fake = await fakeUpstream(ok('from azure'))
    await gw.addProvider(fake, {
      apiKey: 'azure-key-0123456789',
      fields: { kind: 'azure', base_url: `${fake.url}/openai/deployments/gpt4o?api-version=2024-10-21` },
    })
    const answer = await gw.client.chat.completions.create(chat)
    expect(answer.choices[0]?.message.content).toBe('from azure')
    const seen = fake.requests[0]
    expect(seen?.url).toBe('/openai/deployments/gpt4o/chat/completions?api-version=2024-10-21')
    expect(seen?.headers['api-key']).toBe('azure-key-0123456789')
    expect(seen?.headers.authorization).toBeUndefined()
  })

  it("keeps api-version on Azure's /openai/v1 shape too", async () => {
    const gw = await startGateway()
    const fake = await fakeUpstream(ok())
    await gw.addProvider(fake, {
      models: ['embed'],
      fields: { kind: 'azure', base_url: `${fake.url}/openai/v1?api-version=preview` },
    })
    await gw.client.embeddings.create({ model: 'embed', input: 'x', encoding_format: 'float' })
    expect(fake.requests[0]?.url).toBe('/openai/v1/embeddings?api-version=preview')
  })

  it('sends an Anthropic key as x-api-key with anthropic-version 2023-06-01 unless the client sent one', async () => {
    const gw = await startGateway()
    const fake = await fakeUpstream(ok())
    const id = await gw.addProvider(fake, { apiKey: 'sk-ant-0123456789', fields: { kind: 'anthropic' } })
    // a Messages request is the other helper's endpoint; a probe reaches the provider as the gateway would
    const probe = await gw.admin('POST', `/api/providers/${id}/test`)
    expect(probe.status).toBe(200)
    const seen = fake.requests[0]
    expect(seen?.url).toBe('/v1/models')
    expect(seen?.headers['x-api-key']).toBe('sk-ant-0123456789')
    expect(seen?.headers['anthropic-version']).toBe('2023-06-01')
    expect(seen?.headers.authorization).toBeUndefined()
  })

  it('probes an Azure deployment where the resource lists its models, with api-key', async () => {
    const gw = await startGateway()
    const fake = await fakeUpstream(json(200, { data: [] }))
    const id = await gw.addProvider(fake, {
      apiKey: 'azure-key-0123456789',
      fields: { kind: 'azure', base_url: `${fake.url}/openai/deployments/d1?api-version=2024-10-21` },
    })
    const probe = await gw.admin('POST', `/api/providers/${id}/test`)
    expect(probe.body).toMatchObject({ status: 'online' })
    expect(fake.requests[0]?.url).toBe('/openai/models?api-version=2024-10-21')
    expect(fake.requests[0]?.headers['api-key']).toBe('azure-key-0123456789')
  })
})

describe('nodes take part only in requests whose endpoint their provider serves', () => {
  it('skips a node whose provider is narrowed to embeddings for a chat request', async () => {
    const gw = await startGateway()
    const embedOnly = await fakeUpstream(ok('wrong'))
    const general = await fakeUpstream(ok('right'))
    const a = await gw.addProvider(embedOnly, { fields: { endpoints: ['embeddings'] } })
    const b = await gw.addProvider(general)
    await gw.addRoute({ name: 'r', mode: 'auto', nodes: [{ api_id: a }, { api_id: b }] })
    const res = await rawPost(gw, '/chat/completions', { ...chat, model: 'r' })
    expect(res.status).toBe(200)
    expect(JSON.parse(res.text).choices[0].message.content).toBe('right')
    expect(res.headers.get('x-switchboard-provider')).toBe(String(b))
    expect(res.headers.get('x-switchboard-attempts')).toBe('1')
    expect(embedOnly.requests).toHaveLength(0)
  })

  it('answers 404 endpoint_not_served when no node of the route serves the endpoint', async () => {
    const gw = await startGateway()
    const fake = await fakeUpstream(ok())
    const id = await gw.addProvider(fake, { fields: { kind: 'anthropic' } })
    await gw.addRoute({ name: 'claude', mode: 'auto', nodes: [{ api_id: id }] })
    // embeddings have no translation (chat completions would be translated to Messages)
    const res = await rawPost(gw, '/embeddings', { model: 'claude', input: 'hi' })
    expect(res.status).toBe(404)
    expect(JSON.parse(res.text).error).toMatchObject({ code: 'endpoint_not_served' })
    expect(JSON.parse(res.text).error.message).toContain('/v1/embeddings')
    expect(fake.requests).toHaveLength(0)
  })

  it('tries the providers of a bare model that serve the endpoint natively first', async () => {
    const gw = await startGateway()
    const anthropic = await fakeUpstream(ok('wrong'))
    const openai = await fakeUpstream(ok('right'))
    await gw.addProvider(anthropic, { models: ['shared'], fields: { kind: 'anthropic' } })
    await gw.addProvider(openai, { models: ['shared'] })
    const answer = await gw.client.chat.completions.create({ ...chat, model: 'shared' })
    expect(answer.choices[0]?.message.content).toBe('right')
    expect(anthropic.requests).toHaveLength(0)
  })
})

describe('headers across the gateway', () => {
  it('forwards the allowed client headers and the request id, never credentials, cookies or the organization', async () => {
    const gw = await startGateway()
    const fake = await fakeUpstream(ok())
    await gw.addProvider(fake, { apiKey: 'sk-provider-0123456789' })
    const res = await rawPost(gw, '/chat/completions', chat, {
      'user-agent': 'my-agent/1.2',
      'openai-beta': 'assistants=v2',
      'anthropic-beta': 'tools-2024',
      'idempotency-key': 'idem-1',
      'x-api-key': 'sb-client-should-not-pass',
      'api-key': 'client-azure-should-not-pass',
      cookie: 'session=abc',
      'openai-organization': 'org-client',
      'openai-project': 'proj-client',
    })
    expect(res.status).toBe(200)
    const seen = fake.requests[0]?.headers ?? {}
    expect(seen).toMatchObject({
      'user-agent': 'my-agent/1.2',
      'openai-beta': 'assistants=v2',
      'anthropic-beta': 'tools-2024',
      'idempotency-key': 'idem-1',
      'x-request-id': res.headers.get('x-request-id'),
      authorization: 'Bearer sk-provider-0123456789',
    })
    for (const name of ['x-api-key', 'api-key', 'cookie', 'openai-organization', 'openai-project'])
      expect(seen[name], name).toBeUndefined()
    expect(JSON.stringify(seen)).not.toContain(ADMIN_TOKEN)
  })

  it("passes the client's anthropic-version on instead of the default", async () => {
    const gw = await startGateway()
    const fake = await fakeUpstream(ok())
    // chat is not Anthropic's: an openai provider shows the header travels as any allowed one does
    await gw.addProvider(fake)
    await rawPost(gw, '/chat/completions', chat, { 'anthropic-version': '2024-10-22' })
    expect(fake.requests[0]?.headers['anthropic-version']).toBe('2024-10-22')
  })

  it('passes back rate-limit headers and the upstream request id, never set-cookie or hop-by-hop headers', async () => {
    const gw = await startGateway()
    const upstreamHeaders = {
      'x-ratelimit-remaining-requests': '99',
      'x-ratelimit-reset-tokens': '6ms',
      'anthropic-ratelimit-requests-remaining': '7',
      'openai-processing-ms': '42',
      'retry-after-ms': '10',
      'x-request-id': 'req_upstream_1',
      'set-cookie': 'tracker=1',
      'keep-alive': 'timeout=5',
      'x-internal': 'secret-infra',
    }
    const fake = await fakeUpstream(
      json(200, { id: 'c', object: 'chat.completion', choices: [] }, upstreamHeaders),
    )
    await gw.addProvider(fake)
    const res = await rawPost(gw, '/chat/completions', chat)
    expect(res.status).toBe(200)
    expect(res.headers.get('x-ratelimit-remaining-requests')).toBe('99')
    expect(res.headers.get('x-ratelimit-reset-tokens')).toBe('6ms')
    expect(res.headers.get('anthropic-ratelimit-requests-remaining')).toBe('7')
    expect(res.headers.get('openai-processing-ms')).toBe('42')
    expect(res.headers.get('retry-after-ms')).toBe('10')
    expect(res.headers.get('x-upstream-request-id')).toBe('req_upstream_1')
    expect(res.headers.get('x-request-id')).not.toBe('req_upstream_1')
    expect(res.headers.get('set-cookie')).toBeNull()
    expect(res.headers.get('x-internal')).toBeNull()
    expect(res.headers.get('keep-alive')).not.toBe('timeout=5')
  })

  it("passes back a 429's rate-limit headers with its error", async () => {
    const gw = await startGateway({ BACKEND_GATEWAY_MAX_ATTEMPTS: '1' })
    const fake = await fakeUpstream(
      json(
        429,
        { error: { message: 'slow down', type: 'rate_limit_error', code: 'rate_limit_exceeded' } },
        { 'retry-after': '3', 'x-ratelimit-remaining-tokens': '0', 'request-id': 'req_ant_9' },
      ),
    )
    await gw.addProvider(fake)
    const res = await rawPost(gw, '/chat/completions', chat)
    expect(res.status).toBe(429)
    expect(res.headers.get('retry-after')).toBe('3')
    expect(res.headers.get('x-ratelimit-remaining-tokens')).toBe('0')
    expect(res.headers.get('x-upstream-request-id')).toBe('req_ant_9')
  })
})

describe('429 cooldowns are per model', () => {
  it("one model's 429 leaves another model of the same provider usable", async () => {
    const gw = await startGateway()
    const fake = await fakeUpstream(ok())
    await gw.addProvider(fake, { models: ['busy', 'calm'] })
    fake.setHandler((req, res, recorded) => {
      const model = (recorded.json as { model?: string }).model
      if (model === 'busy') return rateLimited('30')(req, res, recorded)
      return ok('calm answer')(req, res, recorded)
    })
    const busy = await rawPost(gw, '/chat/completions', { ...chat, model: 'busy' })
    expect(busy.status).toBe(429)
    const again = await rawPost(gw, '/chat/completions', { ...chat, model: 'busy' })
    expect(again.status).toBe(503)
    const calm = await rawPost(gw, '/chat/completions', { ...chat, model: 'calm' })
    expect(calm.status).toBe(200)
    expect(JSON.parse(calm.text).choices[0].message.content).toBe('calm answer')
    const embeddings = await rawPost(gw, '/embeddings', { model: 'calm', input: 'x' })
    expect(embeddings.status).toBe(200)
    expect(fake.requests.map((r) => (r.json as { model: string }).model)).toEqual(['busy', 'calm', 'calm'])
  })

  it('the admin select skips the cooling model only', async () => {
    const gw = await startGateway({ BACKEND_GATEWAY_MAX_ATTEMPTS: '1' })
    const busyFake = await fakeUpstream(rateLimited('30'))
    const other = await fakeUpstream(ok())
    const a = await gw.addProvider(busyFake, { models: ['busy', 'calm'] })
    const b = await gw.addProvider(other, { models: ['busy', 'calm'] })
    const route = await gw.addRoute({
      name: 'spec',
      mode: 'specific',
      nodes: [
        { api_id: a, priority: 0 },
        { api_id: b, priority: 1 },
      ],
    })
    expect((await rawPost(gw, '/chat/completions', { ...chat, model: 'busy' })).status).toBe(429)
    const busy = await gw.admin('POST', `/api/model-routes/${route}/select`, { model: 'busy' })
    expect(busy.body).toMatchObject({ provider_id: b, model: 'busy' })
    const calm = await gw.admin('POST', `/api/model-routes/${route}/select`, { model: 'calm' })
    expect(calm.body).toMatchObject({ provider_id: a, model: 'calm' })
  })
})
