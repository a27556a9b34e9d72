import { describe, expect, it } from 'vitest'
import { createKeyBox, DecryptError, keyHint, safeEqual } from './crypto.js'

describe('KeyBox', () => {
  const box = createKeyBox('secret-one')

  it('round-trips a key through the versioned format', () => {
    const sealed = box.seal('sk-live-123456')
    expect(sealed).toMatch(/^v1:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]+$/)
    expect(sealed).not.toContain('sk-live')
    expect(box.open(sealed)).toBe('sk-live-123456')
  })

  it('uses a fresh nonce for every value', () => {
    expect(box.seal('same')).not.toBe(box.seal('same'))
  })

  it('detects tampering with the ciphertext', () => {
    const sealed = box.seal('sk-live-123456')
    const [v, nonce, body] = sealed.split(':') as [string, string, string]
    const bytes = Buffer.from(body, 'base64url')
    bytes[0] = (bytes[0] ?? 0) ^ 1
    expect(() => box.open(`${v}:${nonce}:${bytes.toString('base64url')}`)).toThrow(DecryptError)
    expect(box.canOpen('v1:garbage:garbage')).toBe(false)
    expect(box.canOpen('not-a-sealed-value')).toBe(false)
  })

  it('refuses a value sealed with another secret', () => {
    const other = createKeyBox('secret-two')
    expect(() => box.open(other.seal('x'))).toThrow(DecryptError)
  })

  it('opens values of the previous secret during a rotation, and knows they are not current', () => {
    const old = createKeyBox('old-secret')
    const rotating = createKeyBox('new-secret', 'old-secret')
    const sealedOld = old.seal('sk-rotate-me')
    expect(rotating.open(sealedOld)).toBe('sk-rotate-me')
    expect(rotating.isCurrent(sealedOld)).toBe(false)
    expect(rotating.isCurrent(rotating.seal('y'))).toBe(true)
  })
})

describe('keyHint', () => {
  it('shows the prefix and the last four characters only', () => {
    expect(keyHint('sk-abcdefghijkl9f2c')).toBe('sk-…9f2c')
    expect(keyHint('plainkey12345678')).toBe('…5678')
  })

  it('shows no characters of a short key', () => {
    expect(keyHint('short')).toBe('…')
  })
})

describe('safeEqual', () => {
  it('compares strings of any length', () => {
    expect(safeEqual('abc', 'abc')).toBe(true)
    expect(safeEqual('abc', 'abcd')).toBe(false)
    expect(safeEqual('', 'x')).toBe(false)
  })
})
