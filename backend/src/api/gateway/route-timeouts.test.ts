/**
 * Timeouts per route and node (issue 16 item 3) through /v1: a route's headers, first-token and
 * idle timeouts over the globals, a node's over its route's, and the adaptive first-token timeout.
 * The globals are long (5 s): a test that finishes well under them shows the route's applied.
 */
import { describe, expect, it } from 'vitest'
import { type Gateway, rawPost, sse, stallBeforeFirstToken, startGateway } from '../../../test/fake-openai.js'
import { fakeUpstream, type Handler, hang } from '../../../test/fake-upstream.js'

const SLOW_GLOBALS = {
  BACKEND_GATEWAY_TIMEOUT_SECONDS: '5',
  BACKEND_GATEWAY_FIRST_TOKEN_TIMEOUT_SECONDS: '5',
  BACKEND_GATEWAY_STREAM_IDLE_TIMEOUT_SECONDS: '5',
  BACKEND_GATEWAY_ADAPTIVE_FIRST_TOKEN_FLOOR_SECONDS: '0.2',
}

/** Sends its stream after `ms`: a node slow to its first token. */
const late =
  (ms: number): Handler =>
  (req, res, recorded) => {
    setTimeout(() => sse({ chunks: 1 })(req, res, recorded), ms)
  }

/** Answers as `handler` does; `set` swaps it (a node that starts to stall). */
function switchable(handler: Handler) {
  let current = handler
  const fn: Handler = (req, res, recorded) => current(req, res, recorded)
  return { fn, set: (next: Handler) => (current = next) }
}

async function route(
  gw: Gateway,
  first: Handler,
  config: Record<string, unknown>,
  firstMetadata: Record<string, unknown> = {},
) {
  const a = await fakeUpstream(first)
  const b = await fakeUpstream(sse({ chunks: 1 }))
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

async function timed(gw: Gateway, stream = true) {
  const startedAt = performance.now()
  const res = await rawPost(gw, '/chat/completions', {
    model: 'r',
    stream,
    messages: [{ role: 'user', content: 'hi' }],
  })
  return { ...res, ms: performance.now() - startedAt, provider: res.headers.get('x-switchboard-provider') }
}

describe('timeouts per route and node', () => {
  it("fails over at the route's headers_timeout, not the global one", async () => {
    const gw = await startGateway(SLOW_GLOBALS)
    const { bId } = await route(gw, hang, { headers_timeout: 0.3 })
    const res = await timed(gw, false)
    expect(res.provider).toBe(String(bId))
    expect(res.ms).toBeLessThan(3000)
  })

  it("fails over at the route's first_token_timeout", async () => {
    const gw = await startGateway(SLOW_GLOBALS)
    const { bId } = await route(gw, stallBeforeFirstToken, { first_token_timeout: 0.3 })
    const res = await timed(gw)
    expect(res.provider).toBe(String(bId))
    expect(res.ms).toBeLessThan(3000)
  })

  it("lets a node's metadata give it longer than its route", async () => {
    const gw = await startGateway(SLOW_GLOBALS)
    const { aId } = await route(gw, late(800), { first_token_timeout: 0.3 }, { first_token_timeout: 4 })
    const res = await timed(gw)
    expect(res.provider).toBe(String(aId))
  })

  it("ends a stream that goes silent at the route's idle_timeout", async () => {
    const gw = await startGateway(SLOW_GLOBALS)
    // not continued (continuation.test.ts): the error event is what this test looks for
    await route(gw, sse({ chunks: 2, ending: 'stall' }), { idle_timeout: 0.3, stream_recovery: 'error' })
    const res = await timed(gw)
    expect(res.text).toContain('upstream_idle_timeout')
    expect(res.ms).toBeLessThan(3000)
  })

  it('adaptive: a node learnt to be fast fails over soon after the floor when it stalls', async () => {
    const gw = await startGateway(SLOW_GLOBALS)
    const node = switchable(sse({ chunks: 1 }))
    const { aId, bId } = await route(gw, node.fn, { first_token_timeout: 'adaptive' })
    for (let i = 0; i < 10; i++) expect((await timed(gw)).provider).toBe(String(aId))
    node.set(stallBeforeFirstToken)
    const res = await timed(gw)
    expect(res.provider).toBe(String(bId))
    // the floor (0.2 s) and a tick, not the 5 s maximum
    expect(res.ms).toBeLessThan(2500)
  })

  it('adaptive: before anything was learnt the node gets the configured maximum', async () => {
    const gw = await startGateway(SLOW_GLOBALS)
    const { aId } = await route(gw, late(600), {
      first_token_timeout: 'adaptive',
      first_token_timeout_max: 4,
    })
    const res = await timed(gw)
    expect(res.provider).toBe(String(aId))
  })

  it('refuses a first_token_timeout that is neither seconds nor adaptive', async () => {
    const gw = await startGateway()
    const p = await fakeUpstream(sse())
    const id = await gw.addProvider(p)
    const bad = await gw.admin('POST', '/api/model-routes', {
      name: 'bad',
      mode: 'auto',
      config: { first_token_timeout: 'fast', idle_timeout: 0 },
      nodes: [{ api_id: id, metadata: { headers_timeout: 'x' } }],
    })
    expect(bad.status).toBe(422)
    const fields = (bad.body as { errors: { field: string }[] }).errors.map((e) => e.field)
    expect(fields).toEqual([
      'config.first_token_timeout',
      'config.idle_timeout',
      'nodes[0].metadata.headers_timeout',
    ])
  })
})
