/**
 * Streams after the commit point (DESIGN.md §6): events pass as they arrive; a failure ends the
 * stream with an SSE error event and no [DONE], and nothing is retried.
 */
import { once } from 'node:events'
import { type ClientRequest, request as httpRequest, type IncomingMessage } from 'node:http'
import { describe, expect, it } from 'vitest'
import { ADMIN_TOKEN, chunk, type Gateway, rawPost, sse, startGateway } from '../../../test/fake-openai.js'
import { fakeUpstream, type Handler, waitFor } from '../../../test/fake-upstream.js'

const FAST = {
  BACKEND_GATEWAY_TIMEOUT_SECONDS: '2',
  BACKEND_GATEWAY_FIRST_TOKEN_TIMEOUT_SECONDS: '2',
  BACKEND_GATEWAY_STREAM_IDLE_TIMEOUT_SECONDS: '0.3',
}

const request = { model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }], stream: true }

/** The data payloads of an SSE body, in order. */
function dataOf(text: string): string[] {
  return text
    .split('\n\n')
    .filter((event) => event.startsWith('data: '))
    .map((event) => event.slice(6))
}

async function streamFrom(handler: Handler, opts: { backup?: Handler } = {}) {
  const gw = await startGateway(FAST)
  const fake = await fakeUpstream(handler)
  await gw.addProvider(fake)
  const backup = await fakeUpstream(opts.backup ?? sse())
  await gw.addProvider(backup)
  const res = await rawPost(gw, '/chat/completions', request)
  return { gw, fake, backup, res, data: dataOf(res.text) }
}

function lastError(data: string[]): { error: { type: string; code: string; message: string } } {
  return JSON.parse(data.at(-1) ?? '{}')
}

describe('streams after the commit point', () => {
  it('passes a complete stream through with its role chunk first and [DONE] last', async () => {
    const { res, data } = await streamFrom(sse({ chunks: 3 }))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/)
    expect(JSON.parse(data[0] ?? '{}').choices[0].delta).toEqual({ role: 'assistant', content: '' })
    expect(data).toHaveLength(1 + 3 + 1 + 1)
    expect(data.at(-1)).toBe('[DONE]')
  })

  it('ends a stream cut after N chunks with an error event and no [DONE], and does not retry', async () => {
    const { res, data, backup } = await streamFrom(sse({ chunks: 4, ending: 'cut' }))
    expect(res.status).toBe(200)
    expect(data).not.toContain('[DONE]')
    expect(lastError(data)).toMatchObject({ error: { type: 'upstream_error' } })
    expect(data.filter((d) => d.includes('"content":"w')).length).toBe(4)
    expect(backup.requests).toHaveLength(0)
  })

  it('ends a stream that goes silent past the idle timeout with an error event', async () => {
    const { data, backup } = await streamFrom(sse({ chunks: 2, ending: 'stall' }))
    expect(data).not.toContain('[DONE]')
    expect(lastError(data)).toMatchObject({
      error: { type: 'upstream_error', code: 'upstream_idle_timeout' },
    })
    expect(backup.requests).toHaveLength(0)
  })

  it('ends a stream that closes before any finish_reason with an error event, never [DONE]', async () => {
    const { data } = await streamFrom(sse({ chunks: 2, finish: false, done: false }))
    expect(data).not.toContain('[DONE]')
    expect(lastError(data)).toMatchObject({ error: { code: 'upstream_truncated' } })
  })

  it('treats [DONE] without any finish_reason as truncated', async () => {
    const { data } = await streamFrom(sse({ chunks: 2, finish: false, done: true }))
    expect(data).not.toContain('[DONE]')
    expect(lastError(data)).toMatchObject({ error: { code: 'upstream_truncated' } })
  })

  it('adds [DONE] to a stream that closes cleanly after a finish_reason without one', async () => {
    const { data } = await streamFrom(sse({ chunks: 2, done: false }))
    expect(data.at(-1)).toBe('[DONE]')
    expect(data.filter((d) => d === '[DONE]')).toHaveLength(1)
  })

  it('drops events that are not valid JSON', async () => {
    const { data } = await streamFrom(sse({ chunks: 2, extra: 'data: {not json\n\n' }))
    expect(data.some((d) => d.includes('not json'))).toBe(false)
    expect(data.at(-1)).toBe('[DONE]')
  })

  it('parses events split across chunks and \\r\\n\\r\\n boundaries', async () => {
    const split: Handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      const text = (chunk('m', { content: 'héllo' }) + chunk('m', {}, 'stop')).replace(/\n/g, '\r\n')
      const bytes = Buffer.from(text)
      let at = 0
      const step = () => {
        if (at >= bytes.length) return res.end()
        res.write(bytes.subarray(at, at + 7))
        at += 7
        setImmediate(step)
      }
      step()
    }
    const { data } = await streamFrom(split)
    expect(JSON.parse(data[0] ?? '{}').choices[0].delta.content).toBe('héllo')
    expect(data.at(-1)).toBe('[DONE]')
  })

  it('passes an error event after the commit on and ends without [DONE]', async () => {
    const late: Handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.write(chunk('m', { content: 'partial' }))
      res.end(`data: ${JSON.stringify({ error: { message: 'overloaded', code: 'overloaded' } })}\n\n`)
    }
    const { data, backup } = await streamFrom(late)
    expect(data).not.toContain('[DONE]')
    expect(lastError(data)).toMatchObject({ error: { code: 'overloaded' } })
    expect(backup.requests).toHaveLength(0)
  })
})

