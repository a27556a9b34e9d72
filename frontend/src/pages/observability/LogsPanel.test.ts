import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import LogsPanel from './LogsPanel.vue'

const REQUEST_ID = '3f2c1b7e-9a4d-4c1e-8b2f-0d6a5e4c3b21'

const lines = [
  {
    timestamp: '2024-01-15T10:30:01Z',
    level: 'WARNING',
    logger: 'switchboard.http',
    message: 'upstream attempt failed',
    request_id: REQUEST_ID,
    method: 'POST',
    path: '/v1/chat/completions',
    fields: { provider: 'flaky-up', providerId: 1, upstreamStatus: 500, outcome: 'http_error' },
  },
  {
    timestamp: '2024-01-15T10:30:00Z',
    level: 'WARNING',
    logger: 'switchboard.health',
    message: 'provider turned unhealthy',
    fields: { name: 'flaky-up', providerId: 1, consecutiveFailures: 3 },
  },
]

const fetchMock = vi.fn<typeof fetch>()
beforeEach(() => {
  fetchMock.mockReset()
  fetchMock.mockImplementation(async () => {
    return new Response(JSON.stringify({ logs: lines, total: 40, matched: 2 }), {
      status: 200,
      headers: { 'Content-Type': 'application/json' },
    })
  })
  vi.stubGlobal('fetch', fetchMock)
})
afterEach(() => vi.unstubAllGlobals())

/** The page reloads the panel (with the figures); here the test does. */
async function mounted() {
  const wrapper = mount(LogsPanel, { attachTo: document.body })
  await (wrapper.vm as unknown as { reload: () => Promise<void> }).reload()
  await flushPromises()
  return wrapper
}

const urls = () => fetchMock.mock.calls.map(([url]) => String(url))

describe('LogsPanel', () => {
  it('shows the full request id and the provider and status of each line', async () => {
    const wrapper = await mounted()
    const text = wrapper.text()
    expect(text).toContain(REQUEST_ID)
    expect(text).toContain('flaky-up · upstream 500')
    expect(text).toContain('provider turned unhealthy')
    expect(text).toContain('Showing 2 of 2 matching (40 held)')
    wrapper.unmount()
  })

  it('opens a detail view of every field from a keyboard-reachable button', async () => {
    const wrapper = await mounted()
    const expander = wrapper
      .findAll('button[aria-expanded]')
      .find((b) => b.attributes('aria-label')?.startsWith('Show details of "provider turned unhealthy"'))
    if (!expander) throw new Error('no expander for the health line')
    expect(expander.attributes('aria-expanded')).toBe('false')
    await expander.trigger('click')
    await flushPromises()
    const detail = wrapper.get('dl.detail').text()
    expect(detail).toContain('consecutiveFailures')
    expect(detail).toContain('switchboard.health')
    wrapper.unmount()
  })

  it('asks the server for the chosen text, and for every line of a clicked request id', async () => {
    vi.useFakeTimers()
    const wrapper = await mounted()
    await wrapper.get('input[aria-label="Search the logs"]').setValue('flaky')
    vi.advanceTimersByTime(400)
    await flushPromises()
    expect(urls().some((u) => u.includes('q=flaky'))).toBe(true)
    vi.useRealTimers()

    await wrapper.get('button.request-id').trigger('click')
    await flushPromises()
    expect(urls().at(-1)).toContain(`request_id=${REQUEST_ID}`)
    expect(urls().at(-1)).not.toContain('q=')
    expect(wrapper.text()).toContain(`Every line of request ${REQUEST_ID}`)
    await wrapper.get('button:not(.request-id)').trigger('click')
    wrapper.unmount()
  })
})
