import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { chunk, ok, rawPost, serverError, sse, startGateway } from '../../../test/fake-openai.js'
import { fakeUpstream, type Handler, json, waitFor } from '../../../test/fake-upstream.js'

interface Page {
  data: {
    id: number
    request_id: string
    key_id: number | null
    endpoint: string
    route: string | null
    model: string
    provider_id: number | null
    served_model: string | null
    stream: boolean
    status: number
    error_code: string | null
    attempts: { provider_id: number; outcome: string; status: number | null }[]
    ttft_ms: number | null
    usage: Record<string, number | null>
    cost: number | null
  }[]
  next_cursor: string | null
}

async function logged(gw: Awaited<ReturnType<typeof startGateway>>, query = '', count = 1): Promise<Page> {
  let page: Page = { data: [], next_cursor: null }
  await waitFor(
    async () => {
      await gw.app.core.requestLog.flushNow()
      page = (await gw.admin('GET', `/api/requests${query}`)).body as Page
      return page.data.length >= count
    },
    5000,
    'the request log',
  )
  return page
}

/** A chat answer whose usage has cached and reasoning tokens (OpenAI's spelling). */
const withUsage: Handler = json(200, {
  id: 'x',
  object: 'chat.completion',
  created: 1,
  model: 'up-model',
  choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
  usage: {
    prompt_tokens: 1200,
    completion_tokens: 300,
    total_tokens: 1500,
    prompt_tokens_details: { cached_tokens: 200 },
    completion_tokens_details: { reasoning_tokens: 100 },
  },
})

