/**
 * `switchboard rotate-secret`: re-seal every provider key from BACKEND_API_KEY_SECRET_PREVIOUS to
 * BACKEND_API_KEY_SECRET. All or nothing: one key that neither secret opens stops the rotation.
 */
import type { KeyBox } from '../core/crypto.js'
import { ValidationError } from '../core/errors.js'
import type { ProvidersRepo } from '../db/providers.repo.js'
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
  const rows = (await deps.providers.list()).filter((row) => row.api_key_sealed !== null)
  const stale = rows.filter((row) => !deps.keyBox.isCurrent(row.api_key_sealed as string))
  const unreadable = stale.filter((row) => !deps.keyBox.canOpen(row.api_key_sealed as string))
  if (unreadable.length > 0) {
    const names = unreadable.map((row) => JSON.stringify(row.name)).join(', ')
    throw new ValidationError(
      `the keys of ${names} open with neither BACKEND_API_KEY_SECRET nor BACKEND_API_KEY_SECRET_PREVIOUS; nothing was changed`,
    )
  }
  const resealed = stale.map((row) => ({
    id: row.id,
    sealed: deps.keyBox.seal(deps.keyBox.open(row.api_key_sealed as string)),
  }))
  if (resealed.length > 0) {
    await deps.providers.resealKeys(resealed)
    await deps.changes.configChanged()
  }
  return { resealed: resealed.length, alreadyCurrent: rows.length - stale.length }
}
