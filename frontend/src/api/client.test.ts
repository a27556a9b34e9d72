import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  ApiError,
  clearToken,
  describeError,
  getToken,
  request,
  setToken,
  setUnauthorizedHandler,
} from './client'

function respond(status: number, body: unknown, contentType = 'application/json') {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': contentType },
  })
}

const fetchMock = vi.fn<typeof fetch>()

beforeEach(() => {
  fetchMock.mockReset()
  vi.stubGlobal('fetch', fetchMock)
  clearToken()
})

afterEach(() => {
  vi.unstubAllGlobals()
  setUnauthorizedHandler(() => {})
})

function sentHeaders(): Record<string, string> {
  const init = fetchMock.mock.calls[0]?.[1]
  return (init?.headers ?? {}) as Record<string, string>
}

describe('api client', () => {
  it('returns the parsed JSON of a successful answer', async () => {
    fetchMock.mockResolvedValue(respond(200, [{ id: 1, name: 'OpenAI' }]))
    await expect(request('/api/providers')).resolves.toEqual([{ id: 1, name: 'OpenAI' }])
  })

  it('returns nothing for a 204', async () => {
    fetchMock.mockResolvedValue(new Response(null, { status: 204 }))
    await expect(request('/api/providers/1', { method: 'DELETE' })).resolves.toBeNull()
  })

  it('sends the admin token from the session as a bearer token', async () => {
    setToken('s3cret')
    fetchMock.mockResolvedValue(respond(200, []))
    await request('/api/providers')
    expect(sentHeaders().Authorization).toBe('Bearer s3cret')
  })

  it('sends no Authorization header without a token', async () => {
    fetchMock.mockResolvedValue(respond(200, []))
    await request('/api/providers')
    expect(sentHeaders().Authorization).toBeUndefined()
  })

  it('sends a JSON body and the query string', async () => {
    fetchMock.mockResolvedValue(respond(200, { dry_run: true }))
    await request('/api/admin/providers/restore', {
      method: 'POST',
      body: { version: 1 },
      query: { dry_run: true },
    })
    const [url, init] = fetchMock.mock.calls[0] ?? []
    expect(url).toBe('/api/admin/providers/restore?dry_run=true')
    expect(init?.body).toBe('{"version":1}')
    expect(sentHeaders()['Content-Type']).toBe('application/json')
  })

  it('turns a problem document into an ApiError with its field errors', async () => {
    fetchMock.mockResolvedValue(
      respond(
        422,
        {
          type: 'about:blank',
          title: 'Unprocessable Entity',
          status: 422,
          detail: 'The request is not valid',
          errors: [
            { field: 'base_url', message: 'must be an http(s) URL' },
            { field: '/body/api_key', message: 'required when the host changes' },
          ],
        },
        'application/problem+json',
      ),
    )
    const error = await request('/api/providers', { method: 'POST', body: {} }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    const apiError = error as ApiError
    expect(apiError.status).toBe(422)
    expect(apiError.title).toBe('Unprocessable Entity')
    expect(apiError.detail).toBe('The request is not valid')
    expect(apiError.fieldError('base_url')).toBe('must be an http(s) URL')
    expect(apiError.fieldError('api_key')).toBe('required when the host changes')
  })

  it('keeps problem extensions such as the routes of a delete conflict', async () => {
    fetchMock.mockResolvedValue(
      respond(409, {
        title: 'Conflict',
        status: 409,
        detail: 'Used by routes',
        routes: [{ id: 3, name: 'chat' }],
      }),
    )
    const error = (await request('/api/providers/1', { method: 'DELETE' }).catch(
      (e: unknown) => e,
    )) as ApiError
    expect(error.status).toBe(409)
    expect(error.body.routes).toEqual([{ id: 3, name: 'chat' }])
  })

  it('explains an answer that is not a problem document', async () => {
    fetchMock.mockResolvedValue(new Response('upstream exploded', { status: 502, statusText: 'Bad Gateway' }))
    const error = (await request('/api/providers').catch((e: unknown) => e)) as ApiError
    expect(error.status).toBe(502)
    expect(error.title).toBe('Bad Gateway')
    expect(error.detail).toBe('upstream exploded')
  })

  it('reports an unreachable server as a network error', async () => {
    fetchMock.mockRejectedValue(new TypeError('Failed to fetch'))
    const error = (await request('/api/providers').catch((e: unknown) => e)) as ApiError
    expect(error.status).toBe(0)
    expect(error.message).toMatch(/could not be reached/)
  })

  it('forgets the token and calls the sign-in handler on 401', async () => {
    setToken('stale')
    const onUnauthorized = vi.fn()
    setUnauthorizedHandler(onUnauthorized)
    fetchMock.mockResolvedValue(respond(401, { title: 'Unauthorized', status: 401 }))
    const error = (await request('/api/providers').catch((e: unknown) => e)) as ApiError
    expect(error.status).toBe(401)
    expect(getToken()).toBeNull()
    expect(onUnauthorized).toHaveBeenCalledOnce()
  })

  it('does not call the sign-in handler for other errors', async () => {
    const onUnauthorized = vi.fn()
    setUnauthorizedHandler(onUnauthorized)
    fetchMock.mockResolvedValue(respond(404, { title: 'Not Found', status: 404 }))
    await request('/api/providers/9').catch(() => undefined)
    expect(onUnauthorized).not.toHaveBeenCalled()
  })

  it('describes an error by the server detail, not the HTTP title', () => {
    const detailed = new ApiError(
      422,
      { title: 'Unprocessable Entity', detail: 'the backup is not valid' },
      'x',
    )
    expect(describeError(detailed)).toBe('The backup is not valid.')
    const bare = new ApiError(500, { title: 'Internal Server Error' }, 'x')
    expect(describeError(bare)).toContain('HTTP 500 Internal Server Error')
    expect(describeError(new ApiError(404, {}, 'Not Found'))).toBe('Not Found (HTTP 404).')
  })
})
