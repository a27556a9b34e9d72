/**
 * One request log record and the filters of a read, as the admin API shows and takes them
 * (`/api/requests`): TypeBox schemas the API validates and documents, and the types derived from
 * them, which services/usage/requests.ts builds. One source per shape, as in model.ts.
 */
import { type Static, Type } from '@sinclair/typebox'
import { Id, ModelName, Name, Nullable } from './fields.js'

const Tokens = Nullable(Type.Integer({ minimum: 0 }))

export const RequestRecordSchema = Type.Object(
  {
    id: Type.Integer(),
    at: Type.String({ description: 'when the request reached the gateway (ISO-8601, UTC)' }),
    request_id: Type.String({ description: 'the x-request-id the client got' }),
    key_id: Nullable(Type.Integer({ description: 'client key; null for the admin token or open mode' })),
    endpoint: Type.String({ description: 'e.g. chat/completions' }),
    route: Nullable(Type.String()),
    model: Type.String({ description: 'the model the client asked for' }),
    provider_id: Nullable(Type.Integer({ description: 'the provider that answered, or the last one tried' })),
    provider: Nullable(Type.String()),
    served_model: Nullable(Type.String()),
    stream: Type.Boolean(),
    status: Type.Integer({ description: 'the status the client got (499: the client went away)' }),
    error_code: Nullable(Type.String()),
    attempts: Type.Array(
      Type.Object({
        provider_id: Type.Integer(),
        provider: Type.String(),
        outcome: Type.String(),
        status: Nullable(Type.Integer()),
        duration_ms: Type.Number(),
        translated: Type.Optional(
          Type.String({
            description: 'the attempt was translated: client format->provider format, e.g. chat->messages',
          }),
        ),
        continuation: Type.Optional(
          Type.Union([Type.Literal('prefill'), Type.Literal('restart')], {
            description:
              'a leg continuing a stream cut after its first content: asked to continue the sent text (prefill) or restarted, its start matched to the sent text (restart)',
          }),
        ),
      }),
    ),
    latency_ms: Type.Number(),
    ttft_ms: Nullable(Type.Number({ description: 'streams: arrival to the first content sent' })),
    overhead_ms: Nullable(
      Type.Number({ description: "the gateway's own time: latency less upstream waits" }),
    ),
    usage: Type.Object({
      input_tokens: Tokens,
      output_tokens: Tokens,
      cached_input_tokens: Tokens,
      reasoning_tokens: Tokens,
    }),
    cost: Nullable(Type.Number({ description: 'usage × the price of the served model, when one is set' })),
  },
  { title: 'RequestRecord' },
)

export type RequestRecord = Static<typeof RequestRecordSchema>

export const RequestQuerySchema = Type.Object(
  {
    key_id: Type.Optional(Id),
    route: Type.Optional(Name),
    provider_id: Type.Optional(Id),
    model: Type.Optional(ModelName),
    status: Type.Optional(Type.Integer({ minimum: 100, maximum: 599 })),
    from: Type.Optional(Type.String({ description: 'ISO-8601, inclusive' })),
    to: Type.Optional(Type.String({ description: 'ISO-8601, exclusive' })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  },
  { additionalProperties: false },
)

export type RequestQuery = Static<typeof RequestQuerySchema>
