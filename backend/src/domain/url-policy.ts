/**
 * Where a provider URL may point. Private and loopback addresses are fine (local model servers are
 * normal); link-local and cloud metadata endpoints are not: a key sent there leaks instance credentials.
 */
import { isIP } from 'node:net'

const METADATA_HOSTS = new Set([
  'metadata.google.internal',
  'metadata.goog',
  'metadata',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.azure.internal',
])

/** `::ffff:169.254.169.254` or its hex form `::ffff:a9fe:a9fe` (as URL parsing writes it) → the IPv4 address. */
function ipv4MappedAddress(ip: string): string | null {
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(ip)
  if (dotted) return dotted[1] ?? null
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(ip)
  if (!hex) return null
  const high = Number.parseInt(hex[1] ?? '0', 16)
  const low = Number.parseInt(hex[2] ?? '0', 16)
  return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`
}

/** IPv4 169.254/16 (link-local, AWS/GCP/Azure metadata), Alibaba's 100.100.100.200, IPv6 fe80::/10, fd00:ec2::254. */
export function isForbiddenAddress(address: string): boolean {
  const ip = address.toLowerCase().replace(/^\[|\]$/g, '')
  const v4 = ipv4MappedAddress(ip) ?? ip
  if (isIP(v4) === 4) return v4.startsWith('169.254.') || v4 === '100.100.100.200'
  if (isIP(ip) === 6) {
    return /^fe[89ab][0-9a-f]?:/.test(ip) || ip === 'fd00:ec2::254' || ip.startsWith('fd00:ec2:0:0:0:0:0:254')
  }
  return false
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
