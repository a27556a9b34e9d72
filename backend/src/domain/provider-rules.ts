/**
 * What a provider must be beyond its schema (fields.ts), wherever it comes from: create, PATCH and
 * restore all check through `providerFieldErrors`, so a backup can hold nothing the API would have
 * refused (a metadata URL, credentials in the URL, a blank name).
 */
import type { FieldError } from '../core/errors.js'
import { kindEndpoints, type ProviderEndpoint, type ProviderKind } from './provider-kinds.js'
import { checkProviderUrl } from './url-policy.js'

/** The fields these rules read; absent ones are not checked (a PATCH sends only some). */
export interface ProviderFields {
  name?: string
  base_url?: string
  models?: readonly string[]
  health_check_path?: string
  api_key?: string | null
  kind?: ProviderKind
  endpoints?: readonly ProviderEndpoint[] | null
}

export function providerFieldErrors(input: ProviderFields): FieldError[] {
  const errors: FieldError[] = []
  if (input.name !== undefined && input.name.trim() === '')
    errors.push({ field: 'name', message: 'must not be empty' })
  if (input.base_url !== undefined) {
    const problem = checkProviderUrl(input.base_url.trim())
    if (problem) errors.push({ field: 'base_url', message: problem })
  }
  input.models?.forEach((model, i) => {
    if (model.trim() === '') errors.push({ field: `models[${i}]`, message: 'must not be empty' })
  })
  if (input.health_check_path !== undefined && !input.health_check_path.startsWith('/')) {
    errors.push({ field: 'health_check_path', message: 'must start with /' })
  }
  if (input.api_key !== undefined && input.api_key !== null && input.api_key.trim() === '') {
    errors.push({ field: 'api_key', message: 'must not be empty; send null to remove the key' })
  }
  if (input.endpoints !== undefined && input.endpoints !== null) {
    if (input.endpoints.length === 0)
      errors.push({
        field: 'endpoints',
        message: "must name at least one endpoint; null for all of the kind's",
      })
    const kind = input.kind ?? 'openai'
    const served = kindEndpoints(kind)
    input.endpoints.forEach((endpoint, i) => {
      if (!served.includes(endpoint))
        errors.push({ field: `endpoints[${i}]`, message: `${endpoint} is not served by kind ${kind}` })
    })
  }
  return errors
}

/**
 * Trailing slashes of the path go, so `${base_url}/chat/completions` never has a double slash; a
 * query (Azure's `?api-version=…`) stays, after the path.
 */
export function normalizeBaseUrl(url: string): string {
  const trimmed = url.trim()
  const at = trimmed.indexOf('?')
  if (at < 0) return trimmed.replace(/\/+$/, '')
  return `${trimmed.slice(0, at).replace(/\/+$/, '')}${trimmed.slice(at)}`
}
