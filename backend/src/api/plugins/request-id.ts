/** A sane incoming x-request-id (letters, digits, -, _, at most 128) is kept; anything else gets a UUID. */
import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

const SANE_ID = /^[A-Za-z0-9_-]{1,128}$/

export function generateRequestId(request: IncomingMessage): string {
  const incoming = request.headers['x-request-id']
  return typeof incoming === 'string' && SANE_ID.test(incoming) ? incoming : randomUUID()
}
