/**
 * DESIGN.md §7. With BACKEND_ADMIN_TOKEN set, `/api` and `/metrics` need it as a bearer token, and
 * `/v1` needs it or a client key. Without it (development mode, loopback only) everything is open
 * to a request that presents nothing, but a `/v1` request that presents a bearer token has it
 * checked as a client key (wrong → 401, right → recorded as used): a made-up key must not look valid
 * (issue 19).
 * `/ping`, `/docs` and the UI's files stay open: they hold no configuration.
 *
 * Which credential a request needs is a property of the route that matched, never of the URL as
 * sent: the router decodes `%61` to `a` (and so on), so a test on the raw URL can be walked
 * around (issue 11). Each scope in app.ts declares the credential of every route registered in it
 * (`requireCredential`); the check reads `request.routeOptions.config.credential`. A route that
 * declares none keeps the server from starting, and would need the admin token if it were served.
 */
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify'
import { safeEqual } from '../../core/crypto.js'
import { AppError } from '../../core/errors.js'

/** `admin`: the admin token; `client`: a client key or the admin token; `public`: nothing. */
export type Credential = 'admin' | 'client' | 'public'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route; set by `requireCredential` on the route's scope. */
    credential?: Credential
  }
  interface FastifyInstance {
    /** Every route with the credential it declared (tests list them). */
    routeCredentials(): { method: string; url: string; credential: Credential | undefined }[]
  }
}

export interface ClientKeyVerifier {
  /** True when the token is a live client key (and records its use). */
  verify(token: string): boolean
  /** Why a known key is refused (disabled or expired by its policy), or null. */
  refusalOf?(token: string): 'disabled' | 'expired' | null
}

/** A disabled or expired key gets a 401 that says so (the key exists; its owner can ask why). */
function refusedKey(verifier: ClientKeyVerifier | null, token: string | null): AppError | null {
  const refusal = token === null ? null : (verifier?.refusalOf?.(token) ?? null)
  if (refusal === 'disabled') return new AppError('key_disabled', 'this client key is disabled')
  if (refusal === 'expired') return new AppError('key_expired', 'this client key has expired')
  return null
}

function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization
  if (!header) return null
  const match = /^Bearer\s+(.+)$/i.exec(header)
  return match?.[1]?.trim() || null
}

function single(value: string | string[] | undefined): string | null {
  const text = Array.isArray(value) ? value[0] : value
  return text?.trim() || null
}

/**
 * The credential a /v1 request carries: `Authorization: Bearer`, or as SDKs of other formats send
 * it, `api-key` (Azure's spelling) anywhere under /v1 and `x-api-key` (Anthropic's) on /v1/messages.
 */
export function clientToken(request: FastifyRequest): string | null {
  const bearer = bearerToken(request)
  if (bearer !== null) return bearer
  const azure = single(request.headers['api-key'])
  if (azure !== null) return azure
  if (request.routeOptions.url?.startsWith('/v1/messages')) return single(request.headers['x-api-key'])
  return null
}

/**
 * Every route registered in `scope`, or in a plugin registered inside it, needs `credential`.
 * A route (or an inner scope) that declares another one is a mistake caught at registration:
 * a scope's requirement cannot be loosened from inside it.
 */
export function requireCredential(scope: FastifyInstance, credential: Credential): void {
  scope.addHook('onRoute', (route) => {
    const declared = route.config?.credential
    if (declared !== undefined && declared !== credential) {
      throw new Error(
        `${String(route.method)} ${route.url} declares credential "${declared}" inside a scope that requires "${credential}"`,
      )
    }
    route.config = { ...route.config, credential }
  })
}

function describe(route: RouteOptions): string {
  return `${[route.method].flat().join(',')} ${route.url}`
}

/** Must be called before any route is registered: it sees routes through an onRoute hook. */
export function registerAuth(
  app: FastifyInstance,
  opts: { adminToken: string | null; clientKeys: () => ClientKeyVerifier | null },
): void {
  const routes: RouteOptions[] = []
  // Root hooks run before a scope's, so the credential is read once every hook has run (onReady).
  app.addHook('onRoute', (route) => {
    routes.push(route)
  })
  app.decorate('routeCredentials', () =>
    routes.map((route) => ({
      method: [route.method].flat().join(','),
      url: route.url ?? '',
      credential: route.config?.credential,
    })),
  )
  app.addHook('onReady', async () => {
    const undeclared = routes.filter((route) => route.config?.credential === undefined)
    if (undeclared.length > 0) {
      throw new Error(`routes without a declared credential: ${undeclared.map(describe).join('; ')}`)
    }
  })

  const { adminToken } = opts
  if (!adminToken) {
    app.addHook('onRequest', async (request) => {
      if (request.is404 || request.routeOptions.config.credential !== 'client') return
      const token = bearerToken(request)
      if (token === null || opts.clientKeys()?.verify(token)) return
      const refused = refusedKey(opts.clientKeys(), token)
      if (refused) throw refused
      throw new AppError(
        'unauthorized',
        'this client key is not valid (development mode: send no Authorization header, or a live sb-… key)',
      )
    })
    return
  }
  app.addHook('onRequest', async (request) => {
    // Nothing matched: the not-found handler serves the UI's index.html or a 404, nothing to guard.
    if (request.is404) return
    // Undeclared would mean a route slipped past the start-up check: it needs the most, not nothing.
    const credential = request.routeOptions.config.credential ?? 'admin'
    if (credential === 'public') return
    const token = credential === 'client' ? clientToken(request) : bearerToken(request)
    // client keys first on /v1: their check is a map lookup, the admin comparison two hashes
    if (credential === 'client' && token !== null && opts.clientKeys()?.verify(token)) return
    if (token !== null && safeEqual(token, adminToken)) return
    const refused = credential === 'client' ? refusedKey(opts.clientKeys(), token) : null
    if (refused) throw refused
    throw new AppError(
      'unauthorized',
      credential === 'client'
        ? 'a valid client key is required (Authorization: Bearer sb-…, api-key: sb-…, or x-api-key: sb-… on /v1/messages)'
        : 'the admin token is required (Authorization: Bearer …)',
    )
  })
}
