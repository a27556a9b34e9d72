import { describe, expect, it } from 'vitest'
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
})
