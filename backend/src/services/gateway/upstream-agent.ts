/**
 * The one pooled keep-alive HTTP client for upstreams (probes and the gateway). Its DNS lookup
 * refuses link-local and metadata addresses, so a provider host that *resolves* there is refused
 * at connect time too, not only one written as such an address. Node does not look up an address
 * literal (`http://[::ffff:a9fe:a9fe]/`), so the connector checks the host itself first: a URL
 * stored before the policy refused its form (or restored from an old backup) is stopped too.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns'
import { Agent, buildConnector } from 'undici'
import { isForbiddenAddress, isForbiddenHost } from '../../domain/url-policy.js'

export class ForbiddenAddressError extends Error {
  readonly code = 'EFORBIDDENADDRESS'
  constructor(hostname: string) {
    super(`${hostname} resolves to a link-local or cloud metadata address, which is not allowed`)
  }
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void

/** The system resolver's shape; tests pass one that answers chosen addresses. */
export type Resolver = (
  hostname: string,
  options: LookupOptions & { all: true },
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void

const systemResolver: Resolver = (hostname, options, callback) => dnsLookup(hostname, options, callback)

const guardedLookup = (resolve: Resolver) =>
  function lookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, [])
      const list = addresses as LookupAddress[]
      if (list.some((a) => isForbiddenAddress(a.address)))
        return callback(new ForbiddenAddressError(hostname), [])
      if (options.all) return callback(null, list)
      const first = list[0]
      if (!first)
        return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), [])
      callback(null, first.address, first.family)
    })
  }

export function createUpstreamAgent(opts: {
  connectTimeoutMs: number
  connections?: number
  resolve?: Resolver
}): Agent {
  const connector = buildConnector({
    lookup: guardedLookup(opts.resolve ?? systemResolver),
    timeout: opts.connectTimeoutMs,
  })
  const connect: buildConnector.connector = (options, callback) => {
    if (isForbiddenHost(options.hostname)) callback(new ForbiddenAddressError(options.hostname), null)
    else connector(options, callback)
  }
  return new Agent({
    connect,
    connections: opts.connections ?? 256,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 600_000,
    pipelining: 1,
  })
}
