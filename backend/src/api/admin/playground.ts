/**
 * /api/playground: the UI's Playground sends a chat completion through the gateway with the admin
 * session, so no client key has to reach the browser. The call takes the gateway's own path
 * (proxy.prepare → proxy.forward: routing, failover, streaming, the x-switchboard-* headers, the
 * figures), only the credential differs: the admin token of /api instead of a client key of /v1.
 * The body is a small, checked subset of OpenAI's (the Playground sends nothing else).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { GatewayProxy } from '../../services/gateway/proxy.js'
import { answered, ChatCompletion, ModelListSchema } from '../gateway/schemas.js'
import { problems } from './schemas.js'

const Message = Type.Object(
  {
    role: Type.Union([Type.Literal('system'), Type.Literal('user'), Type.Literal('assistant')]),
    content: Type.String({ maxLength: 100_000 }),
  },
  { additionalProperties: false },
)

export const PlaygroundBody = Type.Object(
  {
    model: Type.String({ minLength: 1, maxLength: 300, description: 'a route name or a provider model' }),
    messages: Type.Array(Message, { minItems: 1, maxItems: 100 }),
    stream: Type.Optional(Type.Boolean()),
    stream_options: Type.Optional(
      Type.Object({ include_usage: Type.Boolean() }, { additionalProperties: false }),
    ),
    max_tokens: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    temperature: Type.Optional(Type.Number({ minimum: 0, maximum: 2 })),
  },
  { additionalProperties: false, title: 'PlaygroundChat' },
)

export function playgroundRoutes(deps: { proxy: GatewayProxy }): FastifyPluginAsyncTypebox {
  const { proxy } = deps
  return async (app) => {
    app.get(
      '/api/playground/models',
      {
        schema: {
          tags: ['playground'],
          summary: 'What the Playground can ask for: the same list as GET /v1/models',
          response: { 200: ModelListSchema },
        },
      },
      async () => proxy.listModels(),
    )

    app.post(
      '/api/playground/chat/completions',
      {
        schema: {
          tags: ['playground'],
          summary: 'Send a chat completion through the gateway with the admin session (the UI Playground)',
          description:
            'Answers exactly as POST /v1/chat/completions does (JSON, or SSE with "stream": true, and the ' +
            '`x-switchboard-provider`, `x-switchboard-attempts` and `x-request-id` headers); a request the ' +
            'gateway refuses before forwarding (unknown model, no provider) is a problem document.',
          body: PlaygroundBody,
          response: { 200: answered(ChatCompletion, true), ...problems(404, 422, 503) },
        },
      },
      async (req, reply) => {
        const call = proxy.prepare('chat/completions', req.body, JSON.stringify(req.body))
        reply.hijack()
        await proxy.forward(call, { res: reply.raw, requestId: req.id, headers: {}, log: req.log })
      },
    )
  }
}
