import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface FakeProvider {
  /** The base URL to register, e.g. http://127.0.0.1:40123/v1 */
  baseUrl: string
  close: () => Promise<void>
}

/** A tiny OpenAI-compatible upstream: lists models and answers chat completions. */
export async function startFakeProvider(): Promise<FakeProvider> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/'
    res.setHeader('Content-Type', 'application/json')
    if (req.method === 'GET' && path.endsWith('/models')) {
      res.end(JSON.stringify({ object: 'list', data: [{ id: 'gpt-e2e', object: 'model', owned_by: 'e2e' }] }))
      return
    }
    if (req.method === 'POST' && path.endsWith('/chat/completions')) {
      res.end(
        JSON.stringify({
          id: 'chatcmpl-e2e',
          object: 'chat.completion',
          choices: [{ index: 0, message: { role: 'assistant', content: 'pong' }, finish_reason: 'stop' }],
        }),
      )
      return
    }
    res.statusCode = 404
    res.end(JSON.stringify({ error: { message: 'not found', type: 'invalid_request_error', code: null } }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