describe('BACKEND_GATEWAY_STREAM_MAX_DURATION_SECONDS', () => {
  /** Sends `event(i)` every 20 ms until the gateway goes away: an upstream that never ends. */
  const forever =
    (event: (i: number) => string): Handler =>
    (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      let i = 0
      const timer = setInterval(() => res.write(event(i++)), 20)
      res.on('close', () => clearInterval(timer))
    }
  const LIMITED = { ...FAST, BACKEND_GATEWAY_STREAM_MAX_DURATION_SECONDS: '0.5' }

  it('ends a stream that goes on past it with an error event and no [DONE], and does not retry', async () => {
    const gw = await startGateway(LIMITED)
    const fake = await fakeUpstream(forever((i) => chunk('m', { content: `w${i} ` })))
    await gw.addProvider(fake)
    const backup = await fakeUpstream(sse())
    await gw.addProvider(backup)
    const res = await rawPost(gw, '/chat/completions', request)
    const data = dataOf(res.text)
    expect(res.status).toBe(200)
    expect(data.filter((d) => d.includes('"content":"w')).length).toBeGreaterThan(0)
    expect(data).not.toContain('[DONE]')
    expect(lastError(data)).toMatchObject({
      error: { type: 'upstream_error', code: 'upstream_max_duration' },
    })
    expect(backup.requests).toHaveLength(0)
    await waitFor(() => fake.closedByPeer >= 1, 3000, 'the upstream request to be aborted')
  })

  it('before the commit, is a timeout: the next provider answers', async () => {
    // role-only chunks forever: no content, and the first-token timeout (10 s) is far away
    const gw = await startGateway({ ...LIMITED, BACKEND_GATEWAY_FIRST_TOKEN_TIMEOUT_SECONDS: '10' })
    const fake = await fakeUpstream(forever(() => chunk('m', { role: 'assistant', content: '' })))
    await gw.addProvider(fake)
    const backup = await fakeUpstream(sse({ chunks: 2 }))
    const backupId = await gw.addProvider(backup)
    const res = await rawPost(gw, '/chat/completions', request)
    expect(res.headers.get('x-switchboard-provider')).toBe(String(backupId))
    expect(res.headers.get('x-switchboard-attempts')).toBe('2')
    expect(dataOf(res.text).at(-1)).toBe('[DONE]')

    fake.setHandler(forever(() => ': keep-alive\n\n'))
    const alone = await startGateway({ ...LIMITED, BACKEND_GATEWAY_FIRST_TOKEN_TIMEOUT_SECONDS: '10' })
    await alone.addProvider(fake)
    const timedOut = await rawPost(alone, '/chat/completions', request)
    expect(timedOut.status).toBe(504)
    expect(JSON.parse(timedOut.text)).toMatchObject({
      error: { code: 'upstream_timeout', message: 'the upstream answer took longer than the gateway allows' },
    })
  })

  it('is off by default: a long stream is passed on to its end', async () => {
    const gw = await startGateway(FAST)
    const long: Handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      let i = 0
      const timer = setInterval(() => {
        if (i === 40) {
          clearInterval(timer)
          res.end(chunk('m', {}, 'stop'))
          return
        }
        res.write(chunk('m', { content: `w${i++} ` }))
      }, 20)
    }
    const fake = await fakeUpstream(long)
    await gw.addProvider(fake)
    const data = dataOf((await rawPost(gw, '/chat/completions', request)).text)
    expect(data.filter((d) => d.includes('"content":"w')).length).toBe(40)
    expect(data.at(-1)).toBe('[DONE]')
  })
})

