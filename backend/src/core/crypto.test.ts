import { describe, expect, it } from 'vitest'
import { createKeyBox, DecryptError, keyHint, safeEqual } from './crypto.js'

const ORIGIN = 'https://api.openai.com'

// Written by the code before keys were bound to origins: createKeyBox('secret-one').seal('sk-legacy-123456').
const LEGACY_V1 = 'v1:jxm5ZfEp86wCzhB7:bk9zeSXeV1ATWe9Uq5ABdT7jbL_QW1BPb54_UBK5TXQ'

describe('KeyBox', () => {
  const box = createKeyBox('secret-one')

  it('round-trips a key through the versioned v2 format', () => {
    const sealed = box.seal('sk-live-123456', ORIGIN)
    expect(sealed).toMatch(/^v2:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]+$/)
    expect(sealed).not.toContain('sk-live')
    expect(box.open(sealed, ORIGIN)).toBe('sk-live-123456')
  })

  it('opens a key only for the origin it was sealed for', () => {
    const sealed = box.seal('sk-live-123456', ORIGIN)
    for (const other of [
      'https://evil.example',
      'http://api.openai.com',
      'https://api.openai.com:8443',
      '',
    ]) {
      expect(box.canOpen(sealed, other)).toBe(false)
      expect(() => box.open(sealed, other)).toThrow(DecryptError)
    }
  })

  it('uses a fresh nonce for every value', () => {
    expect(box.seal('same', ORIGIN)).not.toBe(box.seal('same', ORIGIN))
  })

  it('detects tampering with the ciphertext, and a v2 value relabelled v1', () => {
    const sealed = box.seal('sk-live-123456', ORIGIN)
    const [v, nonce, body] = sealed.split(':') as [string, string, string]
    const bytes = Buffer.from(body, 'base64url')
    bytes[0] = (bytes[0] ?? 0) ^ 1
    expect(() => box.open(`${v}:${nonce}:${bytes.toString('base64url')}`, ORIGIN)).toThrow(DecryptError)
    expect(box.canOpen(`v1:${nonce}:${body}`, ORIGIN)).toBe(false)
    expect(box.canOpen('v1:garbage:garbage', ORIGIN)).toBe(false)
    expect(box.canOpen('v2:garbage:garbage', ORIGIN)).toBe(false)
    expect(box.canOpen('not-a-sealed-value', ORIGIN)).toBe(false)
  })

  it('refuses a value sealed with another secret', () => {
    const other = createKeyBox('secret-two')
    expect(() => box.open(other.seal('x', ORIGIN), ORIGIN)).toThrow(DecryptError)
  })

  it('still opens legacy v1 values, for any origin, and knows they are not current', () => {
    expect(box.open(LEGACY_V1, ORIGIN)).toBe('sk-legacy-123456')
    expect(box.open(LEGACY_V1, 'https://elsewhere.example')).toBe('sk-legacy-123456')
    expect(box.isLegacy(LEGACY_V1)).toBe(true)
    expect(box.isCurrent(LEGACY_V1, ORIGIN)).toBe(false)
    expect(box.isLegacy(box.seal('x', ORIGIN))).toBe(false)
  })

  it('opens values of the previous secret during a rotation, and knows they are not current', () => {
    const old = createKeyBox('old-secret')
    const rotating = createKeyBox('new-secret', 'old-secret')
    const sealedOld = old.seal('sk-rotate-me', ORIGIN)
    expect(rotating.open(sealedOld, ORIGIN)).toBe('sk-rotate-me')
    expect(rotating.isCurrent(sealedOld, ORIGIN)).toBe(false)
    expect(rotating.isCurrent(rotating.seal('y', ORIGIN), ORIGIN)).toBe(true)
    expect(rotating.isCurrent(rotating.seal('y', ORIGIN), 'https://elsewhere.example')).toBe(false)
    expect(createKeyBox('new-secret', 'secret-one').open(LEGACY_V1, ORIGIN)).toBe('sk-legacy-123456')
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
