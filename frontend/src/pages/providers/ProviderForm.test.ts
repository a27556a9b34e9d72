import { flushPromises, mount } from '@vue/test-utils'
import { NMessageProvider } from 'naive-ui'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h } from 'vue'
import { providersApi } from '../../api/providers'
import type { Provider, ProviderKindInfo } from '../../api/types'
import ProviderForm from './ProviderForm.vue'

const fetchMock = vi.fn<typeof fetch>()

/** What the server's GET /api/provider-kinds answers (backend/src/domain/provider-kinds.ts). */
const KIND_TABLE: ProviderKindInfo[] = [
  {
    kind: 'openai',
    endpoints: ['chat', 'completions', 'embeddings', 'models', 'responses'],
    key_header: 'authorization',
  },
  { kind: 'anthropic', endpoints: ['messages', 'count_tokens', 'models'], key_header: 'x-api-key' },
  { kind: 'azure', endpoints: ['chat', 'embeddings', 'models'], key_header: 'api-key' },
]

beforeEach(() => {
  fetchMock.mockReset()
  vi.stubGlobal('fetch', fetchMock)
  // the kinds' table is read once per page load; each test here counts only the form's own calls
  vi.spyOn(providersApi, 'kinds').mockResolvedValue(KIND_TABLE)
})
afterEach(() => {
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
})

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' },
  })
}

const saved: Provider = {
  id: 7,
  name: 'OpenAI',
  base_url: 'https://api.openai.com/v1',
  kind: 'openai',
  endpoints: null,
  continuation: null,
  models: ['gpt-4o'],
  is_active: true,
  health_check_path: '/models',
  status: null,
  latency_ms: null,
  last_tested_at: null,
  consecutive_failures: 0,
  is_healthy: true,
  health_override: null,
  has_api_key: true,
  api_key_hint: 'sk-…9f2c',
  created_at: '2024-01-01T00:00:00Z',
  updated_at: '2024-01-01T00:00:00Z',
}

function mountForm(provider?: Provider) {
  const Host = defineComponent({
    setup:
      (_, { attrs }) =>
      () =>
        h(NMessageProvider, null, () => h(ProviderForm, { provider, ...attrs })),
  })
  return mount(Host, { attachTo: document.body })
}

/** The form item (label + control + feedback) that holds the control with this id. */
function fieldText(wrapper: ReturnType<typeof mountForm>, id: string): string {
  const item = wrapper.find(`#${id}`).element.closest('.n-form-item')
  return item?.textContent ?? ''
}

async function fill(wrapper: ReturnType<typeof mountForm>, id: string, value: string): Promise<void> {
  await wrapper.find(`#${id}`).setValue(value)
}

async function submit(wrapper: ReturnType<typeof mountForm>): Promise<void> {
  await wrapper.find('form').trigger('submit')
  await flushPromises()
}

