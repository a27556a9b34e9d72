/**
 * DESIGN.md §6 failover rules, each tried with and without streaming: the first provider fails in
 * one way, the second answers; the client (the official SDK) sees only the second's answer.
 */
import { describe, expect, it } from 'vitest'
import {
  badRequest,
  contextLengthExceeded,
  errorEvent,
  type Gateway,
  ok,
  rateLimited,
  rawPost,
  roleThenStall,
  serverError,
  sse,
  stallBeforeFirstToken,
  startGateway,
  streamedText,
} from '../../../test/fake-openai.js'
import {
  closedPortUrl,
  type FakeUpstream,
  fakeUpstream,
  type Handler,
  hang,
  reset,
  waitFor,
} from '../../../test/fake-upstream.js'

const FAST = {
  BACKEND_GATEWAY_TIMEOUT_SECONDS: '0.4',
  BACKEND_GATEWAY_FIRST_TOKEN_TIMEOUT_SECONDS: '0.4',
  BACKEND_GATEWAY_STREAM_IDLE_TIMEOUT_SECONDS: '0.4',
}

/** Two providers offering `gpt-test`, in id order: `first` fails as told, `second` answers. */
async function twoProviders(gw: Gateway, first: Handler | 'closed', stream: boolean) {
  const good = stream ? sse({ chunks: 2 }) : ok('from second')
  let bad: FakeUpstream | null = null
  let firstId: number
  if (first === 'closed') {
    const url = await closedPortUrl()
    const res = await gw.admin('POST', '/api/providers', {
      name: 'closed',
      base_url: `${url}/v1`,
      models: ['gpt-test'],
    })
    firstId = (res.body as { id: number }).id
  } else {
    bad = await fakeUpstream(first)
    firstId = await gw.addProvider(bad, { name: 'first' })
  }
  const second = await fakeUpstream(good)
  const secondId = await gw.addProvider(second, { name: 'second' })
  return { bad, second, firstId, secondId }
}

async function ask(gw: Gateway, stream: boolean) {
  const messages = [{ role: 'user' as const, content: 'hi' }]
  if (!stream) {
    const { data, response } = await gw.client.chat.completions
      .create({ model: 'gpt-test', messages })
      .withResponse()
    return { text: data.choices[0]?.message.content ?? '', headers: response.headers }
  }
  const { data, response } = await gw.client.chat.completions
    .create({ model: 'gpt-test', messages, stream: true })
    .withResponse()
  let text = ''
  for await (const part of data) text += part.choices[0]?.delta.content ?? ''
  return { text, headers: response.headers }
}

function expectSecondAnswered(result: { text: string; headers: Headers }, stream: boolean, secondId: number) {
  expect(result.text).toBe(stream ? streamedText(2) : 'from second')
  expect(result.headers.get('x-switchboard-provider')).toBe(String(secondId))
  expect(result.headers.get('x-switchboard-attempts')).toBe('2')
}

async function consecutiveFailures(gw: Gateway, id: number): Promise<number> {
  const res = await gw.admin('GET', `/api/providers/${id}`)
  return (res.body as { consecutive_failures: number }).consecutive_failures
}

