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
    'GET /api/providers': { count: 100, total_duration_ms: 1000, avg_duration_ms: 10, error_count: 0 },
  },
  recent_requests: [],
  providers: {},
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
        }
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
  it('shows uptime, totals, the warning badge above 20% errors, endpoints and the logs', async () => {
    const wrapper = mount(
      { render: () => h(NMessageProvider, null, () => h(Observability)) },
      { attachTo: document.body },
    )
    await flushPromises()
    const text = wrapper.text()
    expect(text).toContain('1h 2m')
    expect(text).toContain('120')
    expect(wrapper.find('[data-testid="health-badge"]').text()).toBe('Warning')
    expect(text).toContain('GET /api/providers')
    expect(fetchMock.mock.calls.some(([url]) => String(url).startsWith('/api/admin/logs?limit=10'))).toBe(
      true,
    )
    expect(text).toContain('upstream failed')
    expect(text).toContain('req-1')
    wrapper.unmount()
  })
})
