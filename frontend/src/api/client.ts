/**
 * The one door to the backend: JSON in and out, the admin token attached, problem documents
 * (RFC 9457) turned into ApiError, and a 401 sending the user back to sign-in.
 */

export interface FieldError {
  field: string
  message: string
}

const TOKEN_KEY = 'switchboard.adminToken'

export class ApiError extends Error {
  readonly status: number
  readonly title: string
  readonly detail: string | null
  readonly errors: FieldError[]
  /** The whole problem document, for extensions such as the `routes` of a 409 on delete. */
  readonly body: Record<string, unknown>

  constructor(status: number, body: Record<string, unknown>, fallbackTitle: string) {
    const title = typeof body.title === 'string' ? body.title : fallbackTitle
    const detail = typeof body.detail === 'string' ? body.detail : null
    super(detail ?? title)
    this.name = 'ApiError'
    this.status = status
    this.title = title
    this.detail = detail
    this.errors = parseFieldErrors(body.errors)
    this.body = body
  }

  /** The message for a given field, as the server worded it. */
  fieldError(field: string): string | undefined {
    return this.errors.find((e) => e.field === field || e.field.endsWith(`/${field}`))?.message
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function parseFieldErrors(raw: unknown): FieldError[] {
  if (!Array.isArray(raw)) return []
  return raw.flatMap((item) => {
    if (!isRecord(item) || typeof item.message !== 'string') return []
    const field =
      typeof item.field === 'string' ? item.field.replace(/^\/?body\//, '').replace(/^\//, '') : ''
    return [{ field, message: item.message }]
  })
}

export function getToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY)
}

export function setToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token)
}

export function clearToken(): void {
  sessionStorage.removeItem(TOKEN_KEY)
}

type UnauthorizedHandler = () => void
let onUnauthorized: UnauthorizedHandler = () => {}

/** main.ts wires this to the router; the client itself knows nothing of pages. */
export function setUnauthorizedHandler(handler: UnauthorizedHandler): void {
  onUnauthorized = handler
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'
  body?: unknown
  query?: Record<string, string | number | boolean | undefined>
  signal?: AbortSignal
}

function buildUrl(path: string, query: RequestOptions['query']): string {
  if (!query) return path
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) params.set(key, String(value))
  }
  const qs = params.toString()
  return qs ? `${path}?${qs}` : path
}

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text()
  if (!text) return null
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json' }
  const token = getToken()
  if (token) headers.Authorization = `Bearer ${token}`
  if (options.body !== undefined) headers['Content-Type'] = 'application/json'

  let res: Response
  try {
    res = await fetch(buildUrl(path, options.query), {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    })
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause
    throw new ApiError(
      0,
      { detail: 'The server could not be reached. Is the backend running?' },
      'Network error',
    )
  }

  const body = await readBody(res)
  if (res.ok) return body as T

  if (res.status === 401) {
    clearToken()
    onUnauthorized()
  }
  const problem = isRecord(body) ? body : { detail: typeof body === 'string' && body ? body : undefined }
  throw new ApiError(res.status, problem, res.statusText || `HTTP ${res.status}`)
}

function sentence(text: string): string {
  const trimmed = text.trim()
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1)
  return /[.!?]$/.test(capital) ? capital : `${capital}.`
}

/**
 * A readable sentence for any error thrown by an API call: the server's `detail` says what went
 * wrong in words; the HTTP title ("Unprocessable Entity") only when there is nothing better.
 */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.detail) return sentence(error.detail)
    if (error.status >= 500)
      return `The server failed to answer (HTTP ${error.status} ${error.title}). Try again; its log says why.`
    return `${error.title} (HTTP ${error.status}).`
  }
  if (error instanceof Error) return error.message
  return String(error)
}
