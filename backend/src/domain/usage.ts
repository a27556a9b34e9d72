import { type Static, Type } from '@sinclair/typebox'
import { Id, ModelName, Nullable } from './fields.js'

/**
 * Token usage as the upstreams report it, read into one shape, and what it costs. Pure: the gateway
 * reads usage from the answer it already has; the request log prices it.
 */

export interface Usage {
  input: number | null
  output: number | null
  cachedInput: number | null
  reasoning: number | null
}

export interface Price {
  inputPerMillion: number
  outputPerMillion: number
  /** null: cached input tokens cost the input price */
  cachedInputPerMillion: number | null
}

function count(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.trunc(value) : null
}

function field(object: unknown, key: string): unknown {
  return object !== null && typeof object === 'object' ? (object as Record<string, unknown>)[key] : undefined
}

/**
 * One `usage` object in any of the spellings upstreams use: Chat Completions (`prompt_tokens`,
 * `completion_tokens`, `*_tokens_details`), Responses (`input_tokens`, `output_tokens`,
 * `*_tokens_details`) and Messages (`input_tokens`, `output_tokens`, `cache_read_input_tokens`).
 */
export function readUsageObject(usage: unknown): Usage | null {
  if (usage === null || typeof usage !== 'object') return null
  const input = count(field(usage, 'prompt_tokens')) ?? count(field(usage, 'input_tokens'))
  const output = count(field(usage, 'completion_tokens')) ?? count(field(usage, 'output_tokens'))
  const cachedInput =
    count(field(field(usage, 'prompt_tokens_details'), 'cached_tokens')) ??
    count(field(field(usage, 'input_tokens_details'), 'cached_tokens')) ??
    count(field(usage, 'cache_read_input_tokens'))
  const reasoning =
    count(field(field(usage, 'completion_tokens_details'), 'reasoning_tokens')) ??
    count(field(field(usage, 'output_tokens_details'), 'reasoning_tokens'))
  if (input === null && output === null) return null
  return { input, output, cachedInput, reasoning }
}

/** The usage an answer or stream event carries: top-level, or in `response` / `message` (events). */
export function readUsage(body: unknown): Usage | null {
  return (
    readUsageObject(field(body, 'usage')) ??
    readUsageObject(field(field(body, 'response'), 'usage')) ??
    readUsageObject(field(field(body, 'message'), 'usage'))
  )
}

/** Streams report usage in pieces (Messages: input first, output last): later values win. */
export function mergeUsage(earlier: Usage | null, later: Usage | null): Usage | null {
  if (!earlier) return later
  if (!later) return earlier
  return {
    input: later.input ?? earlier.input,
    output: later.output ?? earlier.output,
    cachedInput: later.cachedInput ?? earlier.cachedInput,
    reasoning: later.reasoning ?? earlier.reasoning,
  }
}

/**
 * Cost of the usage at the price: cached input tokens (counted inside the input tokens, as OpenAI
 * reports them) at the cached price, the rest of the input at the input price; reasoning tokens are
 * inside the output tokens. Null without usage.
 */
export function costOf(usage: Usage | null, price: Price | undefined): number | null {
  if (!usage || !price) return null
  const input = usage.input ?? 0
  const cached = Math.min(usage.cachedInput ?? 0, input)
  const cachedPrice = price.cachedInputPerMillion ?? price.inputPerMillion
  const cost =
    (input - cached) * price.inputPerMillion +
    cached * cachedPrice +
    (usage.output ?? 0) * price.outputPerMillion
  return cost / 1_000_000
}

/** A price per million tokens: a finite amount, at most a million (currency is the operator's). */
const PerMillion = Type.Number({ minimum: 0, maximum: 1_000_000 })

/** The price of one provider model, as the API, the import file and the backup spell it. */
export const PriceSchema = Type.Object(
  {
    provider_id: Id,
    model: ModelName,
    input_per_million: PerMillion,
    output_per_million: PerMillion,
    cached_input_per_million: Type.Optional(Nullable(PerMillion)),
  },
  { additionalProperties: false, title: 'Price' },
)
export type PriceInput = Static<typeof PriceSchema>

export const MAX_PRICES = 100_000

export function toPrice(input: PriceInput): Price {
  return {
    inputPerMillion: input.input_per_million,
    outputPerMillion: input.output_per_million,
    cachedInputPerMillion: input.cached_input_per_million ?? null,
  }
}

/**
 * The last `"usage": {…}` object of a JSON text that may begin mid-way (the tail of a big answer,
 * such as embeddings, which put usage last); null when there is none or it does not parse.
 */
export function readTrailingUsage(text: string): Usage | null {
  const at = text.lastIndexOf('"usage"')
  if (at < 0) return null
  const open = text.indexOf('{', at)
  if (open < 0 || text.slice(at + 7, open).trim() !== ':') return null
  let depth = 0
  let isInString = false
  for (let i = open; i < text.length; i++) {
    const c = text[i]
    if (isInString) {
      if (c === '\\') i += 1
      else if (c === '"') isInString = false
    } else if (c === '"') isInString = true
    else if (c === '{') depth += 1
    else if (c === '}') {
      depth -= 1
      if (depth > 0) continue
      try {
        return readUsageObject(JSON.parse(text.slice(open, i + 1)))
      } catch {
        return null
      }
    }
  }
  return null
}
