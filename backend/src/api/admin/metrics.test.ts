import { describe, expect, it } from 'vitest'
import { ADMIN_TOKEN, rawPost, sse, startGateway } from '../../../test/fake-openai.js'
import { fakeUpstream, json } from '../../../test/fake-upstream.js'
import { buildTestApp, sampleProvider } from '../../../test/helpers.js'

interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

/** Prometheus text exposition format: `# HELP`/`# TYPE` comments and `name{a="b",…} value` samples. */
function parsePrometheus(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = []
  const types = new Map<string, string>()
  for (const line of text.split('\n')) {
    if (line === '') continue
    const type = /^# TYPE (\S+) (\S+)$/.exec(line)
    if (type) {
      types.set(type[1] ?? '', type[2] ?? '')
      continue
    }
    if (line.startsWith('#')) continue
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (!match) throw new Error(`not a Prometheus sample line: ${line}`)
    const labels: Record<string, string> = {}
    for (const [, key, value] of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[key ?? ''] = value ?? ''
    }
    samples.push({ name: match[1] ?? '', labels, value: Number(match[3]) })
  }
  return { samples, types }
}

const find = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))

describe('GET /metrics', () => {
  it('answers Prometheus text whose counters match the traffic sent', async () => {
    const { app } = await buildTestApp()
    await app.inject({ method: 'POST', url: '/api/providers', payload: sampleProvider })
    for (let i = 0; i < 3; i++) await app.inject({ method: 'GET', url: '/api/providers/1' })
    await app.inject({ method: 'GET', url: '/api/providers/42' })
    await app.inject({ method: 'GET', url: '/api/nothing/here' })
    app.core.metrics.gatewayObserver.attempt({
      providerId: 1,
      providerName: 'OpenAI',
      outcome: 'success',
      status: 200,
      durationMs: 120,
      ttfbMs: 35,
      stream: true,
    })
    app.core.metrics.gatewayObserver.request({
      status: 200,
      stream: true,
      attempts: 1,
      durationMs: 125,
      upstreamMs: 120,
    })

    const res = await app.inject({ method: 'GET', url: '/metrics' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/)
    const { samples, types } = parsePrometheus(res.body)

    const requests = 'switchboard_http_requests_total'
    expect(types.get(requests)).toBe('counter')
    expect(
      find(samples, requests, { method: 'GET', route: '/api/providers/{id}', status: '200' })[0]?.value,
    ).toBe(3)
    expect(
      find(samples, requests, { method: 'GET', route: '/api/providers/{id}', status: '404' })[0]?.value,
    ).toBe(1)
    expect(
      find(samples, requests, { method: 'POST', route: '/api/providers', status: '201' })[0]?.value,
    ).toBe(1)
    expect(find(samples, requests, { route: '(unmatched)', status: '404' })[0]?.value).toBe(1)
    // the scrape does not count itself
    expect(find(samples, requests, { route: '/metrics' })).toHaveLength(0)

    expect(types.get('switchboard_http_request_duration_seconds')).toBe('histogram')
    expect(
      find(samples, 'switchboard_http_request_duration_seconds_count', { route: '/api/providers/{id}' })[0]
        ?.value,
    ).toBe(4)
    expect(
      find(samples, 'switchboard_gateway_upstream_attempts_total', {
        provider_id: '1',
        provider: 'OpenAI',
        outcome: 'success',
      })[0]?.value,
    ).toBe(1)
    expect(
      find(samples, 'switchboard_gateway_stream_ttfb_seconds_sum', { provider_id: '1' })[0]?.value,
    ).toBeCloseTo(0.035)
    expect(find(samples, 'switchboard_gateway_overhead_seconds_sum')[0]?.value).toBeCloseTo(0.005)
    // gauges read the live snapshot at scrape time
    expect(
      find(samples, 'switchboard_provider_healthy', { provider_id: '1', provider: 'OpenAI' })[0]?.value,
    ).toBe(1)
    expect(find(samples, 'switchboard_provider_consecutive_failures', { provider_id: '1' })[0]?.value).toBe(0)
    // process metrics
    expect(find(samples, 'process_resident_memory_bytes')[0]?.value).toBeGreaterThan(0)
    expect(types.get('nodejs_eventloop_lag_seconds')).toBe('gauge')
  })

  it('drops the gauges of a deleted provider', async () => {
    const { app } = await buildTestApp()
    await app.inject({ method: 'POST', url: '/api/providers', payload: sampleProvider })
    expect((await app.inject({ method: 'GET', url: '/metrics' })).body).toContain(
      'switchboard_provider_healthy{',
    )
    await app.inject({ method: 'DELETE', url: '/api/providers/1' })
    await app.core.snapshot.reload()
    expect((await app.inject({ method: 'GET', url: '/metrics' })).body).not.toContain(
      'switchboard_provider_healthy{',
    )
  })

  it('needs the admin token when one is set', async () => {
    const { app } = await buildTestApp({ BACKEND_ADMIN_TOKEN: 'scrape-token-0123456789' })
    expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401)
    const ok = await app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: 'Bearer scrape-token-0123456789' },
    })
    expect(ok.statusCode).toBe(200)
    // the refused scrape is counted: a 401 on /metrics is worth seeing
    expect(ok.body).toMatch(
      /switchboard_http_requests_total\{method="GET",route="\/metrics",status="401"\} 1/,
    )
  })

  describe('usage counters from real gateway traffic', () => {
    const answer = json(200, {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1,
      model: 'model-a',
      choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
      usage: {
        prompt_tokens: 10,
        completion_tokens: 4,
        prompt_tokens_details: { cached_tokens: 6 },
        completion_tokens_details: { reasoning_tokens: 1 },
      },
    })

    async function traffic(env: Record<string, string> = {}) {
      const gw = await startGateway(env)
      const upstream = await fakeUpstream(answer)
      const streaming = await fakeUpstream(sse({ chunks: 2 }))
      const id = await gw.addProvider(upstream, { name: 'priced', models: ['model-a'] })
      const streamId = await gw.addProvider(streaming, { name: 'streams', models: ['model-s'] })
      const priced = await gw.admin('PUT', '/api/prices', {
        provider_id: id,
        model: 'model-a',
        input_per_million: 1000,
        cached_input_per_million: 500,
        output_per_million: 10_000,
      })
      expect(priced.status).toBe(200)
      const key = (await gw.admin('POST', '/api/keys', { name: 'app' })).body as { id: number; key: string }
      for (let i = 0; i < 2; i++) {
        const res = await rawPost(
          gw,
          '/chat/completions',
          { model: 'model-a', messages: [{ role: 'user', content: 'x' }] },
          { authorization: `Bearer ${key.key}` },
        )
        expect(res.status).toBe(200)
      }
      const streamed = await rawPost(gw, '/chat/completions', {
        model: 'model-s',
        stream: true,
        messages: [{ role: 'user', content: 'x' }],
      })
      expect(streamed.status).toBe(200)
      const res = await gw.app.inject({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      })
      expect(res.statusCode).toBe(200)
      return { ...parsePrometheus(res.body), id, streamId, keyId: key.id }
    }

    it('counts tokens by type and cost by provider and model, and times TTFT', async () => {
      const { samples, types, id, streamId } = await traffic()
      const series = { provider_id: String(id), provider: 'priced', model: 'model-a' }
      expect(types.get('switchboard_gateway_tokens_total')).toBe('counter')
      const tokens = (type: string) =>
        find(samples, 'switchboard_gateway_tokens_total', { ...series, type })[0]?.value
      expect([tokens('input'), tokens('output'), tokens('cached_input'), tokens('reasoning')]).toEqual([
        20, 8, 12, 2,
      ])
      // per request: 4 uncached input × 0.001 + 6 cached × 0.0005 + 4 output × 0.01 = 0.047
      expect(find(samples, 'switchboard_gateway_cost_total', series)[0]?.value).toBeCloseTo(0.094, 9)
      // no key label unless BACKEND_METRICS_PER_KEY
      expect(samples.some((s) => s.labels.key_id !== undefined)).toBe(false)
      expect(types.get('switchboard_gateway_ttft_seconds')).toBe('histogram')
      expect(
        find(samples, 'switchboard_gateway_ttft_seconds_count', {
          provider_id: String(streamId),
          model: 'model-s',
        })[0]?.value,
      ).toBe(1)
      // only streams have a time to first token
      expect(find(samples, 'switchboard_gateway_ttft_seconds_count', { model: 'model-a' })).toHaveLength(0)
      expect(find(samples, 'switchboard_gateway_overhead_seconds_count')[0]?.value).toBe(3)
    })

    it('adds the key to the token and cost counters when BACKEND_METRICS_PER_KEY is on', async () => {
      const { samples, keyId } = await traffic({ BACKEND_METRICS_PER_KEY: 'true' })
      expect(
        find(samples, 'switchboard_gateway_tokens_total', { key_id: String(keyId), type: 'input' })[0]?.value,
      ).toBe(20)
      expect(
        find(samples, 'switchboard_gateway_cost_total', { key_id: String(keyId), model: 'model-a' })[0]
          ?.value,
      ).toBeCloseTo(0.094, 9)
    })
  })
})
