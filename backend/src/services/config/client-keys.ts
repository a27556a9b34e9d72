/**
 * Client keys for /v1 (DESIGN.md §7): `sb-` + 43 random base64url characters, shown once at
 * creation; only the SHA-256 is stored. The gateway's hot path checks a key against an in-memory
 * map (hash → id) that is rebuilt on every configuration change (create, delete, restore), so a
 * revoked key is refused from the next request on, and no request queries the database. Each key's
 * policy (domain/key-policy.ts) is in the same map: a disabled or expired key is refused (401) like
 * an unknown one, with its reason; services/gateway/limits.ts reads the rest of the policy.
 */
import { randomBytes } from 'node:crypto'
import type { Logger } from 'pino'
import { nowIso } from '../../core/clock.js'
import { sha256Hex } from '../../core/crypto.js'
import { clientKeyNotFound, fieldError, idSpaceExhausted, invalidFields } from '../../core/errors.js'
import { isIdSpaceExhausted } from '../../db/errors.js'
import type { KeysRepo } from '../../db/keys.repo.js'
import {
  type KeyPolicy,
  type KeyPolicyPatch,
  policyErrors,
  policyOf,
  refusalOf,
} from '../../domain/key-policy.js'
import type { ClientKey, ClientKeyRecord, CreatedClientKey, KeyUsage } from '../../domain/model.js'
import type { ConfigChanges } from './config-changes.js'

const CLIENT_KEY_PREFIX = 'sb-'
const PREFIX_LENGTH = 10
/** last_used_at is written at most this often per key: a busy key costs no write per request. */
const USAGE_WRITE_INTERVAL_MS = 15_000
const VERIFIED_CACHE_SIZE = 10_000

function generateClientKey(): string {
  return CLIENT_KEY_PREFIX + randomBytes(32).toString('base64url')
}

export function createClientKeys(deps: {
  keys: KeysRepo
  changes: ConfigChanges
  log: Logger
  /** Each key's consumption now (services/gateway/limits.ts). */
  usage: (keys: ClientKeyRecord[]) => Promise<Map<number, KeyUsage>>
  now?: () => number
  /** A refused disabled or expired key (the metrics count it). */
  onRefused?: (reason: 'disabled' | 'expired') => void
}) {
  const now = deps.now ?? Date.now
  let idByHash = new Map<string, number>()
  let policies = new Map<number, KeyPolicy>()
  // Tokens already verified → id, so a busy client costs a map lookup, not a SHA-256, per request.
  // Only live keys enter it; emptied whenever the key set changes.
  let idByToken = new Map<string, number>()
  const lastWrittenAt = new Map<number, number>()
  const pendingWrites = new Set<Promise<void>>()

  async function reload(): Promise<void> {
    const rows = await deps.keys.listHashes()
    idByHash = new Map(rows.map((row) => [row.key_hash, row.id]))
    policies = new Map(rows.map((row) => [row.id, row.policy]))
    idByToken = new Map()
  }

  /**
   * The id of the key a token is (null: none). A token seen before is one map lookup; a new one is
   * hashed once and remembered (the cache is bounded: cleared whole when full).
   */
  function lookup(token: string): number | null {
    const known = idByToken.get(token)
    if (known !== undefined) return known
    if (!token.startsWith(CLIENT_KEY_PREFIX)) return null
    const id = idByHash.get(sha256Hex(token))
    if (id === undefined) return null
    if (idByToken.size >= VERIFIED_CACHE_SIZE) idByToken.clear()
    idByToken.set(token, id)
    return id
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
      const id = lookup(token)
      if (id === null) return false
      const policy = policies.get(id)
      const refusal = policy ? refusalOf(policy, now()) : null
      if (refusal !== null) {
        deps.onRefused?.(refusal)
        return false
      }
      noteUse(id)
      return true
    },

    /** Why a live key is refused (disabled, expired), for the 401's message; null otherwise. */
    refusalOf(token: string): 'disabled' | 'expired' | null {
      const id = lookup(token)
      const policy = id === null ? undefined : policies.get(id)
      return policy ? refusalOf(policy, now()) : null
    },

    /** The policy of a live key (the limits read it on every request). */
    policyOf: (id: number): KeyPolicy | undefined => policies.get(id),

    /** The id of a live client key (null: not one); the request log names the key by it. */
    idOf: lookup,

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

    async list(): Promise<ClientKey[]> {
      const keys = await deps.keys.list()
      const usage = await deps.usage(keys)
      return keys.map((key) => ({
        ...key,
        usage: usage.get(key.id) ?? {
          requests_this_minute: 0,
          tokens_this_minute: 0,
          in_flight: 0,
          spend_this_period: 0,
        },
      }))
    },

    /** PATCH /api/keys/{id}: the name and policy fields given; a bad value changes nothing (422). */
    async update(id: number, patch: KeyPolicyPatch): Promise<ClientKey> {
      const errors = policyErrors(patch)
      if (patch.name !== undefined && patch.name.trim() === '')
        errors.unshift({ field: 'name', message: 'must not be empty' })
      if (errors.length > 0) throw invalidFields('', errors)
      const current = await deps.keys.get(id)
      if (!current) throw clientKeyNotFound(id)
      const { name, ...policyPatch } = patch
      const policy = policyOf({ ...pickPolicy(current), ...policyPatch })
      if (!(await deps.keys.update(id, { name: name?.trim() ?? current.name, policy })))
        throw clientKeyNotFound(id)
      policies.set(id, policy)
      await deps.changes.configChanged()
      const updated = (await this.list()).find((k) => k.id === id)
      if (!updated) throw clientKeyNotFound(id)
      return updated
    },

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

function pickPolicy(key: ClientKeyRecord): KeyPolicy {
  return {
    allowed_models: key.allowed_models,
    requests_per_minute: key.requests_per_minute,
    tokens_per_minute: key.tokens_per_minute,
    max_concurrent: key.max_concurrent,
    budget: key.budget,
    budget_period: key.budget_period,
    expires_at: key.expires_at,
    disabled: key.disabled,
  }
}
