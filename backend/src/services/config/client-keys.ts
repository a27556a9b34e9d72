/**
 * Client keys for /v1 (DESIGN.md §7): `sb-` + 43 random base64url characters, shown once at
 * creation; only the SHA-256 is stored. The gateway's hot path checks a key against an in-memory
 * map (hash → id) that is rebuilt on every configuration change (create, delete, restore), so a
 * revoked key is refused from the next request on, and no request queries the database.
 */
import { randomBytes } from 'node:crypto'
import type { Logger } from 'pino'
import { nowIso } from '../../core/clock.js'
import { sha256Hex } from '../../core/crypto.js'
import { clientKeyNotFound, fieldError, idSpaceExhausted } from '../../core/errors.js'
import { isIdSpaceExhausted } from '../../db/errors.js'
import type { KeysRepo } from '../../db/keys.repo.js'
import type { ClientKey, CreatedClientKey } from '../../domain/model.js'
import type { ConfigChanges } from './config-changes.js'

const CLIENT_KEY_PREFIX = 'sb-'
const PREFIX_LENGTH = 10
/** last_used_at is written at most this often per key: a busy key costs no write per request. */
const USAGE_WRITE_INTERVAL_MS = 15_000
const VERIFIED_CACHE_SIZE = 10_000

function generateClientKey(): string {
  return CLIENT_KEY_PREFIX + randomBytes(32).toString('base64url')
}

export function createClientKeys(deps: { keys: KeysRepo; changes: ConfigChanges; log: Logger }) {
  let idByHash = new Map<string, number>()
  // Tokens already verified → id, so a busy client costs a map lookup, not a SHA-256, per request.
  // Only live keys enter it; emptied whenever the key set changes.
  let idByToken = new Map<string, number>()
  const lastWrittenAt = new Map<number, number>()
  const pendingWrites = new Set<Promise<void>>()

  async function reload(): Promise<void> {
    const rows = await deps.keys.listHashes()
    idByHash = new Map(rows.map((row) => [row.key_hash, row.id]))
    idByToken = new Map()
  }

  /** Records a use without making the request wait for it; coalesced per key. */
  function noteUse(id: number): void {
    const now = Date.now()
    if (now - (lastWrittenAt.get(id) ?? 0) < USAGE_WRITE_INTERVAL_MS) return
    lastWrittenAt.set(id, now)
    const write = deps.keys
      .touch(id, nowIso())
      .catch((error: unknown) => deps.log.warn({ err: error, keyId: id }, 'could not record a key use'))
      .finally(() => pendingWrites.delete(write))
    pendingWrites.add(write)
  }

  const unsubscribe = deps.changes.subscribe((kind) => (kind === 'config' ? reload() : undefined))

  return {
    reload,

    /** True when the token is a live client key; the gateway's auth calls this on every request. */
    verify(token: string): boolean {
      let id = idByToken.get(token)
      if (id === undefined) {
        if (!token.startsWith(CLIENT_KEY_PREFIX)) return false
        id = idByHash.get(sha256Hex(token))
        if (id === undefined) return false
        if (idByToken.size >= VERIFIED_CACHE_SIZE) idByToken.clear()
        idByToken.set(token, id)
      }
      noteUse(id)
      return true
    },

    /** The id of a live client key (null: not one); the request log names the key by it. */
    idOf(token: string): number | null {
      const id = idByToken.get(token)
      if (id !== undefined) return id
      if (!token.startsWith(CLIENT_KEY_PREFIX)) return null
      return idByHash.get(sha256Hex(token)) ?? null
    },

    async create(name: string): Promise<CreatedClientKey> {
      if (name.trim() === '') throw fieldError('name', 'must not be empty')
      const key = generateClientKey()
      let created: Awaited<ReturnType<KeysRepo['insert']>>
      try {
        created = await deps.keys.insert({
          name: name.trim(),
          key_hash: sha256Hex(key),
          prefix: key.slice(0, PREFIX_LENGTH),
          created_at: nowIso(),
        })
      } catch (error) {
        if (!isIdSpaceExhausted(error)) throw error
        throw idSpaceExhausted('client key')
      }
      await deps.changes.configChanged()
      const { last_used_at: _unused, ...rest } = created
      return { ...rest, key }
    },

    list: (): Promise<ClientKey[]> => deps.keys.list(),

    async remove(id: number): Promise<void> {
      if (!(await deps.keys.delete(id))) throw clientKeyNotFound(id)
      // Refused at once, even before the reload that configChanged triggers has finished.
      for (const [hash, keyId] of idByHash) if (keyId === id) idByHash.delete(hash)
      idByToken = new Map()
      lastWrittenAt.delete(id)
      await deps.changes.configChanged()
    },

    /** Stops listening and waits for the last usage writes (before the database closes). */
    async stop(): Promise<void> {
      unsubscribe()
      await Promise.allSettled([...pendingWrites])
    },
  }
}

export type ClientKeys = ReturnType<typeof createClientKeys>
