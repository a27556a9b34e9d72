/** Errors of one format in the words of another: the status stays, the body takes the client's shape. */
import { type ErrorInfo, type FormatName, readError } from './types.js'

/** Anthropic's error `type` for an HTTP status (what its SDK and docs name). */
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

/** OpenAI's error `type` for an HTTP status, when the target named none of its own. */
function openAiErrorType(status: number): string {
  if (status === 401) return 'authentication_error'
  if (status === 429) return 'rate_limit_exceeded'
  return status >= 500 ? 'api_error' : 'invalid_request_error'
}

/** The error body the client's format has for this error. */
export function errorBody(format: FormatName, info: ErrorInfo): string {
  if (format === 'messages') {
    return JSON.stringify({
      type: 'error',
      error: { type: anthropicErrorType(info.status), message: info.message },
    })
  }
  const type = info.type ?? openAiErrorType(info.status)
  return JSON.stringify({
    error: { message: info.message, type, code: info.code ?? info.type ?? null, param: info.param },
  })
}

/** A target's error answer (any shape) as the client's format writes it. */
export function translateErrorBody(format: FormatName, status: number, text: string): string {
  return errorBody(format, readError(status, text))
}
