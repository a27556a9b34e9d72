/**
 * One error type for the whole backend. `/api` serialises it as a problem document (RFC 9457),
 * `/v1` as OpenAI's `{ error: { message, type, code } }`: same error, two serialisers.
 *
 * Every code the backend can answer with is in `errorCodes`, a closed table: a new code is a new
 * row here (stable once shipped), and its status and title come from the row, never from the throw
 * site. The helpers below build the errors that more than one place throws.
 */
export interface FieldError {
  field: string
  message: string
}

export const errorCodes = {
  bad_request: { status: 400, title: 'Bad Request' },
  bad_url: { status: 400, title: 'Bad Request' },
  empty_body: { status: 400, title: 'Bad Request' },
  malformed_json: { status: 400, title: 'Bad Request' },
  invalid_body: { status: 400, title: 'Bad Request' },
  unsupported_parameter: { status: 400, title: 'Bad Request' },
  model_required: { status: 400, title: 'Bad Request' },
  host_invalid: { status: 400, title: 'Bad Request' },
  unauthorized: { status: 401, title: 'Unauthorized' },
  route_not_found: { status: 404, title: 'Not Found' },
  provider_not_found: { status: 404, title: 'Not Found' },
  model_route_not_found: { status: 404, title: 'Not Found' },
  key_not_found: { status: 404, title: 'Not Found' },
  model_not_found: { status: 404, title: 'Not Found' },
  model_not_offered: { status: 404, title: 'Not Found' },
  request_not_found: { status: 404, title: 'Not Found' },
  price_not_found: { status: 404, title: 'Not Found' },
  endpoint_not_served: { status: 404, title: 'Not Found' },
  response_not_found: { status: 404, title: 'Not Found' },
  provider_name_taken: { status: 409, title: 'Conflict' },
  route_name_taken: { status: 409, title: 'Conflict' },
  provider_in_use: { status: 409, title: 'Conflict' },
  route_inactive: { status: 409, title: 'Conflict' },
  id_space_exhausted: { status: 409, title: 'Conflict' },
  body_too_large: { status: 413, title: 'Payload Too Large' },
  unsupported_media_type: { status: 415, title: 'Unsupported Media Type' },
  host_not_allowed: { status: 421, title: 'Misdirected Request' },
  validation_failed: { status: 422, title: 'Unprocessable Content' },
  internal_error: { status: 500, title: 'Internal Server Error' },
  no_provider_available: { status: 503, title: 'Service Unavailable' },
  shutting_down: { status: 503, title: 'Service Unavailable' },
  bound_provider_unavailable: { status: 503, title: 'Service Unavailable' },
} as const satisfies Record<string, { status: number; title: string }>

export type ErrorCode = keyof typeof errorCodes

export interface ErrorDetails {
  errors?: FieldError[]
  headers?: Record<string, string>
  [k: string]: unknown
}

export class AppError extends Error {
  readonly status: number
  readonly title: string
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message)
    this.status = errorCodes[code].status
    this.title = errorCodes[code].title
    this.name = 'AppError'
  }
}

export function validationFailed(message: string, errors: FieldError[] = []): AppError {
  return new AppError('validation_failed', message, { errors })
}

/** A 422 whose message is the first field error, prefixed: `invalid route: nodes[0].api_id …`. */
export function invalidFields(prefix: string, errors: FieldError[]): AppError {
  const first = errors[0]
  return validationFailed(`${prefix}${first?.field} ${first?.message}`, errors)
}

export function fieldError(field: string, message: string): AppError {
  return validationFailed(message, [{ field, message }])
}

export function badRequest(message: string): AppError {
  return new AppError('bad_request', message || 'bad request')
}

export function malformedJson(): AppError {
  return new AppError('malformed_json', 'the body is not valid JSON')
}

export function unsupportedMediaType(): AppError {
  return new AppError('unsupported_media_type', 'send the body as application/json')
}

export function providerNotFound(id: number): AppError {
  return new AppError('provider_not_found', `provider ${id} does not exist`)
}

export function modelRouteNotFound(id: number): AppError {
  return new AppError('model_route_not_found', `model route ${id} does not exist`)
}

export function clientKeyNotFound(id: number): AppError {
  return new AppError('key_not_found', `Client key ${id} does not exist`)
}

export function nameTaken(resource: 'provider' | 'route', name: string | undefined): AppError {
  return new AppError(
    resource === 'provider' ? 'provider_name_taken' : 'route_name_taken',
    `a ${resource} named ${JSON.stringify(name)} already exists`,
  )
}

/** An insert after a restore that used the largest id of an INTEGER column (`'provider'`, …). */
export function idSpaceExhausted(what: string): AppError {
  return new AppError(
    'id_space_exhausted',
    `no ${what} id is left below 2^31 (a restored backup used the largest one)`,
  )
}

export function noProviderAvailable(message: string, details: ErrorDetails = {}): AppError {
  return new AppError('no_provider_available', message, details)
}
