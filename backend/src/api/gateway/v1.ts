/**
 * /v1: the OpenAI-compatible gateway (DESIGN.md §6). Handlers stay thin: the proxy plans and checks
 * the request (its errors go through the usual error handler, in OpenAI's shape), then the reply is
 * hijacked and the proxy writes the upstream's answer to the socket as it arrives. Fastify still
 * sees the response end ('finish'), so its completion logging and onResponse hooks run as usual.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify'
import { AppError, malformedJson } from '../../core/errors.js'
import { type Endpoint, GATEWAY_ENDPOINTS, type GatewayProxy } from '../../services/gateway/proxy.js'
import {
  answered,
  ChatCompletion,
  ChatCompletionRequest,
  Completion,
  CompletionRequest,
  EmbeddingList,
  EmbeddingRequest,
  ModelListSchema,
  OpenAIError,
} from './schemas.js'

interface GatewayBody {
  text: string
  json: unknown
}

const summaries: Record<Endpoint, string> = {
  'chat/completions': 'Chat completion (streams with "stream": true), routed with failover',
  completions: 'Text completion (streams with "stream": true), routed with failover',
  embeddings: 'Embeddings, routed with failover',
}

const documented: Record<Endpoint, { body: unknown; answer: ReturnType<typeof answered> }> = {
  'chat/completions': { body: ChatCompletionRequest, answer: answered(ChatCompletion, true) },
  completions: { body: CompletionRequest, answer: answered(Completion, true) },
  embeddings: { body: EmbeddingRequest, answer: answered(EmbeddingList, false) },
}

const errors = { '4xx': OpenAIError, '5xx': OpenAIError }

/** The body schema is for /openapi.json: the body is forwarded as sent, and the proxy checks `model`. */
const acceptAnyBody = () => () => true

const description =
  '`model` is a route name or a model an active provider offers. The body is forwarded as sent, with ' +
  "`model` replaced by the chosen provider model. Errors use OpenAI's shape. Every answer carries " +
  '`x-request-id`, `x-switchboard-provider` and `x-switchboard-attempts`.'

/** Keeps the body's text (forwarded as is) next to its parse (read for `model` and `stream`). */
function registerJsonParser(app: FastifyInstance, bodyLimit: number): void {
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit }, (_req, text, done) => {
    try {
      done(null, { text: text as string, json: JSON.parse(text as string) } satisfies GatewayBody)
    } catch {
      done(malformedJson(), undefined)
    }
  })
}

/** The client key behind the request's bearer token, for the request log (null: none, or the admin token). */
function keyIdOf(req: FastifyRequest, idOf: ((token: string) => number | null) | undefined): number | null {
  const header = req.headers.authorization
  if (!idOf || !header?.startsWith('Bearer ')) return null
  return idOf(header.slice(7).trim())
}

export function gatewayRoutes(deps: {
  proxy: GatewayProxy
  bodyLimit: number
  clientKeyIdOf?: (token: string) => number | null
}): FastifyPluginAsync {
  const { proxy, bodyLimit } = deps
  return async (app) => {
    registerJsonParser(app, bodyLimit)
    // Answers Fastify sends itself (401, 404, 413, /v1/models) carry the gateway's headers too;
    // forwarded answers are written by the proxy with the real values.
    app.addHook('onSend', (_req, reply, payload, done) => {
      if (!reply.hasHeader('x-switchboard-attempts')) {
        reply.header('x-switchboard-attempts', '0')
        reply.header('x-switchboard-provider', 'none')
      }
      done(null, payload)
    })

    for (const endpoint of GATEWAY_ENDPOINTS) {
      app.post(
        `/v1/${endpoint}`,
        {
          bodyLimit,
          validatorCompiler: acceptAnyBody,
          schema: {
            tags: ['gateway'],
            summary: summaries[endpoint],
            description,
            body: documented[endpoint].body,
            response: { 200: documented[endpoint].answer, ...errors },
          },
        },
        async (req, reply) => {
          const startedAt = performance.now()
          const body = req.body as GatewayBody | undefined
          const clientKeyId = keyIdOf(req, deps.clientKeyIdOf)
          let call: ReturnType<GatewayProxy['prepare']>
          try {
            if (!body) throw new AppError('invalid_body', 'send a JSON body (application/json)')
            call = proxy.prepare(endpoint, body.json, body.text)
          } catch (error) {
            proxy.reportRejected(endpoint, body?.json, { requestId: req.id, clientKeyId }, error, startedAt)
            throw error
          }
          reply.hijack()
          await proxy.forward(call, {
            res: reply.raw,
            requestId: req.id,
            headers: req.headers,
            log: req.log,
            clientKeyId,
          })
        },
      )
    }

    app.get(
      '/v1/models',
      {
        schema: {
          tags: ['gateway'],
          summary: 'Models: every active route name and every offered model',
          response: { 200: ModelListSchema, ...errors },
        },
      },
      async () => proxy.listModels(),
    )
  }
}
