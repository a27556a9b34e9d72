import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface FakeProvider {
  /** The base URL to register, e.g. http://127.0.0.1:40123/v1 */
  baseUrl: string
  close: () => Promise<void>
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = ''
  for await (const chunk of req) text += chunk
  try {
    return JSON.parse(text) as Record<string, unknown>
  } catch {
    return {}
  }
}

const usage = { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 }

function chunk(body: Record<string, unknown>): string {
  return `data: ${JSON.stringify({ id: 'chatcmpl-e2e', object: 'chat.completion.chunk', ...body })}\n\n`
}

/** A tiny OpenAI-compatible upstream: lists models and answers chat completions, streamed or not. */
export async function startFakeProvider(): Promise<FakeProvider> {
  const server: Server = createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/'
    if (req.method === 'GET' && path.endsWith('/models')) {
      res.setHeader('Content-Type', 'application/json')
      res.end(JSON.stringify({ object: 'list', data: [{ id: 'gpt-e2e', object: 'model', owned_by: 'e2e' }] }))
      return
    }
    if (req.method === 'POST' && path.endsWith('/chat/completions')) {
      const body = await readJson(req)
      if (body.stream === true) {
        res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' })
        res.write(chunk({ choices: [{ index: 0, delta: { role: 'assistant', content: '' } }] }))
        for (const word of ['po', 'ng'])
          res.write(chunk({ choices: [{ index: 0, delta: { content: word } }] }))
        res.write(chunk({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }))
        const options = body.stream_options as { include_usage?: boolean } | undefined
        if (options?.include_usage) res.write(chunk({ choices: [], usage }))
        res.end('data: [DONE]\n\n')
        return
      }
      res.setHeader('Content-Type', 'application/json')
      res.end(
        JSON.stringify({
          id: 'chatcmpl-e2e',
          object: 'chat.completion',
          choices: [{ index: 0, message: { role: 'assistant', content: 'pong' }, finish_reason: 'stop' }],
          usage,
        }),
      )
      return
    }
    res.statusCode = 404
    res.setHeader('Content-Type', 'application/json')
    res.end(JSON.stringify({ error: { message: 'not found', type: 'invalid_request_error', code: null } }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
