/**
 * One error type for the whole backend. `/api` serialises it as a problem document (RFC 9457),
 * `/v1` as OpenAI's `{ error: { message, type, code } }`: same error, two serialisers.
 */
export interface FieldError {
  field: string
  message: string
}

const statusByKind = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  misdirected: 421,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation: 422,
  rate_limited: 429,
  internal: 500,
  upstream: 502,
  unavailable: 503,
  upstream_timeout: 504,
} as const

export type ErrorKind = keyof typeof statusByKind

export const titleByStatus: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  421: 'Misdirected Request',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
}

export class AppError extends Error {
  readonly status: number
  constructor(
    readonly kind: ErrorKind,
    /** stable snake_case code, e.g. `provider_not_found` */
    readonly code: string,
    message: string,
    readonly details: { errors?: FieldError[]; headers?: Record<string, string>; [k: string]: unknown } = {},
  ) {
    super(message)
    this.status = statusByKind[kind]
    this.name = 'AppError'
  }
}

export class NotFoundError extends AppError {
  constructor(code: string, message: string) {
    super('not_found', code, message)
  }
}

export class ConflictError extends AppError {
  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super('conflict', code, message, details)
  }
}

export class ValidationError extends AppError {
  constructor(message: string, errors: FieldError[] = []) {
    super('validation', 'validation_failed', message, { errors })
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'A valid bearer token is required') {
    super('unauthorized', 'unauthorized', message)
  }
}

export class UnavailableError extends AppError {
  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super('unavailable', code, message, details)
  }
}

export class UpstreamError extends AppError {
  constructor(code: string, message: string) {
    super('upstream', code, message)
  }
}

export function fieldError(field: string, message: string): ValidationError {
  return new ValidationError(message, [{ field, message }])
}
