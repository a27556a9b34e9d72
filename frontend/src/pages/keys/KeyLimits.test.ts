import { flushPromises, mount } from '@vue/test-utils'
import { NMessageProvider } from 'naive-ui'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h } from 'vue'
import type { ClientKey } from '../../api/types'
import KeyLimits from './KeyLimits.vue'

const fetchMock = vi.fn<typeof fetch>()
beforeEach(() => {
  fetchMock.mockReset()
  vi.stubGlobal('fetch', fetchMock)
})
afterEach(() => vi.unstubAllGlobals())

const key: ClientKey = {
  id: 7,
  name: 'ci',
  prefix: 'sb-abcdefg',
  created_at: '2026-12-01T00:00:00Z',
  last_used_at: null,
  allowed_models: null,
  requests_per_minute: 60,
  tokens_per_minute: null,
  max_concurrent: null,
  budget: null,
  budget_period: 'month',
  expires_at: null,
  disabled: false,
  usage: { requests_this_minute: 3, tokens_this_minute: 0, in_flight: 0, spend_this_period: 0 },
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' },
  })
}

function mountLimits(onSaved = vi.fn()) {
  const Host = defineComponent({
    setup: () => () => h(NMessageProvider, null, () => h(KeyLimits, { clientKey: key, onSaved })),
  })
  return mount(Host, { attachTo: document.body })
}

const fieldText = (w: ReturnType<typeof mountLimits>, id: string) =>
  w.find(`#${id}`).element.closest('.n-form-item')?.textContent ?? ''

async function submit(w: ReturnType<typeof mountLimits>) {
  await w.find('form').trigger('submit')
  await flushPromises()
}

describe('KeyLimits', () => {
  it('starts from the key policy and sends the changed limits as one PATCH', async () => {
    const onSaved = vi.fn()
    const w = mountLimits(onSaved)
    expect((w.find('#limit-requests_per_minute').element as HTMLInputElement).value).toBe('60')
    await w.find('#limit-budget').setValue('25')
    await w.find('#limit-allowed_models').setValue('gpt-4o\n claude-* \n')
    fetchMock.mockResolvedValue(json(200, { ...key, budget: 25 }))
    await submit(w)
    const [url, init] = fetchMock.mock.calls[0] ?? []
    expect(String(url)).toContain('/api/keys/7')
    expect(init?.method).toBe('PATCH')
    expect(JSON.parse(String(init?.body))).toMatchObject({
      allowed_models: ['gpt-4o', 'claude-*'],
      requests_per_minute: 60,
      budget: 25,
      tokens_per_minute: null,
    })
    expect(onSaved).toHaveBeenCalledWith(expect.objectContaining({ budget: 25 }))
    w.unmount()
  })

  it("asks a phone for its number pad on the number fields' inputs themselves", async () => {
    const w = mountLimits()
    const modeOf = (id: string) => w.find(`#${id}`).attributes('inputmode')
    expect(modeOf('limit-requests_per_minute')).toBe('numeric')
    expect(modeOf('limit-max_concurrent')).toBe('numeric')
    expect(modeOf('limit-budget')).toBe('decimal')
    expect(modeOf('limit-expires_at')).toBeUndefined()
    w.unmount()
  })

  it('refuses a bad value beside its field without calling the server', async () => {
    const w = mountLimits()
    await w.find('#limit-requests_per_minute').setValue('0')
    await submit(w)
    expect(fieldText(w, 'limit-requests_per_minute')).toContain('A whole number of at least 1')
    expect(fetchMock).not.toHaveBeenCalled()
    w.unmount()
  })

  it('shows the server field errors beside their fields', async () => {
    fetchMock.mockResolvedValue(
      json(422, {
        title: 'Unprocessable Content',
        status: 422,
        detail: 'expires_at must be an ISO 8601 time',
        errors: [{ field: 'expires_at', message: 'must be an ISO 8601 time such as 2027-01-31T00:00:00Z' }],
      }),
    )
    const w = mountLimits()
    await w.find('#limit-expires_at').setValue('2027-01-31T00:00')
    await submit(w)
    expect(fieldText(w, 'limit-expires_at')).toContain('ISO 8601')
    w.unmount()
  })
})
