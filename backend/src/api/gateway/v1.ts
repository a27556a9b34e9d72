/**
 * /v1: the OpenAI-compatible gateway (DESIGN.md §6). Handlers stay thin: the proxy plans and checks
 * the request (its errors go through the usual error handler, in OpenAI's shape), then the reply is
 * hijacked and the proxy writes the upstream's answer to the socket as it arrives. Fastify still
 * sees the response end ('finish'), so its completion logging and onResponse hooks run as usual.
 */
import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { AppError, malformedJson } from '../../core/errors.js'
import {
  type Endpoint,
  GATEWAY_ENDPOINTS,
  type GatewayProxy,
  MULTIPART_ENDPOINTS,
  PASS_THROUGH_ENDPOINTS,
  type PreparedCall,
} from '../../services/gateway/proxy.js'
import { clientToken } from '../plugins/auth.js'
import {
  AnthropicError,
  answered,
  ChatCompletion,
  ChatCompletionRequest,
  Completion,
  CompletionRequest,
  EmbeddingList,
  EmbeddingRequest,
  MessageObject,
  ModelEntry,
  ModelListSchema,
  OpenAIError,
  ResponseIdParams,
  ResponseObject,
  ResponseRequest,
} from './schemas.js'

interface GatewayBody {
  text: string
  json: unknown
}

const summaries: Record<Endpoint, string> = {
  'chat/completions': 'Chat completion (streams with "stream": true), routed with failover',
  completions: 'Text completion (streams with "stream": true), routed with failover',
  embeddings: 'Embeddings, routed with failover',
  responses: 'Responses (streams typed events with "stream": true), routed with failover',
  moderations: 'Moderations, passed through with failover',
  'images/generations': 'Image generation, passed through with failover',
  'audio/speech': 'Text to speech: the binary audio is streamed back, with failover',
  rerank: 'Rerank (Cohere/Jina shape), passed through with failover',
  'audio/transcriptions': 'Transcription (multipart, read for its model field, forwarded as sent)',
  'audio/translations': 'Audio translation (multipart, read for its model field, forwarded as sent)',
  messages: 'Anthropic Messages (streams with "stream": true), to providers of kind anthropic, with failover',
  'messages/count_tokens': 'Anthropic token count, to providers of kind anthropic',
}

const PassThroughBody = Type.Object(
  { model: Type.String({ description: 'a route name, or a model an active provider offers' }) },
  { additionalProperties: true, description: 'forwarded as sent, with model replaced' },
)
const AnyAnswer = {
  description: "the provider's answer, passed on as it came (JSON, or binary audio for audio/speech)",
  content: { 'application/json': { schema: Type.Object({}, { additionalProperties: true }) } },
}

const documented: Record<
  (typeof GATEWAY_ENDPOINTS)[number] | 'responses',
  { body: unknown; answer: ReturnType<typeof answered> }
> = {
  'chat/completions': { body: ChatCompletionRequest, answer: answered(ChatCompletion, true) },
  completions: { body: CompletionRequest, answer: answered(Completion, true) },
  embeddings: { body: EmbeddingRequest, answer: answered(EmbeddingList, false) },
  responses: { body: ResponseRequest, answer: answered(ResponseObject, true, 'typed') },
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
  // audio transcriptions: the bytes as they came (the proxy reads the model field and forwards them)
  app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit }, (_req, body, done) => {
    done(null, body)
  })
}

/** The client key behind the request's credential (the one auth checked), for the request log (null: none, or the admin token). */
function keyIdOf(req: FastifyRequest, idOf: ((token: string) => number | null) | undefined): number | null {
  const token = idOf ? clientToken(req) : null
  return token === null ? null : idOf!(token)
}