describe('client disconnect', () => {
  /** A raw client (no pooled agent): reads the first bytes of the stream, then can be destroyed. */
  async function openStream(gw: Gateway): Promise<ClientRequest> {
    const body = JSON.stringify(request)
    const req = httpRequest(`${gw.baseURL}/chat/completions`, {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
    })
    const firstBytes = new Promise<void>((resolve, reject) => {
      req.on('response', (res) => res.once('data', () => resolve()))
      req.on('error', reject)
    })
    req.end(body)
    await firstBytes
    return req
  }

  it('aborts the upstream at once when the client goes away mid-stream', async () => {
    const gw = await startGateway({ ...FAST, BACKEND_GATEWAY_STREAM_IDLE_TIMEOUT_SECONDS: '30' })
    const fake = await fakeUpstream(sse({ chunks: 1, ending: 'stall' }))
    await gw.addProvider(fake)
    const req = await openStream(gw)
    expect(fake.closedByPeer).toBe(0)
    req.destroy()
    // far below the 30 s idle timeout: the abort, not a timer, closed it
    await waitFor(() => fake.closedByPeer >= 1, 3000, 'the upstream socket to close')
  })
})

describe('a client that reads slowly', () => {
  it('is not cut by the idle timeout while it holds the stream back (back-pressure is not silence)', async () => {
    const gw = await startGateway(FAST)
    const upstream = { blocked: false, ended: false }
    // A stream far larger than the socket buffers between the three parties, written as fast as
    // the gateway takes it: once the client stops reading, the gateway pauses the upstream.
    const fake = await fakeUpstream(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.write(chunk('gpt-test', { role: 'assistant', content: '' }))
      const piece = chunk('gpt-test', { content: 'x'.repeat(32 * 1024) })
      for (let i = 0; i < 2000; i++) {
        if (!res.write(piece)) {
          upstream.blocked = true
          await once(res, 'drain')
        }
      }
      res.write(chunk('gpt-test', {}, 'stop'))
      res.end('data: [DONE]\n\n')
      upstream.ended = true
    })
    await gw.addProvider(fake)
    const req = httpRequest(`${gw.baseURL}/chat/completions`, {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
    })
    req.end(JSON.stringify(request))
    const [res] = (await once(req, 'response')) as [IncomingMessage]
    res.pause()
    await waitFor(() => upstream.blocked, 20_000, 'the upstream to be held back by the slow client')
    // Held back well past the 0.3 s idle timeout: the upstream is silent only because of the client.
    await new Promise((resolve) => setTimeout(resolve, 1500))
    expect(upstream.ended).toBe(false)
    let tail = ''
    res.setEncoding('utf8')
    res.on('data', (text: string) => {
      tail = (tail + text).slice(-4096)
    })
    res.resume()
    await once(res, 'end')
    expect(tail).not.toContain('upstream_idle_timeout')
    expect(tail.endsWith('data: [DONE]\n\n')).toBe(true)
  })
})
