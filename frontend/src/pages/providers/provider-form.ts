import type { Provider, ProviderInput, ProviderKindInfo, ProviderPatch } from '../../api/types'

export type ProviderKind = Provider['kind']
export type ProviderEndpoint = NonNullable<Provider['endpoints']>[number]

/** How the form names each kind; what a kind serves comes from the server (`GET /api/provider-kinds`). */
export const KIND_LABELS: Record<ProviderKind, string> = {
  openai: 'OpenAI-compatible',
  anthropic: 'Anthropic',
  azure: 'Azure OpenAI',
}

export const KIND_OPTIONS = (Object.keys(KIND_LABELS) as ProviderKind[]).map((k) => ({
  label: KIND_LABELS[k],
  value: k,
}))

/** The endpoints `kind` serves by the server's table; null while it has not loaded. */
export function servedBy(
  kinds: readonly ProviderKindInfo[] | undefined,
  kind: ProviderKind,
): ProviderEndpoint[] | null {
  return kinds?.find((k) => k.kind === kind)?.endpoints ?? null
}

/** The key field's hint: the header the server says this kind's key travels in. */
export function keyHintOf(kinds: readonly ProviderKindInfo[] | undefined, kind: ProviderKind): string {
  const header = kinds?.find((k) => k.kind === kind)?.key_header
  if (!header) return 'Optional'
  return header === 'authorization' ? 'Optional; sent as a Bearer token' : `Optional; sent as ${header}`
}

export interface ProviderFormState {
  name: string
  base_url: string
  kind: ProviderKind
  /** Empty: every endpoint of the kind. */
  endpoints: ProviderEndpoint[]
  api_key: string
  remove_key: boolean
  models: string[]
  is_active: boolean
  health_check_path: string
  /** How a stream cut mid-answer is continued here ('auto': by kind, prefill for anthropic, restart otherwise). */
  continuation: 'auto' | 'prefill' | 'restart'
}

export const CONTINUATION_OPTIONS: { label: string; value: ProviderFormState['continuation'] }[] = [
  { label: 'By kind (default): prefill for Anthropic, restart otherwise', value: 'auto' },
  { label: 'Prefill: it continues the text sent', value: 'prefill' },
  { label: 'Restart: ask again, use it only if it begins with the text sent', value: 'restart' },
]

export const PROVIDER_FIELDS = [
  'name',
  'base_url',
  'kind',
  'endpoints',
  'api_key',
  'models',
  'health_check_path',
  'continuation',
] as const
export type ProviderField = (typeof PROVIDER_FIELDS)[number]
export type FieldErrors = Partial<Record<ProviderField, string>>

export const DEFAULT_HEALTH_CHECK_PATH = '/models'

export function emptyProviderForm(): ProviderFormState {
  return {
    name: '',
    base_url: '',
    kind: 'openai',
    endpoints: [],
    api_key: '',
    remove_key: false,
    models: [],
    is_active: true,
    health_check_path: DEFAULT_HEALTH_CHECK_PATH,
    continuation: 'auto',
  }
}

export function providerToForm(provider: Provider): ProviderFormState {
  return {
    name: provider.name,
    base_url: provider.base_url,
    kind: provider.kind,
    endpoints: [...(provider.endpoints ?? [])],
    api_key: '',
    remove_key: false,
    models: [...provider.models],
    is_active: provider.is_active,
    health_check_path: provider.health_check_path || DEFAULT_HEALTH_CHECK_PATH,
    continuation: provider.continuation ?? 'auto',
  }
}

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value)
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== ''
  } catch {
    return false
  }
}

function hostOf(value: string): string | null {
  try {
    return new URL(value).host
  } catch {
    return null
  }
}

/** The same rules the server applies, checked before sending so mistakes show at once. */
export function validateProviderForm(
  form: ProviderFormState,
  original?: Provider,
  kinds?: readonly ProviderKindInfo[],
): FieldErrors {
  const errors: FieldErrors = {}
  if (form.name.trim() === '') errors.name = 'Give the provider a name.'
  const url = form.base_url.trim()
  if (url === '') errors.base_url = 'Enter the base URL, e.g. https://api.openai.com/v1.'
  else if (!isHttpUrl(url)) errors.base_url = 'Use an absolute http:// or https:// URL.'
  // until the server's table has loaded, the server's own check is the one that answers
  const served = servedBy(kinds, form.kind)
  const foreign = served && form.endpoints.find((e) => !served.includes(e))
  if (foreign) errors.endpoints = `${KIND_LABELS[form.kind]} providers do not serve ${foreign}.`
  if (form.models.some((m) => m.trim() === '')) errors.models = 'Model names cannot be empty.'
  const path = form.health_check_path.trim()
  if (path !== '' && !path.startsWith('/'))
    errors.health_check_path = 'Start the path with a slash, e.g. /models.'
  if (original && !errors.base_url && original.has_api_key && !form.api_key && !form.remove_key) {
    const before = hostOf(original.base_url)
    if (before !== null && hostOf(url) !== before) {
      errors.api_key =
        'The host changed: enter the API key again (or remove it) so it is not sent to a new host.'
    }
  }
  return errors
}

function cleanModels(models: string[]): string[] {
  return [...new Set(models.map((m) => m.trim()).filter((m) => m !== ''))]
}

/** The body of a POST for a new provider. */
export function formToCreate(form: ProviderFormState): ProviderInput {
  const input: ProviderInput = {
    name: form.name.trim(),
    base_url: form.base_url.trim(),
    kind: form.kind,
    endpoints: form.endpoints.length > 0 ? [...form.endpoints] : null,
    models: cleanModels(form.models),
    is_active: form.is_active,
    health_check_path: form.health_check_path.trim() || DEFAULT_HEALTH_CHECK_PATH,
  }
  if (form.continuation !== 'auto') input.continuation = form.continuation
  if (form.api_key) input.api_key = form.api_key
  return input
}

/** The body of a PATCH: only what changed; the key only when typed in or removed. */
export function formToPatch(form: ProviderFormState, original: Provider): ProviderPatch {
  const next = formToCreate(form)
  const patch: ProviderPatch = {}
  if (next.name !== original.name) patch.name = next.name
  if (next.base_url !== original.base_url) patch.base_url = next.base_url
  if (next.kind !== original.kind) patch.kind = next.kind
  if (JSON.stringify(next.endpoints) !== JSON.stringify(original.endpoints ?? null))
    patch.endpoints = next.endpoints
  if (JSON.stringify(next.models) !== JSON.stringify(original.models)) patch.models = next.models
  if (next.is_active !== original.is_active) patch.is_active = next.is_active
  if (next.health_check_path !== original.health_check_path) patch.health_check_path = next.health_check_path
  const continuation = next.continuation ?? null
  if (continuation !== (original.continuation ?? null)) patch.continuation = continuation
  if (form.remove_key) patch.api_key = null
  else if (form.api_key) patch.api_key = form.api_key
  return patch
}
