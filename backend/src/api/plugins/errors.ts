/**
 * Errors leave in one of two shapes: the gateway's scope (app.ts) speaks OpenAI's
 * `{error: {message, type, code}}`, everything else RFC 9457 problem documents. The shape follows
 * the route that matched (each scope has its own error handler), never a test on the raw URL: a
 * percent-encoded `/%76%31/…` reaches a gateway route and answers like one. Unknown errors answer a
 * generic 500; the full error goes to the log with the request id.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import {
  AppError,
  badRequest,
  type FieldError,
  malformedJson,
  unsupportedMediaType,
  validationFailed,
} from '../../core/errors.js'

interface AjvIssue {
  instancePath?: string
  keyword?: string
  message?: string
  params?: Record<string, unknown>
}

/** `/nodes/1/api_id` → `nodes[1].api_id`; a missing or unknown property names itself. */
function issueToField(issue: AjvIssue, part: string | undefined): FieldError {
  const segments = (issue.instancePath ?? '').split('/').filter(Boolean)
  const extra = issue.params?.missingProperty ?? issue.params?.additionalProperty
  if (typeof extra === 'string') segments.push(extra)
  const field =
    segments.map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : i === 0 ? s : `.${s}`)).join('') ||
    (part === 'body' ? '(body)' : (part ?? '(request)'))
  let message = issue.message ?? 'is invalid'
  if (issue.keyword === 'additionalProperties') message = 'is not a known field'
  if (issue.keyword === 'required') message = 'is required'
  return { field, message }
}

export type ErrorShape = 'problem' | 'openai' | 'anthropic'

/** Anthropic's error types by status, as its SDK reads them. */
export function anthropicErrorType(status: number): string {
  if (status === 400 || status === 415 || status === 422) return 'invalid_request_error'
  if (status === 401) return 'authentication_error'
  if (status === 403) return 'permission_error'
  if (status === 404) return 'not_found_error'
  if (status === 413) return 'request_too_large'
  if (status === 429) return 'rate_limit_error'
  if (status === 503 || status === 529) return 'overloaded_error'
  if (status === 504) return 'timeout_error'
  return 'api_error'
}

/** OpenAI's error types by status (429: `insufficient_quota` for a spent budget, as OpenAI sends it). */
function openAiErrorType(error: AppError): string {
  if (error.status >= 500) return 'api_error'
  if (error.status === 401) return 'authentication_error'
  if (error.status === 403) return 'permission_error'
  if (error.status === 429)
    return error.code === 'insufficient_quota' ? 'insufficient_quota' : 'rate_limit_error'
  return 'invalid_request_error'
}

export function sendError(reply: FastifyReply, error: AppError, shape: ErrorShape): FastifyReply {
  for (const [name, value] of Object.entries(error.details.headers ?? {})) reply.header(name, value)
  if (shape === 'anthropic') {
    return reply
      .code(error.status)
      .type('application/json')
      .send({ type: 'error', error: { type: anthropicErrorType(error.status), message: error.message } })
  }
  if (shape === 'openai') {
    const type = openAiErrorType(error)
    return reply
      .code(error.status)
      .type('application/json')
      .send({ error: { message: error.message, type, code: error.code } })
  }
  const { headers: _headers, ...extra } = error.details
  return reply
    .code(error.status)
    .type('application/problem+json')
    .send({
      type: `https://switchboard.dev/problems/${error.code}`,
      title: error.title,
      status: error.status,
      detail: error.message,
      ...extra,
    })
}

/**
 * A union of literals (`mode`, `strategy`) fails once per literal plus once for the union: one
 * field error "must be one of: a, b" says it better than three "must be equal to constant".
 */
function mergeLiteralUnions(issues: AjvIssue[]): AjvIssue[] {
  const allowed = new Map<string, unknown[]>()
  for (const issue of issues) {
    if (issue.keyword !== 'const') continue
    const path = issue.instancePath ?? ''
    allowed.set(path, [...(allowed.get(path) ?? []), issue.params?.allowedValue])
  }
  if (allowed.size === 0) return issues
  const merged: AjvIssue[] = []
  for (const issue of issues) {
    const values = allowed.get(issue.instancePath ?? '')
    if (!values || (issue.keyword !== 'const' && issue.keyword !== 'anyOf')) merged.push(issue)
    else if (issue.keyword === 'anyOf')
      merged.push({ ...issue, keyword: 'enum', message: `must be one of: ${values.join(', ')}` })
  }
  return merged
}

function toAppError(error: FastifyError): AppError | null {
  if (error instanceof AppError) return error
  if (error.validation) {
    const errors = mergeLiteralUnions(error.validation as AjvIssue[]).map((issue) =>
      issueToField(issue, error.validationContext),
    )
    const first = errors[0]
    return validationFailed(first ? `${first.field} ${first.message}` : 'invalid request', errors)
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('body_too_large', 'the request body is larger than this endpoint accepts')
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return unsupportedMediaType()
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('empty_body', 'the body is empty; send a JSON document or no content-type')
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return malformedJson()
  }
  if (error instanceof SyntaxError || error.statusCode === 400) {
    return badRequest(error.message)
  }
  if (error.statusCode === 415) return unsupportedMediaType()
  return null
}

/** The error handler of `scope` and of every plugin registered inside it. */
export function registerErrorHandling(scope: FastifyInstance, scopeShape: ErrorShape): void {
  scope.setErrorHandler((error: FastifyError, request: FastifyRequest, reply) => {
    // /v1/messages speaks Anthropic's format: its errors too, so the Anthropic SDK types them
    const shape =
      scopeShape === 'openai' && request.routeOptions.url?.startsWith('/v1/messages')
        ? 'anthropic'
        : scopeShape
    const known = toAppError(error)
    if (known) return sendError(reply, known, shape)
    request.log.error({ err: error }, 'unhandled error')
    return sendError(
      reply,
      new AppError('internal_error', 'an internal error occurred; see the server log'),
      shape,
    )
  })
}
