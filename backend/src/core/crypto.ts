/**
 * Provider API keys at rest: AES-256-GCM with a fresh 12-byte nonce per value, the key derived
 * from BACKEND_API_KEY_SECRET with scrypt, stored as `v1:<nonce>:<ciphertext+tag>` (base64url).
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

const VERSION = 'v1'
const NONCE_BYTES = 12
const TAG_BYTES = 16
// A fixed salt: the derived key must be the same on every start and every replica for one secret.
const SALT = 'switchboard/api-keys/v1'

export class DecryptError extends Error {
  constructor(message = 'the value cannot be decrypted with the configured secret(s)') {
    super(message)
    this.name = 'DecryptError'
  }
}

function deriveKey(secret: string): Buffer {
  return scryptSync(secret, SALT, 32, { N: 2 ** 14, r: 8, p: 1 })
}

function sealWith(key: Buffer, plaintext: string): string {
  const nonce = randomBytes(NONCE_BYTES)
  const cipher = createCipheriv('aes-256-gcm', key, nonce)
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()])
  return `${VERSION}:${nonce.toString('base64url')}:${body.toString('base64url')}`
}

function openWith(key: Buffer, sealed: string): string | null {
  const [version, nonceText, bodyText, ...rest] = sealed.split(':')
  if (version !== VERSION || !nonceText || !bodyText || rest.length > 0) return null
  const nonce = Buffer.from(nonceText, 'base64url')
  const body = Buffer.from(bodyText, 'base64url')
  if (nonce.length !== NONCE_BYTES || body.length < TAG_BYTES) return null
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce)
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES))
    return Buffer.concat([
      decipher.update(body.subarray(0, body.length - TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8')
  } catch {
    return null
  }
}

export interface KeyBox {
  seal(plaintext: string): string
  /** Opens with the current secret, then the previous one; throws DecryptError when neither fits. */
  open(sealed: string): string
  canOpen(sealed: string): boolean
  /** True when the value is already sealed with the current secret (rotation skips it). */
  isCurrent(sealed: string): boolean
}

export function createKeyBox(secret: string, previousSecret: string | null = null): KeyBox {
  const current = deriveKey(secret)
  const previous = previousSecret ? deriveKey(previousSecret) : null
  const tryOpen = (sealed: string) =>
    openWith(current, sealed) ?? (previous ? openWith(previous, sealed) : null)
  return {
    seal: (plaintext) => sealWith(current, plaintext),
    open(sealed) {
      const plain = tryOpen(sealed)
      if (plain === null) throw new DecryptError()
      return plain
    },
    canOpen: (sealed) => tryOpen(sealed) !== null,
    isCurrent: (sealed) => openWith(current, sealed) !== null,
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