export function gatewayRoutes(deps: {
  proxy: GatewayProxy
  bodyLimit: number
  clientKeyIdOf?: (token: string) => number | null
}): FastifyPluginAsync {
  const { proxy, bodyLimit } = deps
  /** Hands the request over to the proxy, which writes the answer itself. */
  async function forward(
    call: PreparedCall,
    req: FastifyRequest,
    reply: FastifyReply,
    clientKeyId = keyIdOf(req, deps.clientKeyIdOf),
  ): Promise<void> {
    reply.hijack()
    await proxy.forward(call, {
      res: reply.raw,
      requestId: req.id,
      headers: req.headers,
      log: req.log,
      clientKeyId,
    })
  }
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

    for (const endpoint of [...GATEWAY_ENDPOINTS, 'responses'] as const) {
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
            const sender = { headers: req.headers, clientKeyId }
            call =
              endpoint === 'responses'
                ? await proxy.prepareResponse(body.json, body.text, sender)
                : proxy.prepare(endpoint, body.json, body.text, sender)
          } catch (error) {
            proxy.reportRejected(endpoint, body?.json, { requestId: req.id, clientKeyId }, error, startedAt)
            throw error
          }
          await forward(call, req, reply, clientKeyId)
        },
      )
    }

    // Anthropic Messages: the same path, in Anthropic's format (its errors too: plugins/errors.ts).
    for (const endpoint of ['messages', 'messages/count_tokens'] as const) {
      app.post(
        `/v1/${endpoint}`,
        {
          bodyLimit,
          validatorCompiler: acceptAnyBody,
          schema: {
            tags: ['gateway'],
            summary: summaries[endpoint],
            description:
              "Anthropic's Messages API, passed through natively. The client key may come as `x-api-key`. Errors use Anthropic's shape: `{type: 'error', error: {type, message}}`.",
            body: PassThroughBody,
            response: {
              200: endpoint === 'messages' ? answered(MessageObject, true, 'typed') : AnyAnswer,
              '4xx': AnthropicError,
              '5xx': AnthropicError,
            },
          },
        },
        async (req, reply) => {
          const body = req.body as GatewayBody | undefined
          if (!body || Buffer.isBuffer(body)) {
            throw new AppError('invalid_body', 'send a JSON body (application/json)')
          }
          const clientKeyId = keyIdOf(req, deps.clientKeyIdOf)
          const call = proxy.prepare(endpoint, body.json, body.text, { headers: req.headers, clientKeyId })
          await forward(call, req, reply, clientKeyId)
        },
      )
    }

    // The other JSON endpoints: one generic pass-through (model read, body forwarded, answer piped).
    for (const endpoint of PASS_THROUGH_ENDPOINTS) {
      app.post(
        `/v1/${endpoint}`,
        {
          bodyLimit,
          validatorCompiler: acceptAnyBody,
          schema: {
            tags: ['gateway'],
            summary: summaries[endpoint],
            description,
            body: PassThroughBody,
            response: { 200: AnyAnswer, ...errors },
          },
        },
        async (req, reply) => {
          const body = req.body as GatewayBody | undefined
          if (!body || Buffer.isBuffer(body)) {
            throw new AppError('invalid_body', 'send a JSON body (application/json)')
          }
          const clientKeyId = keyIdOf(req, deps.clientKeyIdOf)
          const call = proxy.prepare(endpoint, body.json, body.text, { headers: req.headers, clientKeyId })
          await forward(call, req, reply, clientKeyId)
        },
      )
    }

    for (const endpoint of MULTIPART_ENDPOINTS) {
      app.post(
        `/v1/${endpoint}`,
        {
          bodyLimit,
          validatorCompiler: acceptAnyBody,
          schema: {
            tags: ['gateway'],
            summary: summaries[endpoint],
            description:
              'multipart/form-data with a `file` and a `model` field; the body is forwarded as sent (only the model field replaced when the route picks another model).',
            response: { 200: AnyAnswer, ...errors },
          },
        },
        async (req, reply) => {
          const bytes = req.body
          if (!Buffer.isBuffer(bytes)) {
            throw new AppError('invalid_body', 'send a multipart/form-data body with a model field')
          }
          const call = proxy.prepareMultipart(endpoint, bytes, String(req.headers['content-type']))
          await forward(call, req, reply)
        },
      )
    }

    // Lookups of a response go to the provider that made it (the binding), or are a 404.
    const lookups = [
      ['GET', '', 'Retrieve a response from the provider that made it'],
      ['DELETE', '', 'Delete a response at the provider that made it'],
      ['POST', '/cancel', 'Cancel a background response at the provider that made it'],
      ['GET', '/input_items', 'The input items of a response, from the provider that made it'],
    ] as const
    for (const [method, rest, summary] of lookups) {
      app.route({
        method,
        url: `/v1/responses/:id${rest}`,
        bodyLimit,
        validatorCompiler: acceptAnyBody,
        schema: {
          tags: ['gateway'],
          summary,
          params: ResponseIdParams,
          response: { 200: answered(ResponseObject, false), ...errors },
        },
        handler: async (req, reply) => {
          const { id } = req.params as { id: string }
          const at = req.url.indexOf('?')
          const call: PreparedCall = await proxy.prepareLookup(
            method,
            id,
            rest,
            at === -1 ? '' : req.url.slice(at),
          )
          await forward(call, req, reply)
        },
      })
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

    // a model id may hold slashes (`meta-llama/Llama-3.1-8B`): the rest of the path is the id
    app.get(
      '/v1/models/*',
      {
        schema: {
          tags: ['gateway'],
          summary: 'One model of /v1/models (a route name or an offered model)',
          response: { 200: ModelEntry, ...errors },
        },
      },
      async (req) => proxy.getModel((req.params as { '*': string })['*']),
    )
  }
}
