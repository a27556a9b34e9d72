/**
 * A real HTTP server on 127.0.0.1:0 standing in for a provider. It records every request and answers
 * as the test tells it to (a handler per request), and can hang, reset, or be closed.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { onTestFinished } from 'vitest'

export interface RecordedRequest {
  method: string
  url: string
  headers: IncomingMessage['headers']
  body: string
  /** The parsed JSON body, when it was JSON. */
  json: unknown
}

export type Handler = (
  req: IncomingMessage,
  res: ServerResponse,
  recorded: RecordedRequest,
) => void | Promise<void>

export interface FakeUpstream {
  url: string
  port: number
  requests: RecordedRequest[]
  /** Sockets the server saw closed by the other side (a client abort shows here). */
  closedByPeer: number
  setHandler(handler: Handler): void
  close(): Promise<void>
}

export const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Handler =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers })
    res.end(JSON.stringify(body))
  }

/** Never answers; the socket stays open until the client gives up or the server closes. */
export const hang: Handler = () => {}

/** Destroys the connection without an HTTP answer. */
export const reset: Handler = (req) => {
  req.socket.destroy()
}

export async function fakeUpstream(handler: Handler = json(200, { data: [] })): Promise<FakeUpstream> {
  let current = handler
  const sockets = new Set<Socket>()
  const requests: RecordedRequest[] = []
  const state = { closedByPeer: 0, closing: false }
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      let parsed: unknown
      try {
        parsed = body ? JSON.parse(body) : undefined
      } catch {
        parsed = undefined
      }
      const recorded = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body,
        json: parsed,
      }
      requests.push(recorded)
      void Promise.resolve(current(req, res, recorded)).catch(() => res.destroy())
    })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => {
      sockets.delete(socket)
      if (!state.closing) state.closedByPeer += 1
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const fake: FakeUpstream = {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    get closedByPeer() {
      return state.closedByPeer
    },
    setHandler(h) {
      current = h
    },
    async close() {
      state.closing = true
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
  onTestFinished(() => fake.close())
  return fake
}

/**
 * An upstream that holds the requests it gets while holding (counting them in `waiting`), so they
 * pile up in flight: `release()` answers those held so far and keeps holding; `open()` answers them
 * and every later one at once; `hold()` starts holding again.
 */
export function heldUpstream(handler: Handler, opts: { holding?: boolean } = {}) {
  const waiting: (() => void)[] = []
  let isHolding = opts.holding ?? true
  const release = () => {
    for (const go of waiting.splice(0)) go()
  }
  return {
    handler: ((req, res, recorded) => {
      if (!isHolding) return handler(req, res, recorded)
      waiting.push(() => handler(req, res, recorded))
    }) as Handler,
    waiting,
    hold() {
      isHolding = true
    },
    release,
    open() {
      isHolding = false
      release()
    },
  }
}

/** A URL on 127.0.0.1 where nothing listens (a port taken, then released). */
export async function closedPortUrl(): Promise<string> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return `http://127.0.0.1:${port}`
}

/** Polls `check` until it returns true or the deadline passes: no fixed sleeps in tests. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 10))
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
}
