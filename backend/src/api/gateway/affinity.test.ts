/**
 * Session affinity through /v1 (issue 17 item 2): fake upstreams behind a route with
 * `config.affinity`, requests carrying a session. What is asserted is which fake answered (the
 * `x-switchboard-provider` header) and the bindings the state endpoint counts.
 */
import { describe, expect, it } from 'vitest'
import { type Gateway, ok, rawPost, serverError, startGateway } from '../../../test/fake-openai.js'
import { type FakeUpstream, fakeUpstream } from '../../../test/fake-upstream.js'

const AFFINITY = { enabled: true }

interface Fleet {
  fakes: FakeUpstream[]
  ids: number[]
  routeId: number
}

/** `n` fakes answering their own name, behind route `r` with the given strategy and affinity on. */
async function fleet(gw: Gateway, n: number, strategy: string): Promise<Fleet> {
  const fakes: FakeUpstream[] = []
  const ids: number[] = []
  for (let i = 0; i < n; i++) {
    const fake = await fakeUpstream(ok(`node-${i}`))
    fakes.push(fake)
    ids.push(await gw.addProvider(fake))
  }
  const routeId = await gw.addRoute({
    name: 'r',
    mode: 'auto',
    config: { strategy, affinity: AFFINITY },
    nodes: ids.map((api_id) => ({ api_id })),
  })
  return { fakes, ids, routeId }
}

/** One chat turn on route `r`; `key` is a client key (default: the admin token). */
async function turn(gw: Gateway, headers: Record<string, string> = {}, body: Record<string, unknown> = {}) {
  const res = await rawPost(
    gw,
    '/chat/completions',
    { model: 'r', messages: [{ role: 'user', content: 'hi' }], ...body },
    headers,
  )
  expect(res.status).toBe(200)
  return Number(res.headers.get('x-switchboard-provider'))
}

async function bindings(gw: Gateway, routeId: number) {
  const res = await gw.admin('GET', `/api/model-routes/${routeId}/state`)
  expect(res.status).toBe(200)
  const state = (res.body as { state: StateBody }).state
  return {
    total: state.affinity.bindings,
    byProvider: Object.fromEntries(state.providers.map((p) => [p.provider_id, p.affinity_bindings])),
  }
}

interface StateBody {
  affinity: { enabled: boolean; bindings: number; ttl_seconds: number }
  providers: { provider_id: number; affinity_bindings: number }[]
}

async function clientKey(gw: Gateway, name: string) {
  const created = await gw.admin('POST', '/api/keys', { name })
  const { id, key } = created.body as { id: number; key: string }
  return { id, auth: { authorization: `Bearer ${key}` } }
}

async function setHealthy(gw: Gateway, providerId: number, isHealthy: boolean | null) {
  const res = await gw.admin('PATCH', `/api/providers/${providerId}/health`, { is_healthy: isHealthy })
  expect(res.status).toBe(200)
}