describe('request log', () => {
  it('keeps one record per request: key, route, served model, attempts and usage', async () => {
    const gw = await startGateway()
    const failing = await fakeUpstream(serverError)
    const good = await fakeUpstream(withUsage)
    const a = await gw.addProvider(failing, { models: ['up-model'] })
    const b = await gw.addProvider(good, { models: ['up-model'] })
    await gw.addRoute({ name: 'smart', mode: 'auto', nodes: [{ api_id: a }, { api_id: b }] })
    const key = (await gw.admin('POST', '/api/keys', { name: 'app' })).body as { id: number; key: string }
    const res = await rawPost(
      gw,
      '/chat/completions',
      { model: 'smart', messages: [] },
      {
        authorization: `Bearer ${key.key}`,
      },
    )
    expect(res.status).toBe(200)
    const page = await logged(gw)
    expect(page.data).toHaveLength(1)
    const record = page.data[0]!
    expect(record).toMatchObject({
      request_id: res.headers.get('x-request-id'),
      key_id: key.id,
      endpoint: 'chat/completions',
      route: 'smart',
      model: 'smart',
      provider_id: b,
      served_model: 'up-model',
      stream: false,
      status: 200,
      error_code: null,
      usage: { input_tokens: 1200, output_tokens: 300, cached_input_tokens: 200, reasoning_tokens: 100 },
      cost: null,
    })
    expect(record.attempts.map((x) => [x.provider_id, x.outcome, x.status])).toEqual([
      [a, 'server_error', 500],
      [b, 'success', 200],
    ])
    const one = await gw.admin('GET', `/api/requests/${record.id}`)
    expect(one.status).toBe(200)
    expect(one.body).toEqual(record)
    expect((await gw.admin('GET', '/api/requests/999999')).status).toBe(404)
  })

  it('reads the usage of a stream from its last chunk and records the time to first token', async () => {
    const gw = await startGateway()
    const fake = await fakeUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.write(chunk('gpt-test', { role: 'assistant', content: 'a' }))
      res.write(chunk('gpt-test', {}, 'stop'))
      res.write(
        `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 7, completion_tokens: 2 } })}\n\n`,
      )
      res.end('data: [DONE]\n\n')
    })
    await gw.addProvider(fake)
    const res = await rawPost(gw, '/chat/completions', { model: 'gpt-test', messages: [], stream: true })
    expect(res.status).toBe(200)
    const record = (await logged(gw)).data[0]!
    expect(record).toMatchObject({ stream: true, status: 200, usage: { input_tokens: 7, output_tokens: 2 } })
    expect(record.ttft_ms).not.toBeNull()
  })

  it('reads the usage at the end of an answer too big to keep whole (embeddings)', async () => {
    const gw = await startGateway()
    const vector = Array.from({ length: 30_000 }, (_, i) => i / 30_000)
    const fake = await fakeUpstream(
      json(200, {
        object: 'list',
        data: [{ object: 'embedding', index: 0, embedding: vector }],
        model: 'embed',
        usage: { prompt_tokens: 42, total_tokens: 42 },
      }),
    )
    await gw.addProvider(fake, { models: ['embed'] })
    const answer = await gw.client.embeddings.create({ model: 'embed', input: 'x', encoding_format: 'float' })
    expect(answer.data[0]?.embedding).toHaveLength(30_000)
    const record = (await logged(gw)).data[0]!
    expect(record).toMatchObject({ endpoint: 'embeddings', usage: { input_tokens: 42, output_tokens: null } })
  })

  it('records requests refused before any attempt, with their error code', async () => {
    const gw = await startGateway()
    const res = await rawPost(gw, '/chat/completions', { model: 'no-such-model', messages: [] })
    expect(res.status).toBe(404)
    const record = (await logged(gw)).data[0]!
    expect(record).toMatchObject({
      model: 'no-such-model',
      status: 404,
      error_code: 'model_not_found',
      attempts: [],
    })
  })

  it('filters by provider, model and status and pages newest first by cursor', async () => {
    const gw = await startGateway()
    const a = await fakeUpstream(ok())
    const b = await fakeUpstream(ok())
    const idA = await gw.addProvider(a, { models: ['model-a'] })
    await gw.addProvider(b, { models: ['model-b'] })
    for (let i = 0; i < 3; i++) await rawPost(gw, '/chat/completions', { model: 'model-a', messages: [] })
    await rawPost(gw, '/chat/completions', { model: 'model-b', messages: [] })
    await rawPost(gw, '/chat/completions', { model: 'missing', messages: [] })
    await logged(gw, '', 5)
    expect((await logged(gw, `?provider_id=${idA}`, 3)).data).toHaveLength(3)
    expect((await logged(gw, '?model=model-b')).data).toHaveLength(1)
    expect((await logged(gw, '?status=404')).data.map((r) => r.model)).toEqual(['missing'])
    const first = await logged(gw, '?limit=2', 2)
    expect(first.data).toHaveLength(2)
    expect(first.next_cursor).not.toBeNull()
    const second = await logged(gw, `?limit=2&cursor=${first.next_cursor}`, 2)
    const third = await logged(gw, `?limit=2&cursor=${second.next_cursor}`, 1)
    expect(third.next_cursor).toBeNull()
    const ids = [...first.data, ...second.data, ...third.data].map((r) => r.id)
    expect(ids).toHaveLength(5)
    expect([...ids].sort((x, y) => y - x)).toEqual(ids)
    const future = await gw.admin('GET', '/api/requests?from=2999-01-01T00:00:00Z')
    expect((future.body as Page).data).toEqual([])
    const bad = await gw.admin('GET', '/api/requests?from=yesterday')
    expect(bad.status).toBe(422)
    expect(JSON.stringify(bad.body)).toContain('from')
    expect((await gw.admin('GET', '/api/requests?cursor=nonsense')).status).toBe(422)
  })

  it('answers the gateway request when the log cannot be written, and counts the drop', async () => {
    const gw = await startGateway()
    const fake = await fakeUpstream(ok('still here'))
    await gw.addProvider(fake)
    await sql`DROP TABLE request_log`.execute(gw.app.core.db.kysely)
    const answer = await gw.client.chat.completions.create({ model: 'gpt-test', messages: [] })
    expect(answer.choices[0]?.message.content).toBe('still here')
    await waitFor(
      async () => {
        await gw.app.core.requestLog.flushNow()
        return gw.app.core.requestLog.stats().dropped.write_failed >= 1
      },
      5000,
      'the drop',
    )
    const metrics = await gw.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: 'Bearer admin-token-gateway-test' },
    })
    expect(metrics.body).toMatch(/switchboard_request_log_dropped_total\{reason="write_failed"\} 1/)
  })

  it('deletes records older than the retention in batches', async () => {
    const gw = await startGateway({ BACKEND_REQUEST_LOG_RETENTION_DAYS: '7' })
    const fake = await fakeUpstream(ok())
    await gw.addProvider(fake)
    await rawPost(gw, '/chat/completions', { model: 'gpt-test', messages: [] })
    await logged(gw)
    const old = new Date(Date.now() - 8 * 86_400_000).toISOString()
    await gw.app.core.db.kysely.updateTable('request_log').set({ at: old }).execute()
    await rawPost(gw, '/chat/completions', { model: 'gpt-test', messages: [] })
    await logged(gw, '', 2)
    expect(await gw.app.core.requestLog.prune()).toBe(1)
    expect((await logged(gw)).data).toHaveLength(1)
  })

  it('writes nothing with BACKEND_REQUEST_LOG=false, while the metrics still count', async () => {
    const gw = await startGateway({ BACKEND_REQUEST_LOG: 'false' })
    const fake = await fakeUpstream(ok())
    await gw.addProvider(fake)
    expect((await rawPost(gw, '/chat/completions', { model: 'gpt-test', messages: [] })).status).toBe(200)
    expect((await rawPost(gw, '/chat/completions', { model: 'nope', messages: [] })).status).toBe(404)
    await gw.app.core.requestLog.flushNow()
    expect(gw.app.core.requestLog.stats()).toMatchObject({ queued: 0, written: 0 })
    expect(((await gw.admin('GET', '/api/requests')).body as Page).data).toEqual([])
    expect(await gw.app.core.metrics.prometheus()).toMatch(
      /switchboard_gateway_tokens_total\{[^}]*type="input"[^}]*\} 3/,
    )
  })

  describe('Chat Completions streams', () => {
    /** Sends the usage chunk only when asked for it, as OpenAI does. */
    const usageWhenAsked: Handler = (_req, res, recorded) => {
      const asked = (recorded.json as { stream_options?: { include_usage?: boolean } }).stream_options
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.write(chunk('gpt-test', { role: 'assistant', content: 'hello' }))
      res.write(chunk('gpt-test', {}, 'stop'))
      if (asked?.include_usage === true)
        res.write(
          `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 11, completion_tokens: 4 } })}\n\n`,
        )
      res.end('data: [DONE]\n\n')
    }

    it('asks the upstream for usage and hides that chunk from a client that did not ask', async () => {
      const gw = await startGateway()
      const fake = await fakeUpstream(usageWhenAsked)
      await gw.addProvider(fake)
      const res = await rawPost(gw, '/chat/completions', { model: 'gpt-test', messages: [], stream: true })
      expect(res.status).toBe(200)
      expect(JSON.parse(fake.requests[0]?.body ?? '{}').stream_options).toEqual({ include_usage: true })
      expect(res.text).not.toContain('usage')
      expect(res.text).toContain('hello')
      expect(res.text.trimEnd().endsWith('data: [DONE]')).toBe(true)
      const record = (await logged(gw)).data[0]!
      expect(record.usage).toMatchObject({ input_tokens: 11, output_tokens: 4 })
    })

    it('passes the usage chunk to a client that asked for it', async () => {
      const gw = await startGateway()
      const fake = await fakeUpstream(usageWhenAsked)
      await gw.addProvider(fake)
      const stream = await gw.client.chat.completions.create({
        model: 'gpt-test',
        messages: [],
        stream: true,
        stream_options: { include_usage: true },
      })
      let usage: unknown = null
      for await (const part of stream) usage = part.usage ?? usage
      expect(usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 4 })
      expect((await logged(gw)).data[0]?.usage).toMatchObject({ input_tokens: 11, output_tokens: 4 })
    })

    it('counts a stream cut after the commit by the content it sent', async () => {
      const gw = await startGateway()
      const fake = await fakeUpstream(sse({ chunks: 5, ending: 'cut' }))
      await gw.addProvider(fake)
      const res = await rawPost(gw, '/chat/completions', { model: 'gpt-test', messages: [], stream: true })
      expect(res.status).toBe(200)
      const record = (await logged(gw)).data[0]!
      expect(record.error_code).toBe('stream_error')
      expect(record.usage).toMatchObject({ input_tokens: null, output_tokens: 5 })
    })
  })
})
