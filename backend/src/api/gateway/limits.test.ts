/**
 * Client-key policies through /v1 (issue 15 item 5), against fake upstreams on 127.0.0.1, with a
 * driven clock: each limit, its headers, the OpenAI and Anthropic error shapes, budget reservations
 * under concurrent requests, streams and /v1/responses counted.
 */
import type { ServerResponse } from 'node:http'
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { messages } from '../../../test/fake-anthropic.js'
import { completionBody, type Gateway, ok, rawPost, startGateway } from '../../../test/fake-openai.js'
import { responses } from '../../../test/fake-responses.js'
import { fakeUpstream, type Handler, heldUpstream, json, waitFor } from '../../../test/fake-upstream.js'

const T0 = Date.parse('2026-12-03T10:00:05Z')

async function gateway() {
  const clock = { now: T0 }
  const gw = await startGateway({}, { now: () => clock.now })
  return { gw, clock }
}

async function keyWith(gw: Gateway, policy: Record<string, unknown>) {
  const created = await gw.admin('POST', '/api/keys', { name: 'limited' })
  expect(created.status).toBe(201)
  const { id, key } = created.body as { id: number; key: string }
  const patched = await gw.admin('PATCH', `/api/keys/${id}`, policy)
  expect(patched.status, JSON.stringify(patched.body)).toBe(200)
  return { id, key }
}

const chat = (gw: Gateway, key: string, extra: Record<string, unknown> = {}) =>
  rawPost(
    gw,
    '/chat/completions',
    { model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }], max_tokens: 10, ...extra },
    { authorization: `Bearer ${key}` },
  )

async function usageOf(gw: Gateway, id: number) {
  const list = await gw.admin('GET', '/api/keys')
  const key = (list.body as { id: number; usage: Record<string, number> }[]).find((k) => k.id === id)
  return key?.usage
}

