/**
 * /api bodies that the schemas cannot catch: a NUL character (PostgreSQL's text refuses it, which
 * would surface as a 500) or JSON nested so deep that recursive code overflows. Either is a 422
 * naming the field, before any handler runs. The restore endpoint checks its document itself
 * (domain/backup-document.ts), with the room a document needs around the objects it holds.
 * Registered inside the /api scope (app.ts), so it is attached to the routes of that scope only:
 * the gateway's hot path pays nothing for it. `skip` names routes as registered (route patterns),
 * which no spelling of a request URL can change.
 */
import type { FastifyInstance, FastifyRequest, preValidationHookHandler } from 'fastify'
import { invalidFields } from '../../core/errors.js'
import { findUnstorableJson } from '../../core/json.js'

function checkBody(request: FastifyRequest): void {
  if (request.body === undefined) return
  const problem = findUnstorableJson(request.body)
  if (!problem) return
  const field = problem.field || '(body)'
  throw invalidFields('', [{ field, message: problem.message }])
}

export function registerBodyGuard(scope: FastifyInstance, opts: { skip: readonly string[] }): void {
  const guard: preValidationHookHandler = (request, _reply, done) => {
    try {
      checkBody(request)
      done()
    } catch (error) {
      done(error as Error)
    }
  }
  scope.addHook('onRoute', (route) => {
    if (opts.skip.includes(route.url)) return
    const existing = route.preValidation
    route.preValidation = existing === undefined ? [guard] : [...[existing].flat(), guard]
  })
}
