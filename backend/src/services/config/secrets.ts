/**
 * `switchboard rotate-secret`: re-seal every provider key that is not yet v2 with
 * BACKEND_API_KEY_SECRET, bound to the provider's current origin — keys of
 * BACKEND_API_KEY_SECRET_PREVIOUS, and legacy v1 keys of either secret (which opened for any origin).
 * All or nothing: one key that neither secret opens for its provider's origin stops the rotation.
 */
import type { KeyBox } from '../../core/crypto.js'
import { validationFailed } from '../../core/errors.js'
import type { ProvidersRepo } from '../../db/providers.repo.js'
import { originOf } from '../../domain/url-policy.js'
import type { ConfigChanges } from './config-changes.js'

export interface RotationResult {
  resealed: number
  alreadyCurrent: number
}

export async function rotateSecret(deps: {
  providers: ProvidersRepo
  keyBox: KeyBox
  changes: ConfigChanges
}): Promise<RotationResult> {
  const rows = (await deps.providers.list()).flatMap((row) =>
    row.api_key_sealed === null
      ? []
      : [{ id: row.id, name: row.name, sealed: row.api_key_sealed, origin: originOf(row.base_url) ?? '' }],
  )
  const stale = rows.filter((row) => !deps.keyBox.isCurrent(row.sealed, row.origin))
  const unreadable = stale.filter((row) => !deps.keyBox.canOpen(row.sealed, row.origin))
  if (unreadable.length > 0) {
    const names = unreadable.map((row) => JSON.stringify(row.name)).join(', ')
    throw validationFailed(
      `the keys of ${names} open with neither BACKEND_API_KEY_SECRET nor BACKEND_API_KEY_SECRET_PREVIOUS; nothing was changed`,
    )
  }
  const resealed = stale.map((row) => ({
    id: row.id,
    from: row.sealed,
    sealed: deps.keyBox.seal(deps.keyBox.open(row.sealed, row.origin), row.origin),
  }))
  if (resealed.length > 0) {
    await deps.providers.resealKeys(resealed)
    await deps.changes.configChanged()
  }
  return { resealed: resealed.length, alreadyCurrent: rows.length - stale.length }
}
