/**
 * A client key's policy (issue 15 item 5): which models it may ask for, its rates, its concurrency,
 * its spend budget, its expiry and whether it is disabled; and the pure arithmetic of its windows
 * and of a request's worst case. Pure: services/gateway/limits.ts holds the counters and leases.
 */
import { type Static, Type } from '@sinclair/typebox'
import { ModelName, Nullable } from './fields.js'

const Count = (description: string) =>
  Nullable(
    Type.Integer({ minimum: 1, maximum: 1_000_000_000, description: `${description}; null: no limit` }),
  )

export const BudgetPeriod = Type.Union([Type.Literal('day'), Type.Literal('month')], {
  description: 'the budget resets at 00:00 UTC each day, or on the first of each month (UTC)',
})

/** The policy fields, as PATCH /api/keys/{id} takes them (each optional there), the list shows them and the backup stores them. */
export const KeyPolicyFields = {
  allowed_models: Nullable(
    Type.Array(ModelName, {
      maxItems: 1000,
      description: 'route names or models the key may ask for (`prefix*` matches a prefix); null: every one',
    }),
  ),
  requests_per_minute: Count('requests per UTC minute, for the whole cluster'),
  tokens_per_minute: Count('input + output tokens per UTC minute, for the whole cluster'),
  max_concurrent: Count('requests in flight at once, for the whole cluster'),
  budget: Nullable(
    Type.Number({
      minimum: 0,
      maximum: 1_000_000_000,
      description: 'spend per budget_period in the currency of the prices; null: no budget',
    }),
  ),
  budget_period: BudgetPeriod,
  expires_at: Nullable(
    Type.String({ maxLength: 64, description: 'ISO 8601 time after which the key is refused (401)' }),
  ),
  disabled: Type.Boolean({ description: 'a disabled key is refused (401) but kept' }),
}

export const KeyPolicySchema = Type.Object(KeyPolicyFields, {
  additionalProperties: false,
  title: 'KeyPolicy',
})
export type KeyPolicy = Static<typeof KeyPolicySchema>

/** What PATCH /api/keys/{id} takes (api/admin/keys.ts): any of the fields, and the name. */
export type KeyPolicyPatch = Partial<KeyPolicy> & { name?: string }

export const DEFAULT_POLICY: KeyPolicy = Object.freeze({
  allowed_models: null,
  requests_per_minute: null,
  tokens_per_minute: null,
  max_concurrent: null,
  budget: null,
  budget_period: 'month',
  expires_at: null,
  disabled: false,
}) as KeyPolicy

/** A stored policy (a JSON column, possibly from an older version) with every field. */
export function policyOf(stored: Partial<KeyPolicy> | null | undefined): KeyPolicy {
  return { ...DEFAULT_POLICY, ...(stored ?? {}) }
}

/** Field errors the schema cannot express (an expiry that is not a time). */
export function policyErrors(patch: Partial<KeyPolicy>): { field: string; message: string }[] {
  if (
    patch.expires_at !== undefined &&
    patch.expires_at !== null &&
    Number.isNaN(Date.parse(patch.expires_at))
  )
    return [{ field: 'expires_at', message: 'must be an ISO 8601 time such as 2027-01-31T00:00:00Z' }]
  return []
}

export function isModelAllowed(policy: KeyPolicy, model: string): boolean {
  if (policy.allowed_models === null) return true
  return policy.allowed_models.some((allowed) =>
    allowed.endsWith('*') ? model.startsWith(allowed.slice(0, -1)) : allowed === model,
  )
}

/** Why a key is refused before anything else, or null. */
export function refusalOf(policy: KeyPolicy, now: number): 'disabled' | 'expired' | null {
  if (policy.disabled) return 'disabled'
  if (policy.expires_at !== null && Date.parse(policy.expires_at) <= now) return 'expired'
  return null
}

/** A window of a counter: its label (the row the cluster shares) and when it ends (epoch ms). */
export interface Window {
  period: string
  endsAt: number
}

export function minuteWindow(now: number): Window {
  const minute = Math.floor(now / 60_000)
  return { period: `m${minute}`, endsAt: (minute + 1) * 60_000 }
}

export function budgetWindow(period: KeyPolicy['budget_period'], now: number): Window {
  const d = new Date(now)
  if (period === 'day') {
    const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate())
    return { period: `d${new Date(start).toISOString().slice(0, 10)}`, endsAt: start + 86_400_000 }
  }
  const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)
  return {
    period: `mo${new Date(start).toISOString().slice(0, 7)}`,
    endsAt: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1),
  }
}

/** Endpoints whose answer carries no generated tokens (their worst case is the input alone). */
const NO_OUTPUT = new Set(['embeddings', 'moderations', 'rerank', 'messages/count_tokens'])

/** Tokens in `length` characters of text, as the gateway estimates them: 4 characters a token. */
export function estimatedTokens(length: number): number {
  return Math.ceil(length / 4)
}

/**
 * The most tokens a request can use: its input, estimated from the body's length (4 characters a
 * token, more than any tokenizer counts for text, so the estimate errs high), plus the output it
 * allows (`max_tokens`, `max_output_tokens` or `max_completion_tokens`, else the default).
 */
export function worstCaseTokens(
  endpoint: string,
  body: Record<string, unknown>,
  textLength: number,
  defaultMaxTokens: number,
): { input: number; output: number } {
  const input = estimatedTokens(textLength)
  if (NO_OUTPUT.has(endpoint)) return { input, output: 0 }
  for (const field of ['max_completion_tokens', 'max_output_tokens', 'max_tokens']) {
    const value = body[field]
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0)
      return { input, output: Math.ceil(value) }
  }
  return { input, output: defaultMaxTokens }
}
