/**
 * DESIGN.md §7. With BACKEND_ADMIN_TOKEN set, `/api` and `/metrics` need it as a bearer token, and
 * `/v1` needs it or a client key. Without it (development mode, loopback only) everything is open.
 * `/ping`, `/docs` and the UI's files stay open: they hold no configuration.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { safeEqual } from '../../core/crypto.js'
import { UnauthorizedError } from '../../core/errors.js'
import { isGatewayPath } from './errors.js'

export interface ClientKeyVerifier {
  /** True when the token is a live client key (and records its use). */
  verify(token: string): boolean
}

export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization
  if (!header) return null
  const match = /^Bearer\s+(.+)$/i.exec(header)
  return match?.[1]?.trim() || null
}

function isAdminPath(url: string): boolean {
  return (
    url === '/api' ||
    url.startsWith('/api/') ||
    url.startsWith('/api?') ||
    url === '/metrics' ||
    url.startsWith('/metrics?')
  )
}

export function registerAuth(
  app: FastifyInstance,
  opts: { adminToken: string | null; clientKeys: () => ClientKeyVerifier | null },
): void {
  const { adminToken } = opts
  if (!adminToken) return
  app.addHook('onRequest', async (request) => {
    const url = request.url
    const gateway = isGatewayPath(url)
    if (!gateway && !isAdminPath(url)) return
    const token = bearerToken(request)
    // client keys first on /v1: their check is a map lookup, the admin comparison two hashes
    if (gateway && token !== null && opts.clientKeys()?.verify(token)) return
    if (token !== null && safeEqual(token, adminToken)) return
    throw new UnauthorizedError(
      gateway
        ? 'a valid client key is required (Authorization: Bearer sb-…)'
        : 'the admin token is required (Authorization: Bearer …)',
    )
  })
}
