/** Provider use-cases: create, read, update, delete, with sealed keys and the URL policy. */
import { nowIso } from '../../core/clock.js'
import { type KeyBox, keyHint } from '../../core/crypto.js'
import {
  AppError,
  fieldError,
  idSpaceExhausted,
  invalidFields,
  nameTaken,
  providerNotFound,
} from '../../core/errors.js'
import { isForeignKeyViolation, isIdSpaceExhausted, isUniqueViolation } from '../../db/errors.js'
import type { DeleteOutcome, ProviderRowPatch, ProvidersRepo } from '../../db/providers.repo.js'
import { rowToProvider } from '../../db/providers.repo.js'
import type { NewProvider, ProviderPatch, PublicProvider } from '../../domain/model.js'
import { DEFAULT_KIND } from '../../domain/provider-kinds.js'
import { normalizeBaseUrl, providerFieldErrors } from '../../domain/provider-rules.js'
import { originOf, sameOrigin } from '../../domain/url-policy.js'
import type { ConfigChanges } from './config-changes.js'

export function toPublicProvider(row: Parameters<typeof rowToProvider>[0]): PublicProvider {
  const { api_key_sealed, api_key_hint, ...provider } = rowToProvider(row)
  return {
    ...provider,
    has_api_key: api_key_sealed !== null,
    api_key_hint: api_key_sealed ? api_key_hint : null,
  }
}

function checkFields(input: ProviderPatch): void {
  const errors = providerFieldErrors(input)
  if (errors.length > 0) throw invalidFields('invalid provider: ', errors)
}

export function createInventory(deps: { providers: ProvidersRepo; keyBox: KeyBox; changes: ConfigChanges }) {
  async function requireRow(id: number) {
    const row = await deps.providers.get(id)
    if (!row) throw providerNotFound(id)
    return row
  }

  /** Sealed for the origin of `baseUrl`: the key opens for that origin only (core/crypto.ts). */
  function sealKey(apiKey: string | null | undefined, baseUrl: string) {
    if (apiKey === undefined) return {}
    if (apiKey === null) return { api_key_sealed: null, api_key_hint: null }
    const origin = originOf(baseUrl)
    if (origin === null) throw new Error(`sealing a key for a base_url that is not a URL: ${baseUrl}`)
    return { api_key_sealed: deps.keyBox.seal(apiKey.trim(), origin), api_key_hint: keyHint(apiKey.trim()) }
  }

  async function guardName<T>(name: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write()
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw nameTaken('provider', name)
      }
      if (isIdSpaceExhausted(error)) {
        throw idSpaceExhausted('provider')
      }
      throw error
    }
  }

  return {
    async listProviders(): Promise<PublicProvider[]> {
      return (await deps.providers.list()).map(toPublicProvider)
    },

    async getProvider(id: number): Promise<PublicProvider> {
      return toPublicProvider(await requireRow(id))
    },

    async createProvider(input: NewProvider): Promise<PublicProvider> {
      checkFields(input)
      const now = nowIso()
      const baseUrl = normalizeBaseUrl(input.base_url)
      const row = await guardName(input.name, () =>
        deps.providers.insert({
          name: input.name.trim(),
          base_url: baseUrl,
          kind: input.kind ?? DEFAULT_KIND,
          endpoints: input.endpoints ? JSON.stringify(input.endpoints) : null,
          continuation: input.continuation ?? null,
          models: JSON.stringify(input.models ?? []),
          is_active: input.is_active === false ? 0 : 1,
          health_check_path: input.health_check_path ?? '/models',
          consecutive_failures: 0,
          is_healthy: 1,
          created_at: now,
          updated_at: now,
          api_key_sealed: null,
          api_key_hint: null,
          ...sealKey(input.api_key, baseUrl),
        }),
      )
      await deps.changes.configChanged()
      return toPublicProvider(row)
    },

    async updateProvider(id: number, patch: ProviderPatch): Promise<PublicProvider> {
      checkFields(patch)
      const current = await requireRow(id)
      // endpoints are checked against the kind the provider will have, whichever of the two was sent
      if (patch.kind !== undefined || patch.endpoints !== undefined) {
        const stored = rowToProvider(current)
        checkFields({
          kind: patch.kind ?? stored.kind,
          endpoints: patch.endpoints === undefined ? stored.endpoints : patch.endpoints,
        })
      }
      const newUrl = patch.base_url === undefined ? undefined : normalizeBaseUrl(patch.base_url)
      // A stored key follows the URL only within one origin: a stolen admin session must not be able
      // to send it to a host of its choosing. (A v2 key would not even open there: it is sealed for
      // its origin.) Within the origin the sealed value stays as it is.
      if (
        newUrl !== undefined &&
        current.api_key_sealed !== null &&
        !sameOrigin(newUrl, current.base_url) &&
        patch.api_key === undefined
      ) {
        throw fieldError('api_key', 'send api_key again (or null) when base_url moves to another host')
      }
      const changes: ProviderRowPatch = {
        ...sealKey(patch.api_key, newUrl ?? current.base_url),
        updated_at: nowIso(),
      }
      if (patch.name !== undefined) changes.name = patch.name.trim()
      if (newUrl !== undefined) changes.base_url = newUrl
      if (patch.kind !== undefined) changes.kind = patch.kind
      if (patch.endpoints !== undefined)
        changes.endpoints = patch.endpoints === null ? null : JSON.stringify(patch.endpoints)
      if (patch.continuation !== undefined) changes.continuation = patch.continuation
      if (patch.models !== undefined) changes.models = JSON.stringify(patch.models)
      if (patch.is_active !== undefined) changes.is_active = patch.is_active ? 1 : 0
      if (patch.health_check_path !== undefined) changes.health_check_path = patch.health_check_path
      const row = await guardName(patch.name ?? current.name, () => deps.providers.update(id, changes))
      if (!row) throw providerNotFound(id)
      await deps.changes.configChanged()
      return toPublicProvider(row)
    },

    async deleteProvider(id: number, opts: { force: boolean }): Promise<void> {
      let result: DeleteOutcome
      try {
        result = await deps.providers.deleteChecked(id, opts)
      } catch (error) {
        // Only where the transaction could not hold the row (another process on SQLite): a node
        // added between the check and the delete. Answer as the check would have, a moment later.
        if (!isForeignKeyViolation(error)) throw error
        result = { outcome: 'in_use', routes: await deps.providers.routesUsing(id) }
      }
      if (result.outcome === 'not_found') throw providerNotFound(id)
      if (result.outcome === 'in_use') {
        const names = result.routes.map((r) => JSON.stringify(r.name)).join(', ')
        throw new AppError(
          'provider_in_use',
          `provider ${id} is used by the routes ${names}; remove it from them first or delete with ?force=true`,
          { routes: result.routes },
        )
      }
      await deps.changes.configChanged()
    },
  }
}

export type Inventory = ReturnType<typeof createInventory>
