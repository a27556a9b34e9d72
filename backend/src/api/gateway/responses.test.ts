/**
 * /v1/responses: plain and streamed answers through the official `openai` SDK (v6), the stream's
 * failover rules (DESIGN.md §6 for typed events), and response ids bound to their provider.
 */
import { APIError } from 'openai'
import { zodTextFormat } from 'openai/helpers/zod'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { rawPost, serverError, startGateway } from '../../../test/fake-openai.js'
import { responses } from '../../../test/fake-responses.js'
import { fakeUpstream, type Handler, waitFor } from '../../../test/fake-upstream.js'

const FAST = {
  BACKEND_GATEWAY_TIMEOUT_SECONDS: '2',
  BACKEND_GATEWAY_FIRST_TOKEN_TIMEOUT_SECONDS: '2',
  BACKEND_GATEWAY_STREAM_IDLE_TIMEOUT_SECONDS: '0.3',
}

async function twoProviders(first: Handler, second: Handler = responses()) {
  const gw = await startGateway(FAST)
  const a = await fakeUpstream(first)
  const aId = await gw.addProvider(a)
  const b = await fakeUpstream(second)
  const bId = await gw.addProvider(b)
  return { gw, a, b, aId, bId }
}

/** The `type`s of a Responses event stream's data, in order. */
function typesOf(text: string): string[] {
  return text
    .split('\n\n')
    .flatMap((block) => block.split('\n').filter((l) => l.startsWith('data: ')))
    .map((line) => JSON.parse(line.slice(6)).type as string)
}

const streamed = { model: 'gpt-test', input: 'hi', stream: true }

describe('/v1/responses with the openai SDK', () => {
  it('responses.create answers a plain response and forwards to /responses with the provider key', async () => {
    const { gw, a } = await twoProviders(responses({ text: 'plain answer' }))
    const response = await gw.client.responses.create({ model: 'gpt-test', input: 'hi' })
    expect(response.output_text).toBe('plain answer')
    expect(a.requests[0]?.url).toBe('/v1/responses')
    expect(String(a.requests[0]?.headers.authorization)).toMatch(/^Bearer sk-fake-provider-key-/)
  })

  it('responses.create with stream: true yields the typed events in order, ending in response.completed', async () => {
    const { gw } = await twoProviders(responses({ text: 'one two three', parts: 3 }))
    const stream = await gw.client.responses.create({ model: 'gpt-test', input: 'hi', stream: true })
    const types: string[] = []
    let text = ''
    for await (const ev of stream) {
      types.push(ev.type)
      if (ev.type === 'response.output_text.delta') text += ev.delta
    }
    expect(types[0]).toBe('response.created')
    expect(types[1]).toBe('response.in_progress')
    expect(types.at(-1)).toBe('response.completed')
    expect(text).toBe('one two three')
  })

  it('responses.stream gives the final response', async () => {
    const { gw } = await twoProviders(responses({ text: 'streamed answer' }))
    const stream = gw.client.responses.stream({ model: 'gpt-test', input: 'hi' })
    const final = await stream.finalResponse()
    expect(final.output_text).toBe('streamed answer')
    expect(final.status).toBe('completed')
  })

  it('responses.parse reads structured output', async () => {
    const { gw } = await twoProviders(responses({ text: '{"city":"Paris","population":2100000}' }))
    const City = z.object({ city: z.string(), population: z.number() })
    const parsed = await gw.client.responses.parse({
      model: 'gpt-test',
      input: 'a city',
      text: { format: zodTextFormat(City, 'city') },
    })
    expect(parsed.output_parsed).toEqual({ city: 'Paris', population: 2100000 })
  })

  it("a gateway error is the SDK's typed error, in OpenAI's shape", async () => {
    const gw = await startGateway(FAST)
    const error = await gw.client.responses.create({ model: 'nobody-offers', input: 'hi' }).catch((e) => e)
    expect(error).toBeInstanceOf(APIError)
    expect((error as APIError).status).toBe(404)
  })
})

