/**
 * The health timeline (issue 16 item 5): GET /api/providers/{id}/events lists every change of a
 * provider's state with its reason — circuit, cooldown, override (with the credential), probe,
 * health flag — and /metrics shows the circuit state and the cooldowns left.
 */
import { describe, expect, it } from 'vitest'
import {
  type Gateway,
  ok,
  rateLimited,
  rawPost,
  serverError,
  startGateway,
} from '../../../test/fake-openai.js'
import { fakeUpstream, json, waitFor } from '../../../test/fake-upstream.js'

interface Event {
  kind: string
  state: string
  reason: string
  model: string | null
  until: string | null
  actor: string | null
}

async function events(gw: Gateway, id: number, query = ''): Promise<Event[]> {
  const res = await gw.admin('GET', `/api/providers/${id}/events${query}`)
  expect(res.status).toBe(200)
  return (res.body as { events: Event[] }).events
}

async function metricsText(gw: Gateway): Promise<string> {
  const res = await gw.app.inject({
    method: 'GET',
    url: '/metrics',
    headers: { authorization: 'Bearer admin-token-gateway-test' },
  })
  return res.body
}

const ask = (gw: Gateway) =>
  rawPost(gw, '/chat/completions', { model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] })

describe('health timeline', () => {
  it('records a circuit opening with its reason, and /metrics shows it open', async () => {
    const gw = await startGateway({
      BACKEND_HEALTH_CHECK_FAILURE_THRESHOLD: '1000',
      BACKEND_CIRCUIT_FAILURES: '2',
      BACKEND_GATEWAY_MAX_ATTEMPTS: '1',
    })
    const bad = await fakeUpstream(serverError)
    const id = await gw.addProvider(bad)
    await ask(gw)
    await ask(gw)
    await waitFor(async () => (await events(gw, id)).length > 0, 5000, 'a circuit event')
    expect((await events(gw, id))[0]).toMatchObject({
      kind: 'circuit',
      state: 'open',
      reason: '2 consecutive failures',
    })
    const text = await metricsText(gw)
    expect(text).toMatch(
      new RegExp(`switchboard_provider_state\\{provider_id="${id}",[^}]*state="open"\\} 1`),
    )
    expect(text).toMatch(
      new RegExp(`switchboard_provider_state\\{provider_id="${id}",[^}]*state="closed"\\} 0`),
    )
  })

  it('records a 429 cooldown with its model and end, and /metrics counts it down', async () => {
    const gw = await startGateway()
    const limited = await fakeUpstream(rateLimited('30'))
    const id = await gw.addProvider(limited)
    const before = Date.now()
    await ask(gw)
    await waitFor(async () => (await events(gw, id)).length > 0, 5000, 'a cooldown event')
    const [event] = await events(gw, id)
    expect(event).toMatchObject({ kind: 'cooldown', state: 'cooling', model: 'gpt-test' })
    const until = Date.parse(event?.until ?? '')
    expect(until).toBeGreaterThanOrEqual(before + 29_000)
    expect(until).toBeLessThanOrEqual(Date.now() + 30_000)
    const line = (await metricsText(gw))
      .split('\n')
      .find(
        (l) => l.startsWith('switchboard_cooldown_seconds_remaining{') && l.includes(`provider_id="${id}"`),
      )
    expect(line).toContain('model="gpt-test"')
    const seconds = Number(line?.split(' ').at(-1))
    expect(seconds).toBeGreaterThan(25)
    expect(seconds).toBeLessThanOrEqual(30)
  })

  it('records overrides set and released, and by which credential', async () => {
    const gw = await startGateway()
    const p = await fakeUpstream(ok())
    const id = await gw.addProvider(p)
    expect((await gw.admin('PATCH', `/api/providers/${id}/health`, { is_healthy: false })).status).toBe(200)
    expect((await gw.admin('PATCH', `/api/providers/${id}/health`, { is_healthy: null })).status).toBe(200)
    await waitFor(async () => (await events(gw, id)).length === 2, 5000, 'two override events')
    const [released, held] = await events(gw, id)
    expect(held).toMatchObject({ kind: 'override', state: 'unhealthy', actor: 'admin_token' })
    expect(released).toMatchObject({ kind: 'override', state: 'released', actor: 'admin_token' })
    expect(released?.reason).toContain('override released')
  })

  it('records a probe result only when it differs from the last, and the flag turning', async () => {
    const gw = await startGateway({ BACKEND_HEALTH_CHECK_FAILURE_THRESHOLD: '1' })
    const p = await fakeUpstream(json(200, { data: [] }))
    const id = await gw.addProvider(p)
    await gw.admin('POST', `/api/providers/${id}/test`)
    await gw.admin('POST', `/api/providers/${id}/test`)
    p.setHandler(json(500, { error: 'down' }))
    await gw.admin('POST', `/api/providers/${id}/test`)
    await waitFor(async () => (await events(gw, id)).length >= 3, 5000, 'probe and health events')
    const list = await events(gw, id)
    expect(list.map((e) => `${e.kind}:${e.state}`)).toEqual([
      'health:unhealthy',
      'probe:degraded',
      'probe:online',
    ])
    expect(list[1]?.reason).toContain('online → degraded (HTTP 500)')
    expect(list[0]?.reason).toContain('1 consecutive failures')
  })

  it('answers 404 for an unknown provider and 4xx for a bad limit', async () => {
    const gw = await startGateway()
    expect((await gw.admin('GET', '/api/providers/999/events')).status).toBe(404)
    const p = await fakeUpstream(ok())
    const id = await gw.addProvider(p)
    const bad = await gw.admin('GET', `/api/providers/${id}/events?limit=0`)
    expect([400, 422]).toContain(bad.status)
    expect(await events(gw, id, '?limit=5')).toEqual([])
  })
})
