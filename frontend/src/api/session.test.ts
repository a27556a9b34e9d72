import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

const fetchMock = vi.fn<typeof fetch>()

function ping(required: boolean): Response {
  return new Response(JSON.stringify({ status: 'ok', admin_token_required: required }), {
    headers: { 'Content-Type': 'application/json' },
  })
}

/** A fresh module per test: the answer of /ping is kept for the tab's lifetime. */
async function load() {
  vi.resetModules()
  const client = await import('./client')
  const session = await import('./session')
  return { ...client, ...session }
}

beforeEach(() => {
  fetchMock.mockReset()
  vi.stubGlobal('fetch', fetchMock)
  sessionStorage.clear()
})
afterEach(() => vi.unstubAllGlobals())

describe('mustSignIn', () => {
  it('is true without a token when /ping says one is required, asking /ping once', async () => {
    const { mustSignIn } = await load()
    fetchMock.mockResolvedValue(ping(true))
    expect(await mustSignIn()).toBe(true)
    expect(await mustSignIn()).toBe(true)
    expect(fetchMock.mock.calls.map((call) => call[0])).toEqual(['/ping'])
  })

  it('is false with a token, and in development mode', async () => {
    const withToken = await load()
    withToken.setToken('t0ken')
    fetchMock.mockResolvedValue(ping(true))
    expect(await withToken.mustSignIn()).toBe(false)

    sessionStorage.clear()
    const open = await load()
    fetchMock.mockResolvedValue(ping(false))
    expect(await open.mustSignIn()).toBe(false)
  })

  it('lets the pages show an unreachable server, and asks again next time', async () => {
    const { mustSignIn } = await load()
    fetchMock.mockRejectedValueOnce(new TypeError('Failed to fetch'))
    expect(await mustSignIn()).toBe(false)
    fetchMock.mockResolvedValue(ping(true))
    expect(await mustSignIn()).toBe(true)
  })
})
