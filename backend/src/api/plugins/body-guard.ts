/**
 * /api bodies that the schemas cannot catch: a NUL character (PostgreSQL's text refuses it, which
 * would surface as a 500) or JSON nested so deep that recursive code overflows. Either is a 422
 * naming the field, before any handler runs. The restore endpoint checks its document itself
 * (domain/backup-document.ts), with the room a document needs around the objects it holds.
 */
import type { FastifyInstance } from 'fastify'
import { ValidationError } from '../../core/errors.js'
import { findUnstorableJson } from '../../core/json.js'

export function registerBodyGuard(app: FastifyInstance, opts: { skip: readonly string[] }): void {
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined || !request.url.startsWith('/api/')) return
    if (opts.skip.includes(request.routeOptions.url ?? '')) return
    const problem = findUnstorableJson(request.body)
    if (!problem) return
    const field = problem.field || '(body)'
    throw new ValidationError(`${field} ${problem.message}`, [{ field, message: problem.message }])
  })
}
