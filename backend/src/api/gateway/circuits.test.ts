/**
 * The circuit breaker through /v1 (issue 16 item 4): a failing primary stops receiving traffic
 * once its circuit opens, gets one trial per cool-off while it flaps, closes after a good trial, and
 * the manual override always wins. Passive health is kept out of the way (a high threshold).
 */
import { describe, expect, it } from 'vitest'
import { type Gateway, ok, rawPost, serverError, startGateway } from '../../../test/fake-openai.js'
import { type FakeUpstream, fakeUpstream, type Handler, waitFor } from '../../../test/fake-upstream.js'

const CIRCUIT = {
  BACKEND_HEALTH_CHECK_FAILURE_THRESHOLD: '1000',
  BACKEND_CIRCUIT_FAILURES: '2',
  BACKEND_CIRCUIT_COOL_OFF_SECONDS: '0.4',
  BACKEND_CIRCUIT_SUCCESSES: '1',
  BACKEND_CIRCUIT_SLOW_START_SECONDS: '0',
}

function switchable(handler: Handler) {
  let current = handler
  const fn: Handler = (req, res, recorded) => current(req, res, recorded)
  return { fn, set: (next: Handler) => (current = next) }
}

async function primaryAndBackup(gw: Gateway, primary: Handler) {
  const a = await fakeUpstream(primary)
  const b = await fakeUpstream(ok('from b'))
  const aId = await gw.addProvider(a)
  const bId = await gw.addProvider(b)
  const routeId = await gw.addRoute({
    name: 'r',
    mode: 'auto',
    config: { strategy: 'failover' },
    nodes: [{ api_id: aId }, { api_id: bId }],
  })
  return { a, b, aId, bId, routeId }
}

const ask = (gw: Gateway) =>
  rawPost(gw, '/chat/completions', { model: 'r', messages: [{ role: 'user', content: 'hi' }] })

async function openCircuit(gw: Gateway, a: FakeUpstream) {
  await ask(gw)
  await ask(gw)
  expect(a.requests).toHaveLength(2)
}

describe('circuit breaker through /v1', () => {
  it('sends nothing to a provider whose circuit opened, and says so in the select explanation', async () => {
    const gw = await startGateway(CIRCUIT)
    const { a, aId, bId, routeId } = await primaryAndBackup(gw, serverError)
    await openCircuit(gw, a)
    const res = await ask(gw)
    expect(res.headers.get('x-switchboard-provider')).toBe(String(bId))
    expect(res.headers.get('x-switchboard-attempts')).toBe('1')
    expect(a.requests).toHaveLength(2)
    const explained = await gw.admin('POST', `/api/model-routes/${routeId}/select?dry_run=true`, {})
    expect(explained.body).toMatchObject({ skipped: [{ provider_id: aId, reason: 'circuit_open' }] })
  })

  it('gives a flapping primary one trial per cool-off, then closes after a good trial', async () => {
    const gw = await startGateway(CIRCUIT)
    const primary = switchable(serverError)
    const { a, aId } = await primaryAndBackup(gw, primary.fn)
    await openCircuit(gw, a)
    // many requests during the outage: the primary sees one trial per cool-off at most
    const startedAt = performance.now()
    await waitFor(
      async () => {
        await ask(gw)
        return a.requests.length >= 4
      },
      5000,
      'two half-open trials',
    )
    const elapsed = performance.now() - startedAt
    expect(a.requests.length - 2).toBeLessThanOrEqual(Math.floor(elapsed / 400) + 1)
    primary.set(ok('from a'))
    await waitFor(
      async () => (await ask(gw)).headers.get('x-switchboard-provider') === String(aId),
      5000,
      'a good trial closing the circuit',
    )
    const after = await ask(gw)
    expect(after.headers.get('x-switchboard-provider')).toBe(String(aId))
  })

  it('answers 503 with a Retry-After of the cool-off when every node is held out', async () => {
    const gw = await startGateway({ ...CIRCUIT, BACKEND_CIRCUIT_COOL_OFF_SECONDS: '20' })
    const a = await fakeUpstream(serverError)
    const aId = await gw.addProvider(a)
    await gw.addRoute({ name: 'r', mode: 'auto', config: {}, nodes: [{ api_id: aId }] })
    await ask(gw)
    await ask(gw)
    const res = await ask(gw)
    expect(res.status).toBe(503)
    const seconds = Number(res.headers.get('retry-after'))
    expect(seconds).toBeGreaterThan(15)
    expect(seconds).toBeLessThanOrEqual(20)
    expect(a.requests).toHaveLength(2)
  })

  it('a provider held healthy by the override gets traffic whatever its circuit says', async () => {
    const gw = await startGateway(CIRCUIT)
    const { a, aId } = await primaryAndBackup(gw, serverError)
    await openCircuit(gw, a)
    const held = await gw.admin('PATCH', `/api/providers/${aId}/health`, { is_healthy: true })
    expect(held.status).toBe(200)
    await ask(gw)
    expect(a.requests).toHaveLength(3)
  })
})
