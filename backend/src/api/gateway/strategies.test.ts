/**
 * Route strategies through /v1 (issue 17): real fake upstreams of different speeds behind one
 * route, the official SDK as the client. What is asserted is where requests went, never how long
 * they took.
 */
import { describe, expect, it } from 'vitest'
import { type Gateway, ok, startGateway } from '../../../test/fake-openai.js'
import { type FakeUpstream, fakeUpstream, type Handler, waitFor } from '../../../test/fake-upstream.js'

/** Answers after `ms`: a slow provider. */
const slow =
  (ms: number, content: string): Handler =>
  (req, res, recorded) => {
    setTimeout(() => ok(content)(req, res, recorded), ms)
  }

/** Holds every answer until `release()`: a provider with a request in flight. */
function gated(content: string) {
  let release!: () => void
  const opened = new Promise<void>((resolve) => {
    release = resolve
  })
  const handler: Handler = (req, res, recorded) => {
    void opened.then(() => ok(content)(req, res, recorded))
  }
  return { handler, release }
}

async function routeOver(gw: Gateway, config: Record<string, unknown>, nodes: Record<string, unknown>[]) {
  await gw.addRoute({ name: 'r', mode: 'auto', config, nodes })
}

async function ask(gw: Gateway) {
  const { data, response } = await gw.client.chat.completions
    .create({ model: 'r', messages: [{ role: 'user', content: 'hi' }] })
    .withResponse()
  return { text: data.choices[0]?.message.content, provider: response.headers.get('x-switchboard-provider') }
}

async function twoFakes(gw: Gateway, first: Handler, second: Handler) {
  const a = await fakeUpstream(first)
  const b = await fakeUpstream(second)
  return { a, b, aId: await gw.addProvider(a), bId: await gw.addProvider(b) }
}

describe('route strategies through /v1', () => {
  it('latency: explores the unknown node once, then sends the traffic to the faster one', async () => {
    const gw = await startGateway()
    const { a, b, aId, bId } = await twoFakes(gw, slow(400, 'slow'), ok('fast'))
    await routeOver(gw, { strategy: 'latency' }, [{ api_id: aId }, { api_id: bId }])
    for (let i = 0; i < 10; i++) await ask(gw)
    // both unknown at first: the tie goes to node order (the slow one), its sample makes it dear
    expect(a.requests.length).toBeGreaterThanOrEqual(1)
    expect(b.requests.length).toBeGreaterThan(a.requests.length)
  })

  it('least-busy: a node holding a request in flight gets none of the next ones', async () => {
    const gw = await startGateway()
    const gate = gated('held')
    const { a, b, aId, bId } = await twoFakes(gw, gate.handler, ok('free'))
    await routeOver(gw, { strategy: 'least-busy' }, [{ api_id: aId }, { api_id: bId }])
    const held = ask(gw)
    await waitFor(() => a.requests.length === 1, 5000, 'the first request at the first node')
    const second = await ask(gw)
    const third = await ask(gw)
    expect([second.text, third.text]).toEqual(['free', 'free'])
    expect(b.requests).toHaveLength(2)
    gate.release()
    expect((await held).text).toBe('held')
  })

  it('weighted: 3 to 1 weights split eight requests six to two; weight 0 gets nothing', async () => {
    const gw = await startGateway()
    const fakes: FakeUpstream[] = []
    const ids: number[] = []
    for (const content of ['heavy', 'light', 'drained']) {
      const fake = await fakeUpstream(ok(content))
      fakes.push(fake)
      ids.push(await gw.addProvider(fake))
    }
    await routeOver(gw, { strategy: 'weighted' }, [
      { api_id: ids[0], weight: 3 },
      { api_id: ids[1], weight: 1 },
      { api_id: ids[2], weight: 0 },
    ])
    for (let i = 0; i < 8; i++) await ask(gw)
    expect(fakes.map((f) => f.requests.length)).toEqual([6, 2, 0])
  })
})
