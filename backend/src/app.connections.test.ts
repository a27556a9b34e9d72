/**
 * Issue 11, item 8: slow clients are cut off and connections are capped, so a slow-header flood
 * stops neither /ping nor the gateway; answers (gateway streams) are never cut by these limits.
 * Real sockets on 127.0.0.1; every wait polls with a deadline.
 */
import { Agent } from 'node:http'
import { connect, type Socket } from 'node:net'
import { describe, expect, it, onTestFinished } from 'vitest'
import { chunk, ok, startGateway } from '../test/fake-openai.js'
import { fakeUpstream, waitFor } from '../test/fake-upstream.js'
import { portOf, rawRequest } from '../test/raw-http.js'
import { loadSettings, SettingsError } from './settings.js'

interface SlowClient {
  socket: Socket
  received: string
  closedAt: number | null
}

/** A client that opens a request and then sends one more header line every `everyMs`. */
function slowHeaders(port: number, everyMs = 100): SlowClient {
  const client: SlowClient = { socket: connect(port, '127.0.0.1'), received: '', closedAt: null }
  client.socket.on('data', (data: Buffer) => {
    client.received += data.toString()
  })
  client.socket.on('error', () => {})
  const trickle = setInterval(() => {
    if (!client.socket.destroyed) client.socket.write('X-Slow: 1\r\n')
  }, everyMs)
  client.socket.on('close', () => {
    client.closedAt = Date.now()
    clearInterval(trickle)
  })
  client.socket.on('connect', () => client.socket.write('GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\n'))
  onTestFinished(() => {
    clearInterval(trickle)
    client.socket.destroy()
  })
  return client
}

const open = (clients: SlowClient[]) => clients.filter((c) => c.closedAt === null)

