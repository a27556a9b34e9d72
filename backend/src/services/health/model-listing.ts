/**
 * "Fetch models" of the provider form: `GET {base_url}/models` through the probe (the same URL
 * policy, no redirects, the same timeout and detail words), its OpenAI-shaped list turned into model
 * names. The key is used server-side only; nothing is recorded.
 */

import type { Dispatcher } from 'undici'
import { ModelList, ModelName } from '../../domain/fields.js'
import type { ProviderKind } from '../../domain/provider-kinds.js'
import { type ProbeResult, probe } from './probe.js'

export interface ModelListing extends ProbeResult {
  models: string[]
}

/** A `/models` answer is small (~100 bytes a model); 4 MB holds tens of thousands. */
const LIST_LIMIT = 4 * 1024 * 1024
/** The bounds a provider's model list is saved with: whatever is fetched can be saved as is. */
const MODELS_MAX = ModelList.maxItems ?? 5000
const MODEL_NAME_MAX = ModelName.maxLength ?? 300

/** The ids of `{ data: [{ id }] }` (OpenAI, vLLM, LM Studio) or `{ models: [{ name }] }` (Ollama's /api/tags). */
export function parseModelList(text: string): string[] | null {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return null
  }
  if (!parsed || typeof parsed !== 'object') return null
  const record = parsed as { data?: unknown; models?: unknown }
  const items = Array.isArray(record.data) ? record.data : Array.isArray(record.models) ? record.models : null
  if (!items) return null
  const names = new Set<string>()
  for (const item of items) {
    const name =
      typeof item === 'string'
        ? item
        : item && typeof item === 'object'
          ? ((item as { id?: unknown; name?: unknown }).id ?? (item as { name?: unknown }).name)
          : undefined
    if (typeof name === 'string' && name.trim() !== '' && name.length <= MODEL_NAME_MAX)
      names.add(name.trim())
    if (names.size >= MODELS_MAX) break
  }
  return [...names].sort((a, b) => a.localeCompare(b))
}

export async function listModels(
  target: { kind?: ProviderKind; base_url: string; api_key: string | null },
  timeoutMs: number,
  dispatcher: Dispatcher,
): Promise<ModelListing> {
  const { body, ...result } = await probe(
    { ...target, health_check_path: '/models' },
    timeoutMs,
    dispatcher,
    undefined,
    { keepBody: LIST_LIMIT },
  )
  if (body === undefined) return { ...result, models: [] }
  const models = parseModelList(body)
  if (models === null)
    return { ...result, status: 'degraded', detail: 'the answer of /models is not a model list', models: [] }
  return { ...result, models }
}
