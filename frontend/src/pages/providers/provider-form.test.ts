import { describe, expect, it } from 'vitest'
import type { Provider, ProviderKindInfo } from '../../api/types'
import {
  emptyProviderForm,
  formToCreate,
  formToPatch,
  keyHintOf,
  type ProviderFormState,
  providerToForm,
  validateProviderForm,
} from './provider-form'

const anthropic: Provider = {
  id: 3,
  name: 'Claude',
  base_url: 'https://api.anthropic.com/v1',
  kind: 'anthropic',
  endpoints: ['messages'],
  models: [],
  is_active: true,
  health_check_path: '/models',
  continuation: null,
  status: null,
  latency_ms: null,
  last_tested_at: null,
  consecutive_failures: 0,
  is_healthy: true,
  health_override: null,
  has_api_key: false,
  api_key_hint: null,
  created_at: '2024-01-01T00:00:00Z',
  updated_at: '2024-01-01T00:00:00Z',
}

describe('the provider form state', () => {
  it('creates openai providers with every endpoint unless told otherwise', () => {
    const form = { ...emptyProviderForm(), name: 'x', base_url: 'https://x.io/v1' }
    expect(formToCreate(form)).toMatchObject({ kind: 'openai', endpoints: null })
    expect(formToCreate({ ...form, kind: 'azure', endpoints: ['chat'] })).toMatchObject({
      kind: 'azure',
      endpoints: ['chat'],
    })
  })

  it("refuses an endpoint the kind does not serve by the server's table, before sending", () => {
    const form = { ...emptyProviderForm(), name: 'x', base_url: 'https://x.io/v1' }
    const kinds: ProviderKindInfo[] = [
      { kind: 'anthropic', endpoints: ['messages', 'count_tokens', 'models'], key_header: 'x-api-key' },
    ]
    const check = (endpoints: ProviderFormState['endpoints']) =>
      validateProviderForm({ ...form, kind: 'anthropic', endpoints }, undefined, kinds).endpoints
    expect(check(['chat'])).toBe('Anthropic providers do not serve chat.')
    expect(check(['messages'])).toBeUndefined()
    // the table not loaded yet: the server's check answers instead of a guess here
    expect(
      validateProviderForm({ ...form, kind: 'anthropic', endpoints: ['chat'] }).endpoints,
    ).toBeUndefined()
    expect(keyHintOf(kinds, 'anthropic')).toBe('Optional; sent as x-api-key')
  })

  it('patches kind and endpoints only when they changed; an emptied list means every endpoint', () => {
    const form = providerToForm(anthropic)
    expect(formToPatch(form, anthropic)).toEqual({})
    expect(formToPatch({ ...form, endpoints: [] }, anthropic)).toEqual({ endpoints: null })
    expect(formToPatch({ ...form, kind: 'azure', endpoints: [] }, anthropic)).toEqual({
      kind: 'azure',
      endpoints: null,
    })
  })

  it('sends the continuation only when it is set, and null when set back to the default', () => {
    const form = { ...emptyProviderForm(), name: 'x', base_url: 'https://x.io/v1' }
    expect(formToCreate(form).continuation).toBeUndefined()
    expect(formToCreate({ ...form, continuation: 'restart' }).continuation).toBe('restart')
    const restarting = { ...anthropic, continuation: 'restart' as const }
    expect(formToPatch(providerToForm(restarting), restarting)).toEqual({})
    expect(formToPatch({ ...providerToForm(restarting), continuation: 'auto' }, restarting)).toEqual({
      continuation: null,
    })
  })
})
