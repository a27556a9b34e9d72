import { connect } from 'node:net'
import { describe, expect, it } from 'vitest'
import { fakeUpstream, hang, waitFor } from '../../../test/fake-upstream.js'
import { buildTestApp, sampleProvider } from '../../../test/helpers.js'

describe('error answers under /api', () => {
  it('answers 415 with a problem document for a body that is not JSON, and changes nothing', async () => {
    const { app } = await buildTestApp()
    const cases: [string, string | undefined][] = [
      ['<provider/>', 'application/xml'],
      ['name=x', 'application/x-www-form-urlencoded'],
      [JSON.stringify(sampleProvider), 'text/plain'],
      [JSON.stringify(sampleProvider), undefined],
    ]
    for (const [payload, contentType] of cases) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/providers',
        payload,
        headers: contentType ? { 'content-type': contentType } : {},
      })
      expect(res.statusCode, String(contentType)).toBe(415)
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/)
      expect(res.json()).toMatchObject({ status: 415, title: 'Unsupported Media Type' })
    }
    expect((await app.inject({ method: 'GET', url: '/api/providers' })).json()).toEqual([])
  })

  it('answers 415 in the OpenAI shape on /v1', async () => {
    const { app } = await buildTestApp()
    const res = await app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: '{"model":"m","messages":[]}',
      headers: { 'content-type': 'text/plain' },
    })
    expect(res.statusCode).toBe(415)
    expect(res.json()).toMatchObject({ error: { code: 'unsupported_media_type' } })
  })

  it('names the allowed values once for a bad mode or strategy', async () => {
    const { app } = await buildTestApp()
    const provider = await app.inject({ method: 'POST', url: '/api/providers', payload: sampleProvider })
    const res = await app.inject({
      method: 'POST',
      url: '/api/model-routes',
      payload: { name: 'r', mode: 'bogus', nodes: [{ api_id: provider.json().id, strategy: 'random' }] },
    })
    expect(res.statusCode).toBe(422)
    expect(res.json().errors).toEqual([
      { field: 'mode', message: 'must be one of: auto, specific, multi' },
      { field: 'nodes[0].strategy', message: 'must be one of: round-robin, failover' },
    ])
  })

  it('answers 503 with a problem document to a request that reaches a server shutting down', async () => {
    const upstream = await fakeUpstream(hang)
    const { app } = await buildTestApp({ BACKEND_REQUEST_TIMEOUT_SECONDS: '1' })
    await app.listen({ host: '127.0.0.1', port: 0 })
    const address = app.server.address()
    const port = typeof address === 'object' && address ? address.port : 0
    // The first request hangs on its upstream; the second comes on the same connection once
    // close() has begun (as a keep-alive client's next request would).
    const body = JSON.stringify({ base_url: upstream.url })
    const socket = connect(port, '127.0.0.1')
    let received = ''
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString()
    })
    socket.write(
      `POST /api/providers/test-direct HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    )
    await waitFor(() => upstream.requests.length === 1, 5000, 'the first request to reach the upstream')
    const closed = app.close()
    socket.write('GET /api/providers HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')
    await waitFor(() => received.split('HTTP/1.1 ').length === 3, 10_000, 'two responses')
    socket.destroy()
    await closed
    const second = `HTTP/1.1 ${received.split('HTTP/1.1 ')[2]}`
    expect(second).toMatch(/^HTTP\/1\.1 503/)
    expect(second).toMatch(/content-type: application\/problem\+json/i)
    expect(second).toMatch(/retry-after: 1/i)
    expect(second).toContain('shutting_down')
  })
})
