import { describe, expect, it } from 'vitest'
import type { Provider } from '../../domain/model.js'
import type { AttemptRecord } from '../gateway/observer.js'
import { createMetrics, endpointKey, LATENCY_SAMPLES, RECENT_REQUESTS, routePattern } from './metrics.js'

function clockAt(start: number) {
  const clock = { ms: start, now: () => clock.ms }
  return clock
}

const attempt = (over: Partial<AttemptRecord> = {}): AttemptRecord => ({
  providerId: 1,
  providerName: 'one',
  outcome: 'success',
  status: 200,
  durationMs: 100,
  ttfbMs: null,
  stream: false,
  ...over,
})

const http = (
  method: string,
  route: string | null,
  path: string,
  statusCode: number,
  durationMs: number,
) => ({
  method,
  route,
  path,
  statusCode,
  durationMs,
})

describe('endpoint keys', () => {
  it('shows route parameters as {name}', () => {
    expect(routePattern('/api/providers/:id')).toBe('/api/providers/{id}')
    expect(routePattern('/api/model-routes/:id/nodes/:nodeId')).toBe('/api/model-routes/{id}/nodes/{nodeId}')
    expect(routePattern('/files/:name(^\\d+)')).toBe('/files/{name}')
    expect(endpointKey('GET', null)).toBe('GET (unmatched)')
  })
})

describe('stats', () => {
  it('aggregates totals, error rate, averages, status codes and endpoints from the traffic', () => {
    const clock = clockAt(1_700_000_000_000)
    const metrics = createMetrics({ providers: () => [], now: clock.now })
    metrics.recordHttp(http('GET', '/api/providers/:id', '/api/providers/1', 200, 10))
    metrics.recordHttp(http('GET', '/api/providers/:id', '/api/providers/2', 404, 20))
    metrics.recordHttp(http('POST', '/api/providers', '/api/providers', 201, 30))
    metrics.recordHttp(http('GET', null, '/nope', 404, 1))
    clock.ms += 2500
    const stats = metrics.stats()
    expect(stats).toEqual({
      mode: 'production',
      uptime_seconds: 2.5,
      total_requests: 4,
      total_errors: 2,
      error_rate: 50,
      average_duration_ms: 15.25,
      status_codes: { '200': 1, '404': 2, '201': 1 },
      endpoints: {
        'GET /api/providers/{id}': { count: 2, total_duration_ms: 30, avg_duration_ms: 15, error_count: 1 },
        'POST /api/providers': { count: 1, total_duration_ms: 30, avg_duration_ms: 30, error_count: 0 },
        'GET (unmatched)': { count: 1, total_duration_ms: 1, avg_duration_ms: 1, error_count: 1 },
      },
      recent_requests: [
        { timestamp: 1_700_000_000, method: 'GET', path: '/nope', status_code: 404, duration_ms: 1 },
        {
          timestamp: 1_700_000_000,
          method: 'POST',
          path: '/api/providers',
          status_code: 201,
          duration_ms: 30,
        },
        {
          timestamp: 1_700_000_000,
          method: 'GET',
          path: '/api/providers/2',
          status_code: 404,
          duration_ms: 20,
        },
        {
          timestamp: 1_700_000_000,
          method: 'GET',
          path: '/api/providers/1',
          status_code: 200,
          duration_ms: 10,
        },
      ],
      providers: {},
      gateway: {
        total_requests: 0,
        total_errors: 0,
        error_rate: 0,
        average_duration_ms: 0,
        status_codes: {},
      },
      admin: {
        total_requests: 4,
        total_errors: 2,
        error_rate: 50,
        average_duration_ms: 15.25,
        status_codes: { '200': 1, '404': 2, '201': 1 },
      },
    })
  })

  it('answers zeros, not NaN, before any traffic', () => {
    const stats = createMetrics({ providers: () => [] }).stats()
    expect(stats).toMatchObject({
      total_requests: 0,
      error_rate: 0,
      average_duration_ms: 0,
      recent_requests: [],
    })
  })

  it('keeps memory bounded: random URLs share one key and only the last 10 requests are kept', () => {
    const metrics = createMetrics({ providers: () => [] })
    for (let i = 0; i < 5000; i++) metrics.recordHttp(http('GET', null, `/random/${i}`, 404, 1))
    const stats = metrics.stats()
    expect(Object.keys(stats.endpoints)).toEqual(['GET (unmatched)'])
    expect(stats.recent_requests).toHaveLength(RECENT_REQUESTS)
    expect(stats.recent_requests[0]?.path).toBe('/random/4999')
    expect(stats.recent_requests[9]?.path).toBe('/random/4990')
  })
})

