/**
 * Where a provider URL may point. Private and loopback addresses are fine (local model servers are
 * normal); link-local and cloud metadata endpoints are not: a key sent there leaks instance credentials.
 */
import { isIP } from 'node:net'
import ipaddr from 'ipaddr.js'

const METADATA_HOSTS = new Set([
  'metadata.google.internal',
  'metadata.goog',
  'metadata',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.azure.internal',
])

/** 169.254.0.0/16 (link-local: AWS, GCP, Azure metadata) and Alibaba's 100.100.100.200. */
function isForbiddenIPv4([a, b, c, d]: number[]): boolean {
  return (a === 169 && b === 254) || (a === 100 && b === 100 && c === 100 && d === 200)
}

/** Metadata endpoints on IPv6: AWS (fd00:ec2::254) and GCP (fd20:ce::254). */
const METADATA_IPV6 = ['fd00:ec2::254', 'fd20:ce::254'].map((ip) => ipaddr.IPv6.parse(ip).parts.join(':'))

function v4Of(high: number, low: number): number[] {
  return [high >> 8, high & 255, low >> 8, low & 255]
}

/**
 * The IPv4 addresses an IPv6 address leads to: IPv4-compatible (::/96), IPv4-mapped
 * (::ffff:0:0/96), IPv4-translated (::ffff:0:0:0/96), NAT64 well-known (64:ff9b::/96) and local-use
 * (64:ff9b:1::/48, RFC 6052 layout) prefixes, 6to4 (2002::/16) and Teredo (2001::/32: the server,
 * and the client stored inverted). A network-specific NAT64 prefix cannot be told from any address.
 */
function embeddedIPv4s(h: number[]): number[][] {
  const [h0 = 0, h1 = 0, h2 = 0, h3 = 0, h4 = 0, h5 = 0, h6 = 0, h7 = 0] = h
  const found: number[][] = []
  const isZero = (...parts: number[]) => parts.every((part) => part === 0)
  if (isZero(h0, h1, h2, h3) && ((h4 === 0 && (h5 === 0 || h5 === 0xffff)) || (h4 === 0xffff && h5 === 0)))
    found.push(v4Of(h6, h7))
  if (h0 === 0x64 && h1 === 0xff9b && isZero(h2, h3, h4, h5)) found.push(v4Of(h6, h7))
  if (h0 === 0x64 && h1 === 0xff9b && h2 === 1) found.push([h3 >> 8, h3 & 255, h4 & 255, h5 >> 8])
  if (h0 === 0x2002) found.push(v4Of(h1, h2))
  if (h0 === 0x2001 && h1 === 0) found.push(v4Of(h2, h3), v4Of(h6 ^ 0xffff, h7 ^ 0xffff))
  return found
}

/**
 * Link-local and metadata addresses, in any spelling: IPv4 169.254/16 and 100.100.100.200, IPv6
 * fe80::/10 and the metadata addresses, and every IPv6 form that embeds a forbidden IPv4 address.
 */
export function isForbiddenAddress(address: string): boolean {
  const ip = address.toLowerCase().replace(/^\[|\]$/g, '')
  const family = isIP(ip)
  if (family === 4) return isForbiddenIPv4(ip.split('.').map(Number))
  if (family !== 6 || !ipaddr.IPv6.isValid(ip)) return false
  const v6 = ipaddr.IPv6.parse(ip)
  if (v6.range() === 'linkLocal') return true
  if (METADATA_IPV6.includes(v6.parts.join(':'))) return true // a zone id (%eth0) does not count
  return embeddedIPv4s(v6.parts).some(isForbiddenIPv4)
}

export function isForbiddenHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '')
  return METADATA_HOSTS.has(host) || isForbiddenAddress(host)
}

/** Returns a message fit for a 422 field error, or null when the URL is acceptable. */
export function checkProviderUrl(text: string): string | null {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return 'must be an absolute http:// or https:// URL'
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return 'must be an absolute http:// or https:// URL'
  if (url.username || url.password) return 'must not carry credentials; use api_key'
  if (isForbiddenHost(url.hostname))
    return 'points at a link-local or cloud metadata address, which is not allowed'
  return null
}

/**
 * The origin a provider key is bound to (scheme, host and port as the URL parser writes them:
 * `https://API.example.com:443/v1` → `https://api.example.com`). Null for a text that is no URL.
 */
export function originOf(url: string): string | null {
  try {
    return new URL(url).origin
  } catch {
    return null
  }
}

/** Same scheme, host and port: a key may follow the URL only within one origin. */
export function sameOrigin(a: string, b: string): boolean {
  const origin = originOf(a)
  return origin !== null && origin === originOf(b)
}
