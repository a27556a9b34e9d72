import { describe, expect, it } from 'vitest'
import { checkProviderUrl, isForbiddenAddress, sameOrigin } from './url-policy.js'

describe('checkProviderUrl', () => {
  it.each([
    'https://api.openai.com/v1',
    'http://127.0.0.1:11434/v1',
    'http://10.0.0.5:8080',
    'http://[::1]:8000/v1',
  ])('accepts %s', (url) => {
    expect(checkProviderUrl(url)).toBeNull()
  })

  it.each([
    ['ftp://example.com', /http/],
    ['api.openai.com/v1', /absolute/],
    ['http://169.254.169.254/latest/meta-data', /metadata/],
    ['http://metadata.google.internal/computeMetadata/v1', /metadata/],
    ['http://[fd00:ec2::254]/', /metadata/],
    ['http://[fe80::1]/', /metadata/],
    ['http://[::ffff:169.254.169.254]/', /metadata/],
    ['http://user:pass@example.com', /credentials/],
  ])('refuses %s', (url, message) => {
    expect(checkProviderUrl(url)).toMatch(message)
  })
})

describe('isForbiddenAddress', () => {
  it('covers link-local and metadata addresses only', () => {
    expect(isForbiddenAddress('169.254.10.1')).toBe(true)
    expect(isForbiddenAddress('100.100.100.200')).toBe(true)
    expect(isForbiddenAddress('192.168.1.1')).toBe(false)
    expect(isForbiddenAddress('127.0.0.1')).toBe(false)
  })
})

describe('sameOrigin', () => {
  it('compares scheme, host and port', () => {
    expect(sameOrigin('https://a.com/v1', 'https://a.com/v2')).toBe(true)
    expect(sameOrigin('https://a.com/v1', 'https://b.com/v1')).toBe(false)
    expect(sameOrigin('https://a.com', 'http://a.com')).toBe(false)
  })
})