describe('gateway figures per provider', () => {
  it('counts attempts and errors and gives p50/p95 latency over the last samples', () => {
    const metrics = createMetrics({ providers: () => [] })
    for (let ms = 1; ms <= 100; ms++) metrics.gatewayObserver.attempt(attempt({ durationMs: ms }))
    metrics.recordAttempt(attempt({ outcome: 'server_error', status: 502, durationMs: 50 }))
    metrics.recordAttempt(attempt({ outcome: 'aborted', status: null, durationMs: 99_999 }))
    metrics.recordAttempt(
      attempt({ providerId: 2, providerName: 'two', stream: true, ttfbMs: 40, durationMs: 5000 }),
    )
    expect(metrics.stats().providers).toEqual({
      '1': { name: 'one', requests: 102, errors: 1, p50_ms: 50, p95_ms: 95 },
      // a stream's latency is its time to first content
      '2': { name: 'two', requests: 1, errors: 0, p50_ms: 40, p95_ms: 40 },
    })
  })

  it('keeps only the last samples of a provider', () => {
    const metrics = createMetrics({ providers: () => [] })
    for (let i = 0; i < LATENCY_SAMPLES; i++) metrics.recordAttempt(attempt({ durationMs: 1000 }))
    for (let i = 0; i < LATENCY_SAMPLES; i++) metrics.recordAttempt(attempt({ durationMs: 10 }))
    expect(metrics.stats().providers['1']).toMatchObject({
      requests: 2 * LATENCY_SAMPLES,
      p50_ms: 10,
      p95_ms: 10,
    })
  })
})

describe('prometheus', () => {
  it('exposes requests, attempts, ttfb, overhead, provider gauges and process metrics', async () => {
    const providers = [
      { id: 1, name: 'one', is_healthy: true, consecutive_failures: 0 },
      { id: 2, name: 'two', is_healthy: false, consecutive_failures: 4 },
    ] as Provider[]
    const metrics = createMetrics({ providers: () => providers })
    metrics.recordHttp(http('GET', '/api/providers/:id', '/api/providers/1', 200, 12))
    metrics.recordAttempt(attempt({ outcome: 'timeout', status: null }))
    metrics.recordAttempt(attempt({ providerId: 2, providerName: 'two', stream: true, ttfbMs: 80 }))
    metrics.recordGatewayRequest({ status: 200, stream: true, attempts: 2, durationMs: 300, upstreamMs: 298 })
    const text = await metrics.prometheus()
    expect(text).toContain(
      'switchboard_http_requests_total{method="GET",route="/api/providers/{id}",status="200"} 1',
    )
    expect(text).toContain(
      'switchboard_gateway_upstream_attempts_total{provider_id="1",provider="one",outcome="timeout"} 1',
    )
    expect(text).toContain('switchboard_gateway_stream_ttfb_seconds_count{provider_id="2",provider="two"} 1')
    expect(text).toContain('switchboard_gateway_overhead_seconds_count 1')
    expect(text).toContain('switchboard_provider_healthy{provider_id="2",provider="two"} 0')
    expect(text).toContain('switchboard_provider_consecutive_failures{provider_id="2",provider="two"} 4')
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m)
  })

  it('counts tokens and cost of a request by provider and served model, by key only when asked', async () => {
    const detail = {
      at: 0,
      requestId: 'r1',
      clientKeyId: 7,
      endpoint: '/v1/chat/completions',
      model: 'route-x',
      route: 'route-x',
      providerId: 3,
      providerName: 'three',
      servedModel: 'model-m',
      errorCode: null,
      attempts: [],
      ttftMs: 250,
      usage: { input: 100, output: 10, cachedInput: null, reasoning: null },
    }
    const price = { inputPerMillion: 1, outputPerMillion: 2, cachedInputPerMillion: null }
    const request = { status: 200, stream: true, attempts: 1, durationMs: 300, upstreamMs: 290, detail }
    const plain = createMetrics({ providers: () => [], priceOf: () => price })
    plain.recordGatewayRequest(request)
    const text = await plain.prometheus()
    const series = 'provider_id="3",provider="three",model="model-m"'
    expect(text).toContain(`switchboard_gateway_tokens_total{${series},type="input"} 100`)
    expect(text).toContain(`switchboard_gateway_tokens_total{${series},type="output"} 10`)
    // zero counts leave no series
    expect(text).not.toContain('type="reasoning"')
    expect(text).toContain(`switchboard_gateway_cost_total{${series}} 0.00012`)
    expect(text).toContain(`switchboard_gateway_ttft_seconds_sum{${series}} 0.25`)
    const perKey = createMetrics({ providers: () => [], priceOf: () => price, perKey: true })
    perKey.recordGatewayRequest(request)
    expect(await perKey.prometheus()).toContain(
      `switchboard_gateway_tokens_total{${series},key_id="7",type="input"} 100`,
    )
  })

  it('keeps apps apart: each has its own registry', async () => {
    const a = createMetrics({ providers: () => [] })
    const b = createMetrics({ providers: () => [] })
    a.recordHttp(http('GET', '/ping', '/ping', 200, 1))
    expect(await b.prometheus()).not.toContain('route="/ping"')
  })
})
