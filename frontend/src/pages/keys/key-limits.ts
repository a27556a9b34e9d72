/**
 * The key limits form (KeyLimits.vue) as plain data: a key's policy into text fields, the fields
 * back into a PATCH /api/keys/{id} body with the browser-side checks, and the consumption bars of
 * the key list. The server checks the same rules again (a 422 names the field).
 */
import type { ClientKey } from '../../api/types'

export type LimitField =
  | 'allowed_models'
  | 'requests_per_minute'
  | 'tokens_per_minute'
  | 'max_concurrent'
  | 'budget'
  | 'budget_period'
  | 'expires_at'
  | 'disabled'

export interface LimitsFormState {
  /** One model or `prefix*` a line; empty: every model. */
  allowed_models: string
  requests_per_minute: string
  tokens_per_minute: string
  max_concurrent: string
  budget: string
  budget_period: 'day' | 'month'
  /** `YYYY-MM-DDTHH:MM` in UTC, or empty. */
  expires_at: string
  disabled: boolean
}

export type KeyPatch = Partial<Pick<ClientKey, LimitField>>

const text = (n: number | null) => (n === null ? '' : String(n))

export function limitsFormOf(key: ClientKey): LimitsFormState {
  return {
    allowed_models: (key.allowed_models ?? []).join('\n'),
    requests_per_minute: text(key.requests_per_minute),
    tokens_per_minute: text(key.tokens_per_minute),
    max_concurrent: text(key.max_concurrent),
    budget: text(key.budget),
    budget_period: key.budget_period,
    expires_at: key.expires_at ? key.expires_at.slice(0, 16) : '',
    disabled: key.disabled,
  }
}

function count(value: string, field: LimitField, errors: LimitErrors): number | null {
  const trimmed = value.trim()
  if (trimmed === '') return null
  const n = Number(trimmed)
  if (!Number.isInteger(n) || n < 1 || n > 1_000_000_000) {
    errors[field] = 'A whole number of at least 1, or empty for no limit.'
    return null
  }
  return n
}

/** The PATCH body, or the field errors that keep the form from being sent. */
export type LimitErrors = Partial<Record<LimitField, string>>

export function patchOf(form: LimitsFormState): { patch: KeyPatch | null; errors: LimitErrors } {
  const errors: LimitErrors = {}
  const models = form.allowed_models
    .split('\n')
    .map((m) => m.trim())
    .filter((m) => m !== '')
  let budget: number | null = null
  if (form.budget.trim() !== '') {
    budget = Number(form.budget.trim())
    if (!Number.isFinite(budget) || budget < 0)
      errors.budget = 'An amount of 0 or more, or empty for no budget.'
  }
  let expiresAt: string | null = null
  if (form.expires_at.trim() !== '') {
    const at = Date.parse(`${form.expires_at.trim()}Z`)
    if (Number.isNaN(at)) errors.expires_at = 'A date and time (UTC), or empty for never.'
    else expiresAt = new Date(at).toISOString()
  }
  const patch: KeyPatch = {
    allowed_models: models.length > 0 ? models : null,
    requests_per_minute: count(form.requests_per_minute, 'requests_per_minute', errors),
    tokens_per_minute: count(form.tokens_per_minute, 'tokens_per_minute', errors),
    max_concurrent: count(form.max_concurrent, 'max_concurrent', errors),
    budget,
    budget_period: form.budget_period,
    expires_at: expiresAt,
    disabled: form.disabled,
  }
  return Object.keys(errors).length > 0 ? { patch: null, errors } : { patch, errors }
}

/** The form field a server error's path belongs to (`allowed_models[2]` → allowed_models). */
export function limitFieldOf(path: string): LimitField | undefined {
  const name = path.replace(/\[.*$/, '').replace(/^\//, '')
  const fields: readonly string[] = [
    'allowed_models',
    'requests_per_minute',
    'tokens_per_minute',
    'max_concurrent',
    'budget',
    'budget_period',
    'expires_at',
    'disabled',
  ]
  return fields.includes(name) ? (name as LimitField) : undefined
}

export interface ConsumptionBar {
  label: string
  used: number
  limit: number
  /** 0–100, for the bar. */
  percent: number
  /** What the bar says: `12 / 60 requests this minute`. */
  text: string
}

function amount(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2)
}

/** One bar per limit the key has; none for a key without limits. */
export function consumptionBars(key: ClientKey): ConsumptionBar[] {
  const bars: ConsumptionBar[] = []
  const add = (label: string, used: number, limit: number | null, unit: string) => {
    if (limit === null) return
    const percent = limit === 0 ? 100 : Math.min(100, Math.round((used / limit) * 100))
    bars.push({ label, used, limit, percent, text: `${amount(used)} / ${amount(limit)} ${unit}` })
  }
  add('Requests', key.usage.requests_this_minute, key.requests_per_minute, 'requests this minute')
  add('Tokens', key.usage.tokens_this_minute, key.tokens_per_minute, 'tokens this minute')
  add('In flight', key.usage.in_flight, key.max_concurrent, 'in flight')
  add('Budget', key.usage.spend_this_period, key.budget, `spent this ${key.budget_period}`)
  return bars
}

/** `Disabled`, `Expired` or null: what the key list shows beside the name. */
export function keyStateOf(key: ClientKey, now = Date.now()): 'Disabled' | 'Expired' | null {
  if (key.disabled) return 'Disabled'
  if (key.expires_at && Date.parse(key.expires_at) <= now) return 'Expired'
  return null
}