describe.each([false, true])('failover (stream: %s)', (stream) => {
  it('moves on after a connection error', async () => {
    const gw = await startGateway(FAST)
    const { secondId } = await twoProviders(gw, 'closed', stream)
    expectSecondAnswered(await ask(gw, stream), stream, secondId)
  })

  it('moves on after a reset', async () => {
    const gw = await startGateway(FAST)
    const { secondId, bad } = await twoProviders(gw, reset, stream)
    expectSecondAnswered(await ask(gw, stream), stream, secondId)
    expect(bad?.requests).toHaveLength(1)
  })

  it('moves on when the headers do not come within BACKEND_GATEWAY_TIMEOUT_SECONDS', async () => {
    const gw = await startGateway(FAST)
    const { secondId, firstId } = await twoProviders(gw, hang, stream)
    expectSecondAnswered(await ask(gw, stream), stream, secondId)
    await waitFor(
      async () => (await consecutiveFailures(gw, firstId)) === 1,
      5000,
      'a passive health failure',
    )
  })

  it('moves on after a 5xx and counts it as a health failure', async () => {
    const gw = await startGateway(FAST)
    const { secondId, firstId } = await twoProviders(gw, serverError, stream)
    expectSecondAnswered(await ask(gw, stream), stream, secondId)
    await waitFor(
      async () => (await consecutiveFailures(gw, firstId)) === 1,
      5000,
      'a passive health failure',
    )
  })

  it('moves on after a 400 context_length_exceeded', async () => {
    const gw = await startGateway(FAST)
    const { secondId } = await twoProviders(gw, contextLengthExceeded, stream)
    expectSecondAnswered(await ask(gw, stream), stream, secondId)
  })

  it('moves on after a 429 and skips the provider during its Retry-After, without a health failure', async () => {
    const gw = await startGateway(FAST)
    const { secondId, firstId, bad } = await twoProviders(gw, rateLimited('30'), stream)
    expectSecondAnswered(await ask(gw, stream), stream, secondId)
    const again = await ask(gw, stream)
    expect(again.headers.get('x-switchboard-provider')).toBe(String(secondId))
    expect(again.headers.get('x-switchboard-attempts')).toBe('1')
    expect(bad?.requests).toHaveLength(1)
    expect(await consecutiveFailures(gw, firstId)).toBe(0)
  })

  it('passes any other 4xx back as it is, without trying the next provider', async () => {
    const gw = await startGateway(FAST)
    const { second, firstId } = await twoProviders(gw, badRequest, stream)
    const error = await ask(gw, stream).catch((e: unknown) => e)
    expect(error).toMatchObject({
      status: 400,
      code: 'invalid_value',
      message: expect.stringContaining('bad temperature'),
    })
    expect((error as { headers: Headers }).headers.get('x-switchboard-provider')).toBe(String(firstId))
    expect(second.requests).toHaveLength(0)
  })

  it('answers the last upstream error when every provider failed', async () => {
    const gw = await startGateway(FAST)
    const a = await fakeUpstream(serverError)
    const b = await fakeUpstream(rateLimited('7'))
    await gw.addProvider(a)
    const idB = await gw.addProvider(b)
    const error = await ask(gw, stream).catch((e: unknown) => e)
    expect(error).toMatchObject({ status: 429, code: 'rate_limit_exceeded' })
    const headers = (error as { headers: Headers }).headers
    expect(headers.get('x-switchboard-provider')).toBe(String(idB))
    expect(headers.get('x-switchboard-attempts')).toBe('2')
    expect(headers.get('retry-after')).toBe('7')
  })

  it('tries at most BACKEND_GATEWAY_MAX_ATTEMPTS providers', async () => {
    const gw = await startGateway({ ...FAST, BACKEND_GATEWAY_MAX_ATTEMPTS: '2' })
    const fakes = [await fakeUpstream(serverError), await fakeUpstream(serverError), await fakeUpstream(ok())]
    for (const fake of fakes) await gw.addProvider(fake)
    const error = await ask(gw, stream).catch((e: unknown) => e)
    expect(error).toMatchObject({ status: 500 })
    expect((error as { headers: Headers }).headers.get('x-switchboard-attempts')).toBe('2')
    expect(fakes[2]?.requests).toHaveLength(0)
  })
})

describe('failover before the first token (streams)', () => {
  it('moves on when no content comes within the first-token timeout', async () => {
    const gw = await startGateway(FAST)
    const { secondId, bad } = await twoProviders(gw, stallBeforeFirstToken, true)
    expectSecondAnswered(await ask(gw, true), true, secondId)
    await waitFor(() => (bad?.closedByPeer ?? 0) >= 1, 5000, 'the stalled upstream to be closed')
  })

  it('moves on when only a role chunk comes before the first-token timeout, and holds that chunk back', async () => {
    const gw = await startGateway(FAST)
    const { secondId } = await twoProviders(gw, roleThenStall, true)
    expectSecondAnswered(await ask(gw, true), true, secondId)
  })

  it('moves on after an error event before any content', async () => {
    const gw = await startGateway(FAST)
    const { secondId } = await twoProviders(gw, errorEvent, true)
    expectSecondAnswered(await ask(gw, true), true, secondId)
  })

  it('moves on when an error answer starts and then stalls', async () => {
    const gw = await startGateway(FAST)
    const stalledError: Handler = (_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' })
      res.write('{"error": ')
    }
    const { secondId } = await twoProviders(gw, stalledError, true)
    expectSecondAnswered(await ask(gw, true), true, secondId)
  })

  it('moves on when the stream ends without any content', async () => {
    const gw = await startGateway(FAST)
    const { secondId } = await twoProviders(gw, sse({ chunks: 0, finish: false }), true)
    expectSecondAnswered(await ask(gw, true), true, secondId)
  })
})

