/**
 * Provider API keys at rest: AES-256-GCM with a fresh 12-byte nonce per value, the key derived
 * from BACKEND_API_KEY_SECRET with scrypt, stored as `v2:<nonce>:<ciphertext+tag>` (base64url).
 * A v2 value is bound to the origin (scheme, host, port) of the provider it was sealed for: the
 * origin is the cipher's associated data, so the value opens only for that origin and a ciphertext
 * copied onto another host (an edited backup) does not decrypt. `v1:` values (no associated data,
 * written before keys were bound) still open for any origin until `rotate-secret` re-seals them.
 * The previous secret (BACKEND_API_KEY_SECRET_PREVIOUS) still opens values during a rotation.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  randomBytes,
  scryptSync,
  timingSafeEqual,
} from 'node:crypto'

const NONCE_BYTES = 12
const TAG_BYTES = 16
// A fixed salt: the derived key must be the same on every start and every replica for one secret.
// Both formats derive the same key; they differ in the associated data only.
const SALT = 'switchboard/api-keys/v1'

type Format = 'v1' | 'v2'

export class DecryptError extends Error {
  constructor(message = 'the value cannot be decrypted with the configured secret(s)') {
    super(message)
    this.name = 'DecryptError'
  }
}

function deriveKey(secret: string): Buffer {
  return scryptSync(secret, SALT, 32, { N: 2 ** 14, r: 8, p: 1 })
}

function associatedData(origin: string): Buffer {
  return Buffer.from(`switchboard/api-key/v2\n${origin}`, 'utf8')
}

function formatOf(sealed: string): Format | null {
  if (sealed.startsWith('v2:')) return 'v2'
  if (sealed.startsWith('v1:')) return 'v1'
  return null
}

function sealWith(key: Buffer, plaintext: string, origin: string): string {
  const nonce = randomBytes(NONCE_BYTES)
  const cipher = createCipheriv('aes-256-gcm', key, nonce)
  cipher.setAAD(associatedData(origin))
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()])
  return `v2:${nonce.toString('base64url')}:${body.toString('base64url')}`
}

function openWith(key: Buffer, sealed: string, origin: string): string | null {
  const [version, nonceText, bodyText, ...rest] = sealed.split(':')
  const format = formatOf(sealed)
  if (format === null || version !== format || !nonceText || !bodyText || rest.length > 0) return null
  const nonce = Buffer.from(nonceText, 'base64url')
  const body = Buffer.from(bodyText, 'base64url')
  if (nonce.length !== NONCE_BYTES || body.length < TAG_BYTES) return null
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce)
    if (format === 'v2') decipher.setAAD(associatedData(origin))
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES))
    return Buffer.concat([
      decipher.update(body.subarray(0, body.length - TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8')
  } catch {
    return null
  }
}

/**
 * `origin` is always the provider's origin as `new URL(base_url).origin` spells it
 * (domain/url-policy.ts `originOf`): the one a value is sealed for, or the one it is opened for.
 */
export interface KeyBox {
  /** Seals with the current secret, bound to `origin` (v2). */
  seal(plaintext: string, origin: string): string
  /** Opens with the current secret, then the previous one; throws DecryptError when neither fits. */
  open(sealed: string, origin: string): string
  canOpen(sealed: string, origin: string): boolean
  /** True when the value is v2, bound to `origin`, with the current secret (rotation skips it). */
  isCurrent(sealed: string, origin: string): boolean
  /** True for a `v1:` value: it opens for any origin, so it is bound to none. */
  isLegacy(sealed: string): boolean
}

export function createKeyBox(secret: string, previousSecret: string | null = null): KeyBox {
  const current = deriveKey(secret)
  const previous = previousSecret ? deriveKey(previousSecret) : null
  const tryOpen = (sealed: string, origin: string) =>
    openWith(current, sealed, origin) ?? (previous ? openWith(previous, sealed, origin) : null)
  return {
    seal: (plaintext, origin) => sealWith(current, plaintext, origin),
    open(sealed, origin) {
      const plain = tryOpen(sealed, origin)
      if (plain === null) throw new DecryptError()
      return plain
    },
    canOpen: (sealed, origin) => tryOpen(sealed, origin) !== null,
    isCurrent: (sealed, origin) => formatOf(sealed) === 'v2' && openWith(current, sealed, origin) !== null,
    isLegacy: (sealed) => formatOf(sealed) === 'v1',
  }
}

/** "sk-…9f2c": enough to recognise a key, never enough to use it. */
export function keyHint(plaintext: string): string {
  const tail = plaintext.length > 8 ? plaintext.slice(-4) : ''
  const head = plaintext.startsWith('sk-') ? 'sk-' : ''
  return `${head}…${tail}`
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

/** Constant-time comparison of two strings of any length (hashing first equalises the lengths). */
export function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest())
}
