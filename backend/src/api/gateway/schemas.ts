/**
 * /openapi.json for /v1: the request and answer shapes of OpenAI's API that the gateway reads or
 * passes on. For the document only: a /v1 body is forwarded as sent (extra fields included), so the
 * routes do not validate against these (v1.ts), and the proxy checks what it needs (`model`).
 */
import { type TSchema, Type } from '@sinclair/typebox'

const Model = Type.String({ description: 'a route name, or a model an active provider offers' })
const Open = { additionalProperties: true } as const

const ChatMessage = Type.Object(
  {
    role: Type.String({ description: 'system, user, assistant, tool, …' }),
    content: Type.Union([Type.String(), Type.Array(Type.Unknown()), Type.Null()]),
  },
  Open,
)

export const ChatCompletionRequest = Type.Object(
  {
    model: Model,
    messages: Type.Array(ChatMessage),
    stream: Type.Optional(Type.Boolean({ description: 'answer as server-sent events' })),
    stream_options: Type.Optional(Type.Object({ include_usage: Type.Optional(Type.Boolean()) }, Open)),
    max_tokens: Type.Optional(Type.Integer()),
    temperature: Type.Optional(Type.Number()),
  },
  { ...Open, title: 'ChatCompletionRequest', description: 'every other OpenAI field is forwarded as sent' },
)

export const CompletionRequest = Type.Object(
  {
    model: Model,
    prompt: Type.Union([Type.String(), Type.Array(Type.String())]),
    stream: Type.Optional(Type.Boolean()),
    max_tokens: Type.Optional(Type.Integer()),
  },
  { ...Open, title: 'CompletionRequest' },
)

export const EmbeddingRequest = Type.Object(
  { model: Model, input: Type.Union([Type.String(), Type.Array(Type.Unknown())]) },
  { ...Open, title: 'EmbeddingRequest' },
)

const Usage = Type.Object(
  {
    prompt_tokens: Type.Integer(),
    completion_tokens: Type.Optional(Type.Integer()),
    total_tokens: Type.Integer(),
  },
  { ...Open, $id: 'Usage' },
)

export const ChatCompletion = Type.Object(
  {
    id: Type.String(),
    object: Type.Literal('chat.completion'),
    created: Type.Integer(),
    model: Type.String({ description: "the provider's model" }),
    choices: Type.Array(
      Type.Object(
        {
          index: Type.Integer(),
          message: Type.Object(
            { role: Type.String(), content: Type.Union([Type.String(), Type.Null()]) },
            Open,
          ),
          finish_reason: Type.Union([Type.String(), Type.Null()]),
        },
        Open,
      ),
    ),
    usage: Type.Optional(Usage),
  },
  { ...Open, $id: 'ChatCompletion' },
)

export const Completion = Type.Object(
  {
    id: Type.String(),
    object: Type.Literal('text_completion'),
    model: Type.String(),
    choices: Type.Array(Type.Object({ index: Type.Integer(), text: Type.String() }, Open)),
    usage: Type.Optional(Usage),
  },
  { ...Open, $id: 'Completion' },
)

export const EmbeddingList = Type.Object(
  {
    object: Type.Literal('list'),
    model: Type.String(),
    data: Type.Array(
      Type.Object(
        { object: Type.Literal('embedding'), index: Type.Integer(), embedding: Type.Array(Type.Number()) },
        Open,
      ),
    ),
    usage: Type.Optional(Usage),
  },
  { ...Open, $id: 'EmbeddingList' },
)

export const ModelEntry = Type.Object(
  {
    id: Type.String(),
    object: Type.Literal('model'),
    created: Type.Integer(),
    owned_by: Type.String({ description: '"switchboard" for a route, else the provider name' }),
  },
  { title: 'Model' },
)

export const ModelListSchema = Type.Object(
  {
    object: Type.Literal('list'),
    data: Type.Array(ModelEntry),
  },
  { $id: 'ModelList' },
)

export const OpenAIError = Type.Object(
  {
    error: Type.Object({
      message: Type.String(),
      type: Type.String({ description: 'invalid_request_error, authentication_error, api_error, …' }),
      code: Type.Union([Type.String(), Type.Null()]),
    }),
  },
  {
    $id: 'OpenAIError',
    description: "OpenAI's error shape; an upstream's own error is passed on as it came",
  },
)

/**
 * A JSON answer, or with `"stream": true` an event stream: chat's chunks end in `data: [DONE]`,
 * typed formats (Responses, Messages) end with their own last event.
 */
export function answered(json: TSchema, streams: boolean, events = 'chat') {
  const content: Record<string, { schema: unknown }> = { 'application/json': { schema: json } }
  if (streams)
    content['text/event-stream'] = {
      schema: Type.String({
        description:
          events === 'chat'
            ? 'server-sent events: `data: {chunk}` lines, then `data: [DONE]`'
            : 'typed server-sent events (`event: <type>` + `data: {…}`), no `[DONE]`',
      }),
    }
  return {
    description:
      'the answer of the provider that served the request (headers: x-switchboard-provider, x-switchboard-attempts, x-request-id)',
    content,
  }
}

export const ResponseRequest = Type.Object(
  {
    model: Model,
    input: Type.Union([Type.String(), Type.Array(Type.Unknown())]),
    stream: Type.Optional(Type.Boolean({ description: 'answer as typed server-sent events' })),
    previous_response_id: Type.Optional(
      Type.String({ description: 'continues a response: the call goes to the provider that made it' }),
    ),
    instructions: Type.Optional(Type.String()),
  },
  { ...Open, title: 'ResponseRequest', description: 'every other OpenAI field is forwarded as sent' },
)

export const ResponseObject = Type.Object(
  {
    id: Type.String({ description: 'resp_…: bound to the provider that made it' }),
    object: Type.Literal('response'),
    status: Type.String(),
    model: Type.String(),
    output: Type.Array(Type.Unknown()),
  },
  { ...Open, title: 'Response' },
)

export const ResponseIdParams = Type.Object({ id: Type.String({ description: 'resp_…' }) })

export const MessageObject = Type.Object(
  {
    id: Type.String(),
    type: Type.Literal('message'),
    role: Type.Literal('assistant'),
    content: Type.Array(Type.Unknown()),
    model: Type.String(),
    stop_reason: Type.Union([Type.String(), Type.Null()]),
  },
  { ...Open, title: 'AnthropicMessage' },
)

export const AnthropicError = Type.Object(
  {
    type: Type.Literal('error'),
    error: Type.Object({ type: Type.String(), message: Type.String() }),
  },
  {
    title: 'AnthropicError',
    description: "Anthropic's error shape (on /v1/messages); an upstream's own error is passed on as it came",
  },
)
