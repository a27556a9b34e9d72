/**
 * What a provider must be beyond its schema (fields.ts), wherever it comes from: create, PATCH and
 * restore all check through `providerFieldErrors`, so a backup can hold nothing the API would have
 * refused (a metadata URL, credentials in the URL, a blank name).
 */
import type { FieldError } from '../core/errors.js'
import { checkProviderUrl } from './url-policy.js'

/** The fields these rules read; absent ones are not checked (a PATCH sends only some). */
export interface ProviderFields {
  name?: string
  base_url?: string
  models?: readonly string[]
  health_check_path?: string
  api_key?: string | null
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
  return errors
}

/** Trailing slashes go, so `${base_url}/chat/completions` never has a double slash. */
export function normalizeBaseUrl(url: string): string {
  return url.trim().replace(/\/+$/, '')
}
