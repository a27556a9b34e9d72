/**
 * Retries on the same node (issue 16 item 1) through /v1: a route's `retries` and `max_retry_wait`,
 * a node's metadata overriding them, Retry-After and retry-after-ms honoured when they fit.
 */
import { describe, expect, it } from 'vitest'
import {
  type Gateway,
  ok,
  rateLimited,
  rawPost,
  serverError,
  sse,
  startGateway,
  streamedText,
} from '../../../test/fake-openai.js'
import { type FakeUpstream, fakeUpstream, type Handler, json } from '../../../test/fake-upstream.js'

/** Fails the first `n` requests with `failure`, then answers with `then`. */
function failingFirst(n: number, failure: Handler, then: Handler): Handler {
  let seen = 0
  return (req, res, recorded) => {
    seen += 1
    return seen <= n ? failure(req, res, recorded) : then(req, res, recorded)
  }
}

async function routeOf(
  gw: Gateway,
  first: Handler,
  config: Record<string, unknown>,
  firstMetadata: Record<string, unknown> = {},
): Promise<{ a: FakeUpstream; b: FakeUpstream; aId: number; bId: number }> {
  const a = await fakeUpstream(first)
  const b = await fakeUpstream(ok('from b'))
  const aId = await gw.addProvider(a)
  const bId = await gw.addProvider(b)
  await gw.addRoute({
    name: 'r',
    mode: 'auto',
    config: { strategy: 'failover', ...config },
    nodes: [{ api_id: aId, metadata: firstMetadata }, { api_id: bId }],
  })
  return { a, b, aId, bId }
}

const ask = (gw: Gateway, stream = false) =>
  rawPost(gw, '/chat/completions', { model: 'r', stream, messages: [{ role: 'user', content: 'hi' }] })

describe('retries on the same node', () => {
  it('retries a 500 on the same node and answers from it, counting both attempts', async () => {
    const gw = await startGateway()
    const { a, b, aId } = await routeOf(gw, failingFirst(1, serverError, ok('from a')), { retries: 1 })
    const res = await ask(gw)
    expect(res.status).toBe(200)
    expect(JSON.parse(res.text).choices[0].message.content).toBe('from a')
    expect(res.headers.get('x-switchboard-provider')).toBe(String(aId))
    expect(res.headers.get('x-switchboard-attempts')).toBe('2')
    expect(a.requests).toHaveLength(2)
    expect(b.requests).toHaveLength(0)
  })

  it('retries a stream whose node answered 500 once', async () => {
    const gw = await startGateway()
    const { a, aId } = await routeOf(gw, failingFirst(1, serverError, sse({ chunks: 2 })), { retries: 1 })
    const res = await ask(gw, true)
    expect(res.headers.get('x-switchboard-provider')).toBe(String(aId))
    expect(res.headers.get('x-switchboard-attempts')).toBe('2')
    const text = res.text
      .split('\n')
      .filter((l) => l.startsWith('data: {'))
      .map((l) => JSON.parse(l.slice(6)).choices?.[0]?.delta?.content ?? '')
      .join('')
    expect(text).toBe(streamedText(2))
    expect(a.requests).toHaveLength(2)
  })

  it('waits out a 429 retry-after-ms that fits the budget, then retries the same node', async () => {
    const gw = await startGateway()
    const limited = json(
      429,
      { error: { message: 'slow down', code: 'rate_limit_exceeded' } },
      {
        'retry-after-ms': '300',
      },
    )
    const { a, b, aId } = await routeOf(gw, failingFirst(1, limited, ok('from a')), { retries: 2 })
    const startedAt = performance.now()
    const res = await ask(gw)
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(290)
    expect(res.headers.get('x-switchboard-provider')).toBe(String(aId))
    expect(res.headers.get('x-switchboard-attempts')).toBe('2')
    expect(a.requests).toHaveLength(2)
    expect(b.requests).toHaveLength(0)
  })

  it('honours Retry-After in seconds on a 503', async () => {
    const gw = await startGateway()
    const unavailable = json(503, { error: { message: 'busy' } }, { 'retry-after': '1' })
    const { a, aId } = await routeOf(gw, failingFirst(1, unavailable, ok('from a')), { retries: 1 })
    const startedAt = performance.now()
    const res = await ask(gw)
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(990)
    expect(res.headers.get('x-switchboard-provider')).toBe(String(aId))
    expect(a.requests).toHaveLength(2)
  })

  it('moves to the next node at once when the Retry-After is longer than max_retry_wait', async () => {
    const gw = await startGateway()
    const { a, b, bId } = await routeOf(gw, rateLimited('30'), { retries: 3, max_retry_wait: 5 })
    const startedAt = performance.now()
    const res = await ask(gw)
    expect(performance.now() - startedAt).toBeLessThan(5000)
    expect(res.headers.get('x-switchboard-provider')).toBe(String(bId))
    expect(res.headers.get('x-switchboard-attempts')).toBe('2')
    expect(a.requests).toHaveLength(1)
    expect(b.requests).toHaveLength(1)
  })

  it("lets a node's metadata turn the route's retries off", async () => {
    const gw = await startGateway()
    const { a, bId } = await routeOf(gw, serverError, { retries: 2 }, { retries: 0 })
    const res = await ask(gw)
    expect(res.headers.get('x-switchboard-provider')).toBe(String(bId))
    expect(a.requests).toHaveLength(1)
  })

  it('counts retries toward BACKEND_GATEWAY_MAX_ATTEMPTS', async () => {
    const gw = await startGateway({ BACKEND_GATEWAY_MAX_ATTEMPTS: '3' })
    const { a, b } = await routeOf(gw, serverError, { retries: 5 })
    const res = await ask(gw)
    expect(res.status).toBe(500)
    expect(res.headers.get('x-switchboard-attempts')).toBe('3')
    expect(a.requests).toHaveLength(3)
    expect(b.requests).toHaveLength(0)
  })

  it('does not retry without retries configured (the default)', async () => {
    const gw = await startGateway()
    const { a, bId } = await routeOf(gw, failingFirst(1, serverError, ok('from a')), {})
    const res = await ask(gw)
    expect(res.headers.get('x-switchboard-provider')).toBe(String(bId))
    expect(a.requests).toHaveLength(1)
  })

  it('refuses bad retry settings with a 422 naming the field', async () => {
    const gw = await startGateway()
    const p = await fakeUpstream(ok())
    const id = await gw.addProvider(p)
    const bad = await gw.admin('POST', '/api/model-routes', {
      name: 'bad',
      mode: 'auto',
      config: { retries: -1, max_retry_wait: 'long' },
      nodes: [{ api_id: id, metadata: { retries: 99 } }],
    })
    expect(bad.status).toBe(422)
    const fields = (bad.body as { errors: { field: string }[] }).errors.map((e) => e.field)
    expect(fields).toEqual(['config.retries', 'config.max_retry_wait', 'nodes[0].metadata.retries'])
  })
})