describe('Responses streams fail over until the first output, and never after', () => {
  it('fails over a 500 before anything is sent', async () => {
    const { gw, b } = await twoProviders(serverError)
    const res = await rawPost(gw, '/responses', streamed)
    expect(res.status).toBe(200)
    expect(res.headers.get('x-switchboard-attempts')).toBe('2')
    expect(typesOf(res.text).at(-1)).toBe('response.completed')
    expect(b.requests).toHaveLength(1)
  })

  it('holds response.created and in_progress: a cut after them fails over, and the client sees one stream', async () => {
    const { gw, b } = await twoProviders(responses({ before: 'cut' }))
    const res = await rawPost(gw, '/responses', streamed)
    const types = typesOf(res.text)
    expect(types.filter((t) => t === 'response.created')).toHaveLength(1)
    expect(types.at(-1)).toBe('response.completed')
    expect(b.requests).toHaveLength(1)
  })

  it('fails over an error event and a response.failed before the first output', async () => {
    for (const before of ['error', 'failed'] as const) {
      const { gw, b } = await twoProviders(responses({ before }))
      const res = await rawPost(gw, '/responses', streamed)
      expect(typesOf(res.text).at(-1)).toBe('response.completed')
      expect(b.requests).toHaveLength(1)
    }
  })

  it('ends a stream cut after the first output with an `error` event, no response.completed, no retry', async () => {
    const { gw, b } = await twoProviders(responses({ ending: 'cut' }))
    const res = await rawPost(gw, '/responses', streamed)
    expect(res.status).toBe(200)
    const types = typesOf(res.text)
    expect(types).toContain('response.output_text.delta')
    expect(types.at(-1)).toBe('error')
    expect(types).not.toContain('response.completed')
    expect(res.text).not.toContain('[DONE]')
    expect(res.text).toContain('event: error\n')
    expect(b.requests).toHaveLength(0)
  })

  it('ends a stream that closes without a terminal event, or goes silent, with an `error` event', async () => {
    for (const ending of ['close', 'stall'] as const) {
      const { gw } = await twoProviders(responses({ ending }))
      const res = await rawPost(gw, '/responses', streamed)
      const last = res.text.trim().split('\n').at(-1) ?? ''
      expect(JSON.parse(last.slice(6))).toMatchObject({
        type: 'error',
        code: ending === 'close' ? 'upstream_truncated' : 'upstream_idle_timeout',
      })
    }
  })

  it('passes response.incomplete as the end, with no [DONE] added', async () => {
    const { gw } = await twoProviders(responses({ ending: 'incomplete' }))
    const res = await rawPost(gw, '/responses', streamed)
    expect(typesOf(res.text).at(-1)).toBe('response.incomplete')
    expect(res.text).not.toContain('[DONE]')
  })

  it('passes an error event after the first output through, and fails over nothing', async () => {
    const afterOutput: Handler = (req, res, recorded) => {
      const write = res.write.bind(res)
      let deltas = 0
      res.write = ((chunk: string, ...rest: never[]) => {
        if (typeof chunk === 'string' && chunk.includes('response.output_text.delta')) deltas += 1
        if (deltas === 2) {
          write(
            `event: error\ndata: ${JSON.stringify({ type: 'error', code: 'server_error', message: 'x' })}\n\n`,
          )
          res.end()
          deltas = 3
          return true
        }
        if (deltas > 2) return true
        return write(chunk, ...rest)
      }) as typeof res.write
      return responses()(req, res, recorded)
    }
    const { gw, b } = await twoProviders(afterOutput)
    const res = await rawPost(gw, '/responses', streamed)
    const types = typesOf(res.text)
    expect(types.at(-1)).toBe('error')
    expect(types).not.toContain('response.completed')
    expect(b.requests).toHaveLength(0)
  })
})

describe('response ids are bound to the provider that made them', () => {
  it('sends previous_response_id and the lookups to the provider that made the response', async () => {
    const { gw, a, b } = await twoProviders(serverError, responses({ id: 'resp_made_by_b' }))
    const first = await gw.client.responses.create({ model: 'gpt-test', input: 'hi' })
    expect(first.id).toBe('resp_made_by_b')
    a.setHandler(responses({ id: 'resp_from_a' }))
    const bBefore = b.requests.length
    const next = await gw.client.responses.create({
      model: 'gpt-test',
      input: 'and then?',
      previous_response_id: first.id,
    })
    expect(next.id).toBe('resp_made_by_b')
    expect(b.requests).toHaveLength(bBefore + 1)
    expect(a.requests).toHaveLength(1)

    const got = await gw.client.responses.retrieve(first.id)
    expect(got.id).toBe(first.id)
    await gw.client.responses.inputItems.list(first.id, { limit: 5 })
    await gw.client.responses.cancel(first.id)
    await gw.client.responses.delete(first.id)
    const urls = b.requests.slice(bBefore + 1).map((r) => `${r.method} ${r.url}`)
    expect(urls).toEqual([
      'GET /v1/responses/resp_made_by_b',
      'GET /v1/responses/resp_made_by_b/input_items?limit=5',
      'POST /v1/responses/resp_made_by_b/cancel',
      'DELETE /v1/responses/resp_made_by_b',
    ])
    expect(a.requests).toHaveLength(1)
  })

  it('binds a streamed response by its response.created id, and the binding is in the database', async () => {
    const { gw, bId } = await twoProviders(serverError, responses({ id: 'resp_streamed_b' }))
    const res = await rawPost(gw, '/responses', streamed)
    expect(typesOf(res.text).at(-1)).toBe('response.completed')
    await waitFor(async () => {
      const row = await gw.app.core.db.kysely
        .selectFrom('response_bindings')
        .selectAll()
        .where('response_id', '=', 'resp_streamed_b')
        .executeTakeFirst()
      return row?.provider_id === bId
    })
  })

  it('answers 503 naming the bound provider when it is unavailable, never another provider', async () => {
    const { gw, a, b, bId } = await twoProviders(serverError, responses({ id: 'resp_b_only' }))
    await gw.client.responses.create({ model: 'gpt-test', input: 'hi' })
    a.setHandler(responses())
    expect((await gw.admin('PATCH', `/api/providers/${bId}`, { is_active: false })).status).toBe(200)
    const bBefore = b.requests.length
    const error = await gw.client.responses
      .create({ model: 'gpt-test', input: 'more', previous_response_id: 'resp_b_only' })
      .catch((e) => e)
    expect(error).toBeInstanceOf(APIError)
    expect((error as APIError).status).toBe(503)
    expect((error as APIError).message).toMatch(/resp_b_only.*fake-\d+.*inactive/)
    const lookup = await gw.client.responses.retrieve('resp_b_only').catch((e) => e)
    expect((lookup as APIError).status).toBe(503)
    expect(a.requests).toHaveLength(1)
    expect(b.requests).toHaveLength(bBefore)
  })

  it('answers 404 for a lookup of a response id nobody bound', async () => {
    const gw = await startGateway(FAST)
    const error = await gw.client.responses.retrieve('resp_unknown').catch((e) => e)
    expect((error as APIError).status).toBe(404)
  })
})
