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

describe('IPv6 forms that embed a metadata address', () => {
  it.each([
    '::a9fe:a9fe', // IPv4-compatible
    '::169.254.169.254',
    '::ffff:a9fe:a9fe', // IPv4-mapped
    '::ffff:0:a9fe:a9fe', // IPv4-translated
    '::ffff:0:169.254.169.254',
    '64:ff9b::a9fe:a9fe', // NAT64 well-known prefix
    '64:ff9b::169.254.169.254',
    '64:ff9b:1:a9fe:a9:fe00::', // NAT64 local-use prefix, RFC 6052 /48 layout
    '2002:a9fe:a9fe::1', // 6to4
    '2001:0:a9fe:a9fe::1', // Teredo server
    '2001:0:4136:e378:8000:63bf:5601:5601', // Teredo client 169.254.169.254, stored inverted
    '::ffff:6464:64c8', // Alibaba's 100.100.100.200, mapped
    '0:0:0:0:0:FFFF:A9FE:A9FE',
    'fd20:ce::254', // GCP's IPv6 metadata address
    'fe80::1%eth0',
  ])('refuses http://[%s]/ like the IPv4 address it leads to', (ip) => {
    const host = ip.includes('%') ? ip.replace('%', '%25') : ip
    expect(isForbiddenAddress(ip)).toBe(true)
    if (!ip.includes('%')) expect(checkProviderUrl(`http://[${host}]/latest/meta-data`)).toMatch(/metadata/)
  })

  it.each([
    '::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.5',
    '64:ff9b::808:808',
    '2002:c000:0204::1',
    '2001:0:4136:e378:8000:63bf:3fff:fdd2',
    '2001:db8::a9fe:a9fe', // a9fe:a9fe in the last bits of an ordinary address embeds nothing
    '2606:4700::6810:84e5',
  ])('accepts %s, which leads nowhere forbidden', (ip) => {
    expect(isForbiddenAddress(ip)).toBe(false)
    expect(checkProviderUrl(`http://[${ip}]:8080/v1`)).toBeNull()
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