describe('client-key limits on /v1', () => {
  it('refuses the request past requests_per_minute with 429, Retry-After and x-ratelimit headers, and lets it through the next minute', async () => {
    const { gw, clock } = await gateway()
    await gw.addProvider(await fakeUpstream(ok()))
    const { key } = await keyWith(gw, { requests_per_minute: 3 })
    const remaining: string[] = []
    for (let i = 0; i < 3; i++) {
      const res = await chat(gw, key)
      expect(res.status).toBe(200)
      expect(res.headers.get('x-ratelimit-limit-requests')).toBe('3')
      expect(res.headers.get('x-ratelimit-reset-requests')).toBe('55s')
      remaining.push(String(res.headers.get('x-ratelimit-remaining-requests')))
    }
    expect(remaining).toEqual(['2', '1', '0'])
    const refused = await chat(gw, key)
    expect(refused.status).toBe(429)
    expect(refused.headers.get('retry-after')).toBe('55')
    expect(refused.headers.get('x-ratelimit-remaining-requests')).toBe('0')
    expect(JSON.parse(refused.text)).toEqual({
      error: {
        type: 'rate_limit_error',
        code: 'rate_limit_exceeded',
        message: expect.stringContaining('3 requests per minute'),
      },
    })
    clock.now = T0 + 60_000
    expect((await chat(gw, key)).status).toBe(200)
  })

  it('answers in Anthropic shape on /v1/messages (rate limit, model not allowed, disabled key)', async () => {
    const { gw } = await gateway()
    await gw.addProvider(await fakeUpstream(messages()), {
      models: ['claude-test'],
      fields: { kind: 'anthropic' },
    })
    const { id, key } = await keyWith(gw, { requests_per_minute: 1, allowed_models: ['claude-*'] })
    const send = (model: string) =>
      rawPost(
        gw,
        '/messages',
        { model, max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] },
        {
          authorization: '',
          'x-api-key': key,
        },
      )
    expect((await send('claude-test')).status).toBe(200)
    const limited = await send('claude-test')
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBeTruthy()
    expect(JSON.parse(limited.text)).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } })
    const forbidden = await send('other-test')
    expect(forbidden.status, forbidden.text).toBe(403)
    expect(JSON.parse(forbidden.text)).toMatchObject({ type: 'error', error: { type: 'permission_error' } })
    await gw.admin('PATCH', `/api/keys/${id}`, { disabled: true })
    const disabled = await send('claude-test')
    expect(disabled.status).toBe(401)
    expect(JSON.parse(disabled.text)).toEqual({
      type: 'error',
      error: { type: 'authentication_error', message: 'this client key is disabled' },
    })
  })

  it('refuses a model the key may not use with 403 in OpenAI shape, before any upstream call', async () => {
    const { gw } = await gateway()
    const fake = await fakeUpstream(ok())
    await gw.addProvider(fake, { models: ['gpt-test', 'gpt-other'] })
    const { key } = await keyWith(gw, { allowed_models: ['gpt-test'] })
    expect((await chat(gw, key)).status).toBe(200)
    const res = await chat(gw, key, { model: 'gpt-other' })
    expect(res.status).toBe(403)
    expect(JSON.parse(res.text)).toEqual({
      error: {
        type: 'permission_error',
        code: 'model_not_allowed',
        message: expect.stringContaining('gpt-other'),
      },
    })
    expect(fake.requests).toHaveLength(1)
  })

  it('refuses an expired key with 401 key_expired once its time has come', async () => {
    const { gw, clock } = await gateway()
    await gw.addProvider(await fakeUpstream(ok()))
    const { key } = await keyWith(gw, { expires_at: new Date(T0 + 1000).toISOString() })
    expect((await chat(gw, key)).status).toBe(200)
    clock.now = T0 + 1000
    const res = await chat(gw, key)
    expect(res.status).toBe(401)
    expect(JSON.parse(res.text).error).toMatchObject({ code: 'key_expired', type: 'authentication_error' })
  })

  it('reserves max_tokens against tokens_per_minute and settles with the real usage', async () => {
    const { gw } = await gateway()
    await gw.addProvider(await fakeUpstream(ok()))
    const { id, key } = await keyWith(gw, { tokens_per_minute: 100 })
    const tooBig = await chat(gw, key, { max_tokens: 500 })
    expect(tooBig.status).toBe(429)
    expect(JSON.parse(tooBig.text).error.message).toContain('more than')
    const res = await chat(gw, key, { max_tokens: 50 })
    expect(res.status).toBe(200)
    expect(res.headers.get('x-ratelimit-limit-tokens')).toBe('100')
    // the fake reports 3 + 2 tokens: the rest of the reservation is back
    expect(await usageOf(gw, id)).toMatchObject({
      tokens_this_minute: 5,
      requests_this_minute: 0,
      in_flight: 0,
    })
    for (let i = 0; i < 5; i++) expect((await chat(gw, key, { max_tokens: 50 })).status).toBe(200)
    expect((await usageOf(gw, id))?.tokens_this_minute).toBe(30)
  })

  it('counts /v1/responses and streams: a stream settles with the usage of its last chunk', async () => {
    const { gw } = await gateway()
    const streamWithUsage: Handler = (_req, res: ServerResponse) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      const data = (o: unknown) => res.write(`data: ${JSON.stringify(o)}\n\n`)
      data({
        id: 'c',
        object: 'chat.completion.chunk',
        model: 'gpt-test',
        choices: [{ index: 0, delta: { content: 'hi' } }],
      })
      data({
        id: 'c',
        object: 'chat.completion.chunk',
        model: 'gpt-test',
        choices: [],
        usage: { prompt_tokens: 11, completion_tokens: 9 },
      })
      res.end('data: [DONE]\n\n')
    }
    const fake = await fakeUpstream((req, res, recorded) =>
      req.url?.endsWith('/responses') ? responses()(req, res, recorded) : streamWithUsage(req, res, recorded),
    )
    await gw.addProvider(fake)
    const { id, key } = await keyWith(gw, { requests_per_minute: 3, tokens_per_minute: 10_000 })
    const streamed = await chat(gw, key, { stream: true })
    expect(streamed.status).toBe(200)
    expect(streamed.text).not.toContain('prompt_tokens')
    expect((await usageOf(gw, id))?.tokens_this_minute).toBe(20)
    const viaResponses = await rawPost(
      gw,
      '/responses',
      { model: 'gpt-test', input: 'hi', max_output_tokens: 20 },
      { authorization: `Bearer ${key}` },
    )
    expect(viaResponses.status).toBe(200)
    expect((await usageOf(gw, id))?.requests_this_minute).toBeGreaterThanOrEqual(2)
    expect((await chat(gw, key)).status).toBe(200)
    expect((await chat(gw, key)).status).toBe(429)
  })

  it('holds max_concurrent requests in flight and refuses the next one with 429', async () => {
    const { gw } = await gateway()
    const gate = heldUpstream(ok())
    await gw.addProvider(await fakeUpstream(gate.handler))
    const { id, key } = await keyWith(gw, { max_concurrent: 2 })
    const first = [chat(gw, key), chat(gw, key)]
    await waitFor(() => gate.waiting.length === 2, 5000, 'two requests upstream')
    expect((await usageOf(gw, id))?.in_flight).toBe(2)
    const third = await chat(gw, key)
    expect(third.status).toBe(429)
    expect(JSON.parse(third.text).error.message).toContain('max_concurrent 2')
    gate.open()
    expect((await Promise.all(first)).map((r) => r.status)).toEqual([200, 200])
    expect((await chat(gw, key)).status).toBe(200)
  })

  it('reserves the worst-case cost of concurrent requests so they cannot overspend the budget, then settles to the real cost', async () => {
    const { gw } = await gateway()
    const gate = heldUpstream(json(200, completionBody('gpt-test')))
    const providerId = await gw.addProvider(await fakeUpstream(gate.handler))
    // 1 per output token, input free: a request with max_tokens 4 may cost 4; it really costs 2
    const price = await gw.admin('PUT', '/api/prices', {
      provider_id: providerId,
      model: 'gpt-test',
      input_per_million: 0,
      output_per_million: 1_000_000,
    })
    expect(price.status, JSON.stringify(price.body)).toBeLessThan(300)
    const { id, key } = await keyWith(gw, { budget: 10, budget_period: 'day' })
    let answered = 0
    const calls = Array.from({ length: 6 }, () =>
      chat(gw, key, { max_tokens: 4 }).finally(() => {
        answered += 1
      }),
    )
    // the four others are refused while two are in flight: 2 × 4 reserved, a third would pass 10
    await waitFor(() => gate.waiting.length === 2 && answered === 4, 5000, 'two upstream, four refused')
    gate.open()
    const answers = await Promise.all(calls)
    const statuses = answers.map((r) => r.status).sort()
    expect(statuses).toEqual([200, 200, 429, 429, 429, 429])
    const refused = answers.find((r) => r.status === 429)!
    expect(JSON.parse(refused.text).error).toMatchObject({
      code: 'insufficient_quota',
      type: 'insufficient_quota',
    })
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    expect((await usageOf(gw, id))?.spend_this_period).toBeCloseTo(4)
    // 6 left: one more reservation of 4 fits, a second does not until the first settles at 2
    expect((await chat(gw, key, { max_tokens: 4 })).status).toBe(200)
    expect((await usageOf(gw, id))?.spend_this_period).toBeCloseTo(6)
  })

  it('when the quota table cannot be read, serves what is leased and then answers 503 quota_unavailable, never unlimited', async () => {
    const { gw } = await gateway()
    await gw.addProvider(await fakeUpstream(ok()))
    // 100 a minute: a lease is 10 requests (BACKEND_QUOTA_LEASE_PERCENT 10)
    const { key } = await keyWith(gw, { requests_per_minute: 100 })
    expect((await chat(gw, key)).status).toBe(200)
    await sql`DROP TABLE key_quota`.execute(gw.app.core.db.kysely)
    for (let i = 0; i < 9; i++) expect((await chat(gw, key)).status).toBe(200)
    const refused = await chat(gw, key)
    expect(refused.status).toBe(503)
    expect(refused.headers.get('retry-after')).toBe('1')
    expect(JSON.parse(refused.text).error).toMatchObject({ code: 'quota_unavailable', type: 'api_error' })
    // a key without limits does not need the table
    const { key: free } = await keyWith(gw, {})
    expect((await chat(gw, free)).status).toBe(200)
  })

  it('counts rejections by reason in /metrics', async () => {
    const { gw } = await gateway()
    await gw.addProvider(await fakeUpstream(ok()))
    const { key } = await keyWith(gw, { requests_per_minute: 1 })
    await chat(gw, key)
    await chat(gw, key)
    const metrics = await gw.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: 'Bearer admin-token-gateway-test' },
    })
    expect(metrics.body).toContain('switchboard_limit_rejections_total{reason="requests"} 1')
  })
})
