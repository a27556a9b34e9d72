/**
 * The Host allowlist (issue 11, item 9). A server on a loopback address answers only requests that
 * name a loopback host (`localhost`, `127.x.x.x`, `[::1]`, any port) or one listed in
 * BACKEND_ALLOWED_HOSTS: a page on another site that rebinds its DNS name to 127.0.0.1 sends its own
 * name as Host and gets 421, never the API (in development mode the API has no token to stop it).
 *
 * On any other BACKEND_HOST the check runs only when BACKEND_ALLOWED_HOSTS is set (loopback names
 * stay allowed then): such a server is only started with an admin token (settings.startupRefusal),
 * which a rebinding page does not have, and the names it is reached by (a load balancer's, a
 * container's) are the deployment's to list. `*` switches the check off.
 *
 * `/ping` answers whatever the Host (its route says `anyHost`): it holds nothing, and health probes
 * often name the server by an address nobody listed.
 */
import type { FastifyInstance } from 'fastify'
import { AppError } from '../../core/errors.js'
import { hostNameOf, isLoopbackHost, type Settings } from '../../settings.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Served whatever the Host header names (api/plugins/host-check.ts). */
    anyHost?: boolean
  }
}

/** The names served besides the loopback ones, or null when every Host is served. */
function hostAllowlist(settings: Pick<Settings, 'host' | 'allowedHosts'>): ReadonlySet<string> | null {
  if (settings.allowedHosts.includes('*')) return null
  if (settings.allowedHosts.length === 0 && !isLoopbackHost(settings.host)) return null
  return new Set(settings.allowedHosts)
}

export function registerHostCheck(
  app: FastifyInstance,
  settings: Pick<Settings, 'host' | 'allowedHosts'>,
): void {
  const allowed = hostAllowlist(settings)
  if (allowed === null) return
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config.anyHost === true) return
    const header = request.headers.host
    const name = header === undefined ? null : hostNameOf(header)
    if (name === null) {
      throw new AppError('host_invalid', 'the request needs a Host header naming this server')
    }
    if (isLoopbackHost(name) || allowed.has(name)) return
    throw new AppError(
      'host_not_allowed',
      `this server does not answer for the host "${name}"; list it in BACKEND_ALLOWED_HOSTS to serve it`,
    )
  })
}