describe('session affinity through /v1', () => {
  it('keeps a session on one node across turns while round-robin spreads the rest', async () => {
    const gw = await startGateway()
    const { ids, routeId } = await fleet(gw, 3, 'round-robin')
    const byHeader = [] as number[]
    const byUser = [] as number[]
    for (let i = 0; i < 6; i++) {
      byHeader.push(await turn(gw, { 'x-session-id': 'conversation-1' }))
      byUser.push(await turn(gw, {}, { user: 'user-7' }))
    }
    expect(new Set(byHeader).size).toBe(1)
    expect(new Set(byUser).size).toBe(1)
    // without a session the strategy runs as before: three requests, three nodes
    const plain = [await turn(gw), await turn(gw), await turn(gw)]
    expect(new Set(plain)).toEqual(new Set(ids))
    const counts = await bindings(gw, routeId)
    expect(counts.total).toBe(2)
    expect(counts.byProvider[byHeader[0]!]).toBeGreaterThanOrEqual(1)
  })

  it('scopes bindings per client key, and moves a session whose node goes unhealthy', async () => {
    const gw = await startGateway()
    const { ids, routeId } = await fleet(gw, 2, 'failover')
    const [first, second] = ids as [number, number]
    const a = await clientKey(gw, 'team-a')
    const b = await clientKey(gw, 'team-b')
    const session = { 'x-session-id': 'same-id' }
    expect(await turn(gw, { ...a.auth, ...session })).toBe(first)
    await setHealthy(gw, first, false)
    // the bound node is unavailable: the session moves, and is bound where it was answered
    expect(await turn(gw, { ...a.auth, ...session })).toBe(second)
    await setHealthy(gw, first, null)
    // the first node is back: team a's session stays where its cache now is
    expect(await turn(gw, { ...a.auth, ...session })).toBe(second)
    // team b sends the same session id: another session, with no binding (failover order)
    expect(await turn(gw, { ...b.auth, ...session })).toBe(first)
    expect(await bindings(gw, routeId)).toEqual({ total: 2, byProvider: { [first]: 1, [second]: 1 } })
    // the dry run explains both
    const dry = async (clientKeyId: number) =>
      (
        await gw.admin('POST', `/api/model-routes/${routeId}/select?dry_run=true`, {
          session: { session_id: 'same-id', client_key_id: clientKeyId },
        })
      ).body as { provider_id: number; affinity: Record<string, unknown> }
    expect(await dry(a.id)).toMatchObject({
      provider_id: second,
      affinity: { session_source: 'x-session-id', bound_provider_id: second, choice: 'bound' },
    })
    await setHealthy(gw, first, false)
    expect(await dry(b.id)).toMatchObject({
      provider_id: second,
      affinity: { bound_provider_id: first, choice: 'strategy' },
    })
    // a dry run moves nothing
    expect((await bindings(gw, routeId)).total).toBe(2)
  })

  it('moves a session whose node is removed from the route', async () => {
    const gw = await startGateway()
    const { ids, routeId } = await fleet(gw, 2, 'failover')
    const [first, second] = ids as [number, number]
    expect(await turn(gw, { 'x-session-id': 's' })).toBe(first)
    const patched = await gw.admin('PATCH', `/api/model-routes/${routeId}`, { nodes: [{ api_id: second }] })
    expect(patched.status).toBe(200)
    expect(await turn(gw, { 'x-session-id': 's' })).toBe(second)
    // put back in front, the first node does not take the session back: it is bound to the second
    await gw.admin('PATCH', `/api/model-routes/${routeId}`, {
      nodes: [{ api_id: first }, { api_id: second }],
    })
    expect(await turn(gw, { 'x-session-id': 's' })).toBe(second)
  })

  it('binds only after a successful answer, to the node that gave it', async () => {
    const gw = await startGateway()
    const { fakes, ids, routeId } = await fleet(gw, 2, 'failover')
    const [first, second] = ids as [number, number]
    fakes[0]!.setHandler(serverError)
    fakes[1]!.setHandler(serverError)
    const failed = await rawPost(
      gw,
      '/chat/completions',
      { model: 'r', messages: [] },
      {
        'x-session-id': 's',
      },
    )
    expect(failed.status).toBe(500)
    expect((await bindings(gw, routeId)).total).toBe(0)
    // the first node fails, the second answers: the session is bound to the second
    fakes[1]!.setHandler(ok('second'))
    expect(await turn(gw, { 'x-session-id': 's' })).toBe(second)
    expect(await bindings(gw, routeId)).toEqual({ total: 1, byProvider: { [first]: 0, [second]: 1 } })
  })

  it('forgets a binding a TTL after its last successful answer (driven clock)', async () => {
    let now = 1_000_000
    const gw = await startGateway({ BACKEND_AFFINITY_TTL_SECONDS: '60' }, { clock: () => now })
    const { ids, routeId } = await fleet(gw, 2, 'failover')
    const [first, second] = ids as [number, number]
    await setHealthy(gw, first, false)
    expect(await turn(gw, { 'x-session-id': 's' })).toBe(second)
    await setHealthy(gw, first, null)
    now += 59_000
    // within the TTL: still bound, and the answer restarts the TTL
    expect(await turn(gw, { 'x-session-id': 's' })).toBe(second)
    now += 59_000
    expect(await turn(gw, { 'x-session-id': 's' })).toBe(second)
    now += 61_000
    expect((await bindings(gw, routeId)).total).toBe(0)
    // expired: the session is new again and takes the failover order
    expect(await turn(gw, { 'x-session-id': 's' })).toBe(first)
    expect((await gw.admin('GET', `/api/model-routes/${routeId}/state`)).body).toMatchObject({
      state: { affinity: { enabled: true, ttl_seconds: 60, bindings: 1 } },
    })
  })

  it('makes the same first choice on two replicas without sharing bindings (rendezvous hash)', async () => {
    const fakes = [] as FakeUpstream[]
    for (let i = 0; i < 4; i++) fakes.push(await fakeUpstream(ok(`node-${i}`)))
    const replicas = [await startGateway(), await startGateway()]
    for (const gw of replicas) {
      const ids = [] as number[]
      for (const fake of fakes) ids.push(await gw.addProvider(fake))
      await gw.addRoute({
        name: 'r',
        mode: 'auto',
        config: { strategy: 'weighted', affinity: AFFINITY },
        nodes: ids.map((api_id) => ({ api_id, weight: 1 })),
      })
    }
    const sessions = Array.from({ length: 12 }, (_, i) => `conversation-${i}`)
    const chosen = [] as number[][]
    for (const gw of replicas) {
      const ids = [] as number[]
      for (const id of sessions) ids.push(await turn(gw, { 'x-session-id': id }))
      chosen.push(ids)
    }
    expect(chosen[1]).toEqual(chosen[0])
    // and the sessions spread over the nodes rather than all landing on one
    expect(new Set(chosen[0]).size).toBeGreaterThan(1)
  })
})