describe('error bodies', () => {
  /** A 500 whose body never ends: 16 KB pieces as fast as the socket takes them. */
  const endless500: Handler = (_req, res) => {
    res.writeHead(500, { 'content-type': 'application/json' })
    const piece = Buffer.alloc(16 * 1024, 'x')
    const pump = () => {
      while (!res.destroyed && res.write(piece)) {}
      if (!res.destroyed) res.once('drain', pump)
    }
    pump()
  }
  // long timeouts: only reading at most 64 KB, not a timer, can end these attempts with the status
  const SLOW = { BACKEND_GATEWAY_STREAM_IDLE_TIMEOUT_SECONDS: '10', BACKEND_GATEWAY_MAX_ATTEMPTS: '1' }

  it('passes on the status of an error answer whose body never ends, having read at most 64 KB', async () => {
    const gw = await startGateway(SLOW)
    const fake = await fakeUpstream(endless500)
    await gw.addProvider(fake)
    const res = await rawPost(gw, '/chat/completions', { model: 'gpt-test', messages: [] })
    expect(res.status).toBe(500)
    expect(JSON.parse(res.text)).toMatchObject({ error: { code: 'upstream_error_too_large' } })
    await waitFor(() => fake.closedByPeer >= 1, 3000, 'the upstream connection to be cut')
  })

  it('fails over after such an answer like after any 5xx', async () => {
    const gw = await startGateway({ ...SLOW, BACKEND_GATEWAY_MAX_ATTEMPTS: '2' })
    const { secondId } = await twoProviders(gw, endless500, false)
    expectSecondAnswered(await ask(gw, false), false, secondId)
  })

  it('passes on the status of an error answer whose body stalls, not a timeout', async () => {
    const gw = await startGateway({ ...FAST, BACKEND_GATEWAY_MAX_ATTEMPTS: '1' })
    const fake = await fakeUpstream((_req, res) => {
      res.writeHead(503, { 'content-type': 'application/json' })
      res.write('{"error": ')
    })
    await gw.addProvider(fake)
    const res = await rawPost(gw, '/chat/completions', { model: 'gpt-test', messages: [] })
    expect(res.status).toBe(503)
    expect(JSON.parse(res.text)).toMatchObject({ error: { code: 'upstream_error_incomplete' } })
  })
})

describe('nothing available', () => {
  it('answers 503 with Retry-After when every provider is cooling down', async () => {
    const gw = await startGateway(FAST)
    const fake = await fakeUpstream(rateLimited('20'))
    await gw.addProvider(fake)
    await ask(gw, false).catch(() => null)
    const error = await ask(gw, false).catch((e: unknown) => e)
    expect(error).toMatchObject({ status: 503, code: 'no_provider_available' })
    const retryAfter = Number((error as { headers: Headers }).headers.get('retry-after'))
    // The whole seconds left of the upstream's 20 s: 20, or 19 if a second passed between the two asks.
    expect([19, 20]).toContain(retryAfter)
    expect(fake.requests).toHaveLength(1)
  })

  it('never tries the same provider and model twice for one request', async () => {
    const gw = await startGateway(FAST)
    const fake = await fakeUpstream(serverError)
    const id = await gw.addProvider(fake)
    await gw.addRoute({ name: 'twice', mode: 'auto', nodes: [{ api_id: id }, { api_id: id }] })
    const res = await gw.client.chat.completions
      .create({ model: 'twice', messages: [] })
      .catch((e: unknown) => e)
    expect(res).toMatchObject({ status: 500 })
    expect(fake.requests).toHaveLength(1)
  })
})