describe('slow clients', () => {
  it('cuts a request whose headers or body arrive too slowly with 408, and an idle connection', async () => {
    const gw = await startGateway({
      BACKEND_HEADERS_TIMEOUT_SECONDS: '0.5',
      BACKEND_REQUEST_BODY_TIMEOUT_SECONDS: '1',
    })
    const port = portOf(gw.app)
    const started = Date.now()
    const headers = slowHeaders(port)
    const idle: SlowClient = { socket: connect(port, '127.0.0.1'), received: '', closedAt: null }
    idle.socket.on('data', (d: Buffer) => {
      idle.received += d.toString()
    })
    idle.socket.on('close', () => {
      idle.closedAt = Date.now()
    })
    const body: SlowClient = { socket: connect(port, '127.0.0.1'), received: '', closedAt: null }
    body.socket.on('data', (d: Buffer) => {
      body.received += d.toString()
    })
    body.socket.on('close', () => {
      body.closedAt = Date.now()
    })
    body.socket.write(
      'POST /api/keys HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer admin-token-gateway-test\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{',
    )
    const drip = setInterval(() => body.socket.destroyed || body.socket.write(' '), 100)
    onTestFinished(() => {
      clearInterval(drip)
      idle.socket.destroy()
      body.socket.destroy()
    })
    await waitFor(
      () => [headers, idle, body].every((c) => c.closedAt !== null),
      10_000,
      'the server to cut all three',
    )
    for (const client of [headers, idle, body]) expect(client.received).toMatch(/^HTTP\/1\.1 408 /)
    // the body had its own, longer deadline: headers and body together
    expect((body.closedAt ?? 0) - started).toBeGreaterThanOrEqual(900)
    expect((await gw.admin('GET', '/api/keys')).body).toEqual([])
  })

  it('answers /ping and the gateway during a slow-header flood, then cuts the flood', async () => {
    const upstream = await fakeUpstream(ok())
    const gw = await startGateway({
      BACKEND_HEADERS_TIMEOUT_SECONDS: '3',
      BACKEND_REQUEST_BODY_TIMEOUT_SECONDS: '6',
      BACKEND_MAX_CONNECTIONS: '100',
    })
    await gw.addProvider(upstream, { models: ['gpt-test'] })
    const port = portOf(gw.app)
    const flood = Array.from({ length: 40 }, () => slowHeaders(port))
    await waitFor(() => flood.every((c) => c.socket.readyState === 'open'), 5000, 'the flood to connect')
    const ping = await rawRequest(port, { path: '/ping' })
    expect(ping.status).toBe(200)
    const completion = await gw.client.chat.completions.create({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'hi' }],
    })
    expect(completion.choices[0]?.message.content).toBe('Hello there')
    expect(open(flood)).toHaveLength(40)
    await waitFor(() => open(flood).length === 0, 15_000, 'the flood to be cut')
    for (const client of flood) expect(client.received).toMatch(/^HTTP\/1\.1 408 /)
  })

  it('closes connections past BACKEND_MAX_CONNECTIONS at once and keeps serving the open ones', async () => {
    const upstream = await fakeUpstream(ok())
    const gw = await startGateway({
      BACKEND_HEADERS_TIMEOUT_SECONDS: '3',
      BACKEND_REQUEST_BODY_TIMEOUT_SECONDS: '6',
      BACKEND_MAX_CONNECTIONS: '20',
    })
    await gw.addProvider(upstream, { models: ['gpt-test'] })
    const port = portOf(gw.app)
    // a client connected before the flood, reusing its one connection
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    onTestFinished(() => agent.destroy())
    expect((await rawRequest(port, { path: '/ping', agent })).status).toBe(200)
    const flood = Array.from({ length: 35 }, () => slowHeaders(port))
    // 19 slots were left: the other 16 are closed without an answer, well before any deadline
    await waitFor(() => flood.filter((c) => c.closedAt !== null).length >= 16, 2000, 'the cap to refuse')
    const refused = flood.filter((c) => c.closedAt !== null)
    expect(refused.length).toBe(16)
    for (const client of refused) expect(client.received).toBe('')
    const ping = await rawRequest(port, { path: '/ping', agent })
    expect(ping.status).toBe(200)
    const chat = await rawRequest(port, {
      method: 'POST',
      path: '/v1/chat/completions',
      agent,
      headers: { authorization: 'Bearer admin-token-gateway-test' },
      body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] }),
    })
    expect(chat.status).toBe(200)
    expect(open(flood)).toHaveLength(19)
    // once the deadline frees the slots, new clients are served again
    await waitFor(() => open(flood).length === 0, 15_000, 'the flood to be cut')
    expect((await rawRequest(port, { path: '/ping' })).status).toBe(200)
  })

  it('never cuts an answer that takes longer than both deadlines: a slow stream arrives whole', async () => {
    const upstream = await fakeUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.write(chunk('gpt-test', { role: 'assistant', content: '' }))
      let sent = 0
      const timer = setInterval(() => {
        if (sent < 8) {
          res.write(chunk('gpt-test', { content: `w${sent} ` }))
          sent += 1
          return
        }
        clearInterval(timer)
        res.write(chunk('gpt-test', {}, 'stop'))
        res.end('data: [DONE]\n\n')
      }, 200)
    })
    const gw = await startGateway({
      BACKEND_HEADERS_TIMEOUT_SECONDS: '0.3',
      BACKEND_REQUEST_BODY_TIMEOUT_SECONDS: '0.5',
    })
    await gw.addProvider(upstream, { models: ['gpt-test'] })
    const started = Date.now()
    const stream = await gw.client.chat.completions.create({
      model: 'gpt-test',
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    })
    let text = ''
    let finish: string | null = null
    for await (const part of stream) {
      text += part.choices[0]?.delta.content ?? ''
      finish = part.choices[0]?.finish_reason ?? finish
    }
    expect(Date.now() - started).toBeGreaterThan(1000)
    expect(text).toBe('w0 w1 w2 w3 w4 w5 w6 w7 ')
    expect(finish).toBe('stop')
  })
})

describe('settings for slow clients', () => {
  it('defaults to 10 s for headers, 60 s for the whole request and 1000 connections', () => {
    expect(loadSettings({})).toMatchObject({
      headersTimeoutSeconds: 10,
      requestBodyTimeoutSeconds: 60,
      maxConnections: 1000,
    })
  })

  it('refuses a headers deadline longer than the request deadline, and a cap below one', () => {
    try {
      loadSettings({
        BACKEND_HEADERS_TIMEOUT_SECONDS: '30',
        BACKEND_REQUEST_BODY_TIMEOUT_SECONDS: '20',
        BACKEND_MAX_CONNECTIONS: '0',
      })
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(SettingsError)
      const problems = (error as SettingsError).problems.join('\n')
      expect(problems).toContain('BACKEND_HEADERS_TIMEOUT_SECONDS=30: must not be longer than')
      expect(problems).toContain('BACKEND_MAX_CONNECTIONS=0: expected an integer from 1')
    }
  })
})
