import { afterEach, describe, expect, it, vi } from 'vitest'
import { sendChat } from './chat-call'

afterEach(() => vi.unstubAllGlobals())

function sseResponse(events: string[], headers: Record<string, string> = {}): Response {
  const encoder = new TextEncoder()
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      // split across chunk borders on purpose: the parser must join them
      const text = events.join('')
      controller.enqueue(encoder.encode(text.slice(0, 17)))
      controller.enqueue(encoder.encode(text.slice(17)))
      controller.close()
    },
  })
  return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream', ...headers } })
}

const chunk = (content: string) => `data: ${JSON.stringify({ choices: [{ delta: { content } }] })}\n\n`

describe('sendChat', () => {
  it('reads a stream: the text as it comes, time to first token, usage and who answered', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () =>
        sseResponse(
          [
            chunk('Hel'),
            chunk('lo'),
            `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } })}\n\n`,
            'data: [DONE]\n\n',
          ],
          { 'x-switchboard-provider': '4', 'x-switchboard-attempts': '2', 'x-request-id': 'req-1' },
        ),
      ),
    )
    let clock = 0
    const seen: string[] = []
    const outcome = await sendChat({
      url: '/api/playground/chat/completions',
      headers: {},
      body: { model: 'm', stream: true },
      onText: (t) => seen.push(t),
      now: () => (clock += 10),
    })
    expect(outcome).toMatchObject({
      status: 200,
      providerId: '4',
      attempts: 2,
      requestId: 'req-1',
      text: 'Hello',
      usage: { total_tokens: 5 },
      error: null,
    })
    expect(seen).toEqual(['Hel', 'Hello'])
    expect(outcome.firstTokenMs).toBeGreaterThan(0)
    expect(outcome.totalMs).toBeGreaterThanOrEqual(outcome.firstTokenMs ?? 0)
  })

  it("reports a refusal in the gateway's or the server's words", async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(
        async () =>
          new Response(
            JSON.stringify({ title: 'Not Found', detail: "No route or active provider offers 'x'" }),
            {
              status: 404,
              headers: { 'content-type': 'application/problem+json' },
            },
          ),
      ),
    )
    const outcome = await sendChat({ url: '/x', headers: {}, body: {} })
    expect(outcome).toMatchObject({ status: 404, error: "No route or active provider offers 'x'", text: '' })
  })

  it('reads a JSON answer and its usage', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(
        async () =>
          new Response(
            JSON.stringify({ choices: [{ message: { content: 'pong' } }], usage: { total_tokens: 7 } }),
            { status: 200, headers: { 'content-type': 'application/json', 'x-switchboard-attempts': '1' } },
          ),
      ),
    )
    const outcome = await sendChat({ url: '/x', headers: {}, body: {} })
    expect(outcome).toMatchObject({ text: 'pong', usage: { total_tokens: 7 }, attempts: 1 })
  })
})