describe('ProviderForm', () => {
  it('labels every field so it can be found by its label', () => {
    const wrapper = mountForm()
    for (const id of [
      'provider-name',
      'provider-base-url',
      'provider-kind',
      'provider-endpoints',
      'provider-api-key',
      'provider-models',
    ]) {
      expect(wrapper.find(`label[for="${id}"]`).exists()).toBe(true)
      expect(wrapper.find(`#${id}`).exists()).toBe(true)
    }
    wrapper.unmount()
  })

  it('refuses an empty name and a URL that is not http(s) without calling the server', async () => {
    const wrapper = mountForm()
    await fill(wrapper, 'provider-base-url', 'ftp://files.example.com')
    await submit(wrapper)
    expect(fieldText(wrapper, 'provider-name')).toContain('Give the provider a name.')
    expect(fieldText(wrapper, 'provider-base-url')).toContain('Use an absolute http:// or https:// URL.')
    expect(fetchMock).not.toHaveBeenCalled()
    wrapper.unmount()
  })

  it('refuses a relative URL', async () => {
    const wrapper = mountForm()
    await fill(wrapper, 'provider-name', 'Local')
    await fill(wrapper, 'provider-base-url', 'localhost:8080/v1')
    await submit(wrapper)
    expect(fieldText(wrapper, 'provider-base-url')).toContain('absolute http')
    expect(fetchMock).not.toHaveBeenCalled()
    wrapper.unmount()
  })

  it('shows the server field errors beside their fields', async () => {
    fetchMock.mockResolvedValue(
      json(422, {
        type: 'about:blank',
        title: 'Unprocessable Entity',
        status: 422,
        detail: 'Validation failed',
        errors: [{ field: 'base_url', message: 'link-local addresses are refused' }],
      }),
    )
    const wrapper = mountForm()
    await fill(wrapper, 'provider-name', 'Metadata')
    await fill(wrapper, 'provider-base-url', 'http://169.254.169.254/v1')
    await submit(wrapper)
    expect(fetchMock).toHaveBeenCalledOnce()
    expect(fieldText(wrapper, 'provider-base-url')).toContain('Link-local addresses are refused')
    expect(fieldText(wrapper, 'provider-name')).not.toContain('link-local')
    wrapper.unmount()
  })

  it('explains a duplicate name beside the name field', async () => {
    fetchMock.mockResolvedValue(
      json(409, { title: 'Conflict', status: 409, detail: 'A provider named OpenAI exists' }),
    )
    const wrapper = mountForm()
    await fill(wrapper, 'provider-name', 'OpenAI')
    await fill(wrapper, 'provider-base-url', 'https://api.openai.com/v1')
    await submit(wrapper)
    expect(fieldText(wrapper, 'provider-name')).toContain('A provider named OpenAI exists')
    wrapper.unmount()
  })

  it('creates a provider with the trimmed values and emits it', async () => {
    fetchMock.mockResolvedValue(json(201, saved))
    const onSaved = vi.fn()
    const Host = defineComponent({
      setup: () => () => h(NMessageProvider, null, () => h(ProviderForm, { onSaved })),
    })
    const wrapper = mount(Host, { attachTo: document.body })
    await wrapper.find('#provider-name').setValue('  OpenAI ')
    await wrapper.find('#provider-base-url').setValue('https://api.openai.com/v1')
    await wrapper.find('#provider-api-key').setValue('sk-secret')
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    const [url, init] = fetchMock.mock.calls[0] ?? []
    expect(url).toBe('/api/providers')
    expect(JSON.parse(String(init?.body))).toMatchObject({
      name: 'OpenAI',
      base_url: 'https://api.openai.com/v1',
      api_key: 'sk-secret',
      models: [],
    })
    expect(onSaved).toHaveBeenCalledWith(saved)
    wrapper.unmount()
  })

  it('never shows a stored key, only its hint, and asks for it again when the host changes', async () => {
    const wrapper = mountForm(saved)
    const keyInput = wrapper.find('#provider-api-key').element as HTMLInputElement
    expect(keyInput.value).toBe('')
    expect(keyInput.placeholder).toContain('sk-…9f2c')
    await fill(wrapper, 'provider-base-url', 'https://other.example.com/v1')
    await submit(wrapper)
    expect(fieldText(wrapper, 'provider-api-key')).toContain('enter the API key again')
    expect(fetchMock).not.toHaveBeenCalled()
    wrapper.unmount()
  })

  it("shows a provider's kind and narrowed endpoints, and says how its key is sent", async () => {
    const wrapper = mountForm({ ...saved, kind: 'anthropic', endpoints: ['messages'], has_api_key: false })
    await flushPromises() // the kinds' table
    expect(fieldText(wrapper, 'provider-kind')).toContain('Anthropic')
    expect(fieldText(wrapper, 'provider-endpoints')).toContain('messages')
    expect((wrapper.find('#provider-api-key').element as HTMLInputElement).placeholder).toContain('x-api-key')
    wrapper.unmount()
  })

  it('sends only the changed fields when editing', async () => {
    fetchMock.mockResolvedValue(json(200, { ...saved, name: 'OpenAI EU' }))
    const wrapper = mountForm(saved)
    await fill(wrapper, 'provider-name', 'OpenAI EU')
    await submit(wrapper)
    const [url, init] = fetchMock.mock.calls[0] ?? []
    expect(url).toBe('/api/providers/7')
    expect(init?.method).toBe('PATCH')
    expect(JSON.parse(String(init?.body))).toEqual({ name: 'OpenAI EU' })
    wrapper.unmount()
  })

  it('clears an error as soon as its field is fixed, before the next submit', async () => {
    const wrapper = mountForm()
    await fill(wrapper, 'provider-base-url', 'ftp://files.example.com')
    await submit(wrapper)
    expect(fieldText(wrapper, 'provider-name')).toContain('Give the provider a name.')
    await fill(wrapper, 'provider-name', 'Fixed')
    await flushPromises()
    expect(fieldText(wrapper, 'provider-name')).not.toContain('Give the provider a name.')
    expect(fieldText(wrapper, 'provider-base-url')).toContain('absolute http')
    await fill(wrapper, 'provider-base-url', 'https://api.example.com/v1')
    await flushPromises()
    expect(fieldText(wrapper, 'provider-base-url')).not.toContain('absolute http')
    wrapper.unmount()
  })

  it('fetches the models of a saved provider by id, so its stored key stays on the server', async () => {
    fetchMock.mockResolvedValue(
      json(200, { status: 'online', status_code: 200, latency_ms: 3, detail: null, models: ['a', 'b'] }),
    )
    const wrapper = mountForm({ ...saved, models: [] })
    const button = wrapper.findAll('button').find((b) => b.text() === 'Fetch models')
    await button?.trigger('click')
    await flushPromises()
    const [url, init] = fetchMock.mock.calls[0] ?? []
    expect(url).toBe('/api/providers/7/models')
    expect(init?.body).toBeUndefined()
    expect(wrapper.text()).toContain('Filled 2 models from /models.')
    wrapper.unmount()
  })

  it('probes the saved provider after saving when the dialog tested it, so its row shows the result', async () => {
    const online = { status: 'online', status_code: 200, latency_ms: 3, detail: null }
    fetchMock
      .mockResolvedValueOnce(json(200, online))
      .mockResolvedValueOnce(json(201, saved))
      .mockResolvedValueOnce(json(200, online))
    const wrapper = mountForm()
    await fill(wrapper, 'provider-name', 'OpenAI')
    await fill(wrapper, 'provider-base-url', 'https://api.openai.com/v1')
    const test = wrapper.findAll('button').find((b) => b.text() === 'Test connection')
    await test?.trigger('click')
    await flushPromises()
    await submit(wrapper)
    expect(fetchMock.mock.calls.map((c) => c[0])).toEqual([
      '/api/providers/test-direct',
      '/api/providers',
      '/api/providers/7/test',
    ])
    wrapper.unmount()
  })
})
