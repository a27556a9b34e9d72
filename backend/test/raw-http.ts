/**
 * HTTP requests whose request line goes out exactly as written: `fetch` and `inject` normalise
 * paths (`/./api` → `/api`, `%61` kept or not), which would hide what a hostile client can send.
 */
import { type Agent, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'

export interface RawResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
}

export interface RawRequest {
  method?: string
  /** Sent as the request target without any parsing or normalisation. */
  path: string
  headers?: Record<string, string>
  body?: string
  /** A keep-alive agent to reuse a connection; by default each request opens its own. */
  agent?: Agent
}

export function rawRequest(port: number, req: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...req.headers }
    if (req.body !== undefined) {
      headers['content-type'] ??= 'application/json'
      headers['content-length'] = String(Buffer.byteLength(req.body))
    }
    const outgoing = request(
      {
        host: '127.0.0.1',
        port,
        method: req.method ?? 'GET',
        path: req.path,
        headers,
        agent: req.agent ?? false,
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        )
        res.on('error', reject)
      },
    )
    outgoing.on('error', reject)
    outgoing.end(req.body)
  })
}

/** The port of an app listening on 127.0.0.1. */
export function portOf(app: FastifyInstance): number {
  return (app.server.address() as AddressInfo).port
}
