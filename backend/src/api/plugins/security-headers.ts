/**
 * Security headers on what the backend serves to browsers (issue 11, item 12b): the UI, /docs and
 * /api answers, 404s included, through @fastify/helmet. The values are those deploy/nginx.conf
 * sets in front of it (a test keeps the two policies equal), so the UI behaves the same with or
 * without nginx; nginx hides the backend's copies and sends its own, never both.
 *
 * CSP: the Vite build loads only same-origin module scripts (no inline script, no eval); Naive UI
 * and Swagger UI inject inline styles and use data: images. No `upgrade-insecure-requests` (helmet's
 * default): the server is plain HTTP on 127.0.0.1 and browsers would try https for every asset.
 * No HSTS either: whether a name is HTTPS-only is the TLS terminator's decision, not this process's.
 *
 * The gateway (/v1) skips them: its answers are JSON and event streams read by programs, and its
 * hot path should not pay for headers only a browser reads (`skipSecurityHeaders`).
 */
import fastifyHelmet from '@fastify/helmet'
import type { FastifyInstance } from 'fastify'

const CONTENT_SECURITY_POLICY: Record<string, string[]> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'worker-src': ["'self'", 'blob:'],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
}

/** Must be registered on the root before any route: later scopes would not inherit its hooks. */
export async function registerSecurityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(fastifyHelmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    strictTransportSecurity: false,
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
  })
}

/**
 * Routes of `scope` get none of the headers. Sets what @fastify/helmet's own onRoute hook makes of
 * a route's `helmet: false`, which a scope's hook cannot use: the root's hooks run first.
 */
export function skipSecurityHeaders(scope: FastifyInstance): void {
  scope.addHook('onRoute', (route) => {
    route.config = { ...route.config, helmet: { skipRoute: true } } as typeof route.config
  })
}
