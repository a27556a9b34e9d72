import { flushPromises, mount } from '@vue/test-utils'
import { NMessageProvider } from 'naive-ui'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { h } from 'vue'
import type { Stats } from '../../api/types'
import Observability from './Observability.vue'

const stats: Stats = {
  mode: 'production',
  uptime_seconds: 3725,
  total_requests: 120,
  total_errors: 30,
  error_rate: 25,
  average_duration_ms: 12.5,
  status_codes: { '200': 90, '500': 30 },
  endpoints: {
    'GET /api/providers': { count: 100, total_duration_ms: 1000, avg_duration_ms: 10, error_count: 40 },
    'POST /v1/chat/completions': { count: 20, total_duration_ms: 400, avg_duration_ms: 20, error_count: 0 },
  },
  recent_requests: [],
  providers: {},
  gateway: {
    total_requests: 20,
    total_errors: 0,
    error_rate: 0,
    average_duration_ms: 20,
    status_codes: { '200': 20 },
  },
  admin: {
    total_requests: 100,
    total_errors: 30,
    error_rate: 30,
    average_duration_ms: 10,
    status_codes: { '200': 70, '401': 30 },
  },
}

const history = {
  resolution_seconds: 60,
  points: [
    {
      timestamp: 1_700_000_040,
      gateway: { requests: 20, errors: 0, avg_duration_ms: 20 },
      admin: { requests: 100, errors: 30, avg_duration_ms: 10 },
    },
  ],
}

const fetchMock = vi.fn<typeof fetch>()
beforeEach(() => {
  fetchMock.mockReset()
  fetchMock.mockImplementation(async (input) => {
    const url = String(input)
    const body = url.startsWith('/api/admin/logs')
      ? {
          logs: [
            {
              timestamp: '2024-01-15T10:30:00Z',
              level: 'ERROR',
              logger: 'x',
              message: 'upstream failed',
              request_id: 'req-1',
              method: 'POST',
              path: '/v1/chat/completions',
              status_code: 502,
              duration_ms: 40,
            },
          ],
          total: 1,
          matched: 1,
        }
      : url.startsWith('/api/admin/stats/history')
        ? history
        : stats
    return new Response(JSON.stringify(body), {
      status: 200,
      headers: { 'Content-Type': 'application/json' },
    })
  })
  vi.stubGlobal('fetch', fetchMock)
})
afterEach(() => vi.unstubAllGlobals())

describe('Observability', () => {
  it("shows the gateway's figures by default: the admin API's 401s are not its error rate", async () => {
    const wrapper = mount(
      { render: () => h(NMessageProvider, null, () => h(Observability)) },
      { attachTo: document.body },
    )
    await flushPromises()
    const text = wrapper.text()
    expect(text).toContain('1h 2m')
    expect(wrapper.find('[data-testid="total-requests"]').text()).toContain('20')
    expect(wrapper.find('[data-testid="health-badge"]').text()).toBe('Healthy')
    expect(text).toContain('POST /v1/chat/completions')
    expect(text).not.toContain('GET /api/providers')
    // the chart draws from the server's history on arrival
    expect(
      fetchMock.mock.calls.some(([url]) => String(url).startsWith('/api/admin/stats/history?minutes=60')),
    ).toBe(true)
    expect(text).not.toContain('No gateway requests in this window')
    expect(fetchMock.mock.calls.some(([url]) => String(url).startsWith('/api/admin/logs?limit=10'))).toBe(
      true,
    )
    expect(text).toContain('upstream failed')
    expect(text).toContain('req-1')

    const adminButton = wrapper.findAll('label').find((l) => l.text() === 'Admin API')
    await adminButton?.find('input').setValue(true)
    await flushPromises()
    expect(wrapper.find('[data-testid="health-badge"]').text()).toBe('Warning')
    const endpoints = wrapper.get('[aria-label="Top endpoints"]').text()
    expect(endpoints).toContain('GET /api/providers')
    expect(endpoints).not.toContain('POST /v1/chat/completions')
    wrapper.unmount()
  })
})
