/**
 * What answers a request that matched no route. The UI is a single-page application, so a GET of
 * an unknown path gets index.html (a client-side route such as /providers/42/edit); but a path the
 * backend owns (/api, /v1, /metrics, /docs, /openapi.json, /ping), however it is spelled, gets a
 * 404 in its own shape and never the UI: `//api/providers`, `/API/providers` or `/api;/providers`
 * are not routed (the router matches only the canonical spelling), and answering them with a page
 * would look like success to a client or scanner.
 *
 * This is the one place that reads the raw URL, and it decides nothing about access: credentials
 * follow the matched route (api/plugins/auth.ts), and here nothing matched.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AppError, badRequest } from '../../core/errors.js'
import { sendError } from './errors.js'
import { pathOf } from './request-logging.js'

const BACKEND_ROOTS = new Set(['api', 'metrics', 'docs', 'openapi.json', 'ping'])

/**
 * The path as a lenient server might read it: percent-decoded (repeatedly, so `%2561` reads `a`),
 * backslashes as slashes, empty and `.` segments dropped, `..` applied, `;params` cut from each
 * segment, lower case.
 */
export function canonicalPath(url: string): string {
  let path = pathOf(url)
  for (let i = 0; i < 4; i++) {
    let decoded: string
    try {
      decoded = decodeURIComponent(path)
    } catch {
      break
    }
    if (decoded === path) break
    path = decoded
  }
  const segments: string[] = []
  for (const raw of path.replaceAll('\\', '/').split('/')) {
    const segment = (raw.split(';', 1)[0] ?? '').toLowerCase()
    if (segment === '' || segment === '.') continue
    if (segment === '..') segments.pop()
    else segments.push(segment)
  }
  return `/${segments.join('/')}`
}

/** Whose unmatched path this is: the gateway's, the backend's other surfaces', or the UI's. */
export function ownerOf(url: string): 'gateway' | 'backend' | 'ui' {
  const first = canonicalPath(url).split('/')[1] ?? ''
  if (first === 'v1') return 'gateway'
  return BACKEND_ROOTS.has(first) ? 'backend' : 'ui'
}

export function registerNotFound(app: FastifyInstance, opts: { hasUi: boolean }): void {
  app.setNotFoundHandler((request, reply) => {
    const owner = ownerOf(request.url)
    const isPageLoad = request.method === 'GET' || request.method === 'HEAD'
    if (owner === 'ui' && opts.hasUi && isPageLoad) return reply.sendFile('index.html')
    return sendError(
      reply,
      new AppError('route_not_found', `${request.method} ${pathOf(request.url)} does not exist`),
      owner === 'gateway' ? 'openai' : 'problem',
    )
  })
}

/**
 * Fastify's `frameworkErrors`: a path the router cannot decode (`/api/%zz`) answers 400 in the
 * shape of whoever owns the path, like a 404 would, instead of Fastify's own JSON.
 */
export function answerUnroutable(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const known =
    error.code === 'FST_ERR_BAD_URL'
      ? new AppError('bad_url', 'the path is not valid percent-encoding')
      : badRequest(error.message)
  sendError(reply, known, ownerOf(request.url) === 'gateway' ? 'openai' : 'problem')
}
