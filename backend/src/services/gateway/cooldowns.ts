/**
 * 429 cooldowns (DESIGN.md §6): a provider that answered 429 is skipped by routing *for that model*
 * (OpenAI's limits are per model: one busy model leaves the provider's others usable) for its
 * Retry-After (capped at 60 s; 5 s when absent or unreadable). In memory, per process.
 */
const MAX_COOLDOWN_MS = 60_000
const DEFAULT_COOLDOWN_MS = 5_000

/** Retry-After as seconds or an HTTP date, in milliseconds, capped; the default when unreadable. */
export function cooldownMs(retryAfter: string | string[] | undefined, now = Date.now()): number {
  const value = Array.isArray(retryAfter) ? retryAfter[0] : retryAfter
  if (value === undefined || value.trim() === '') return DEFAULT_COOLDOWN_MS
  const seconds = Number(value)
  let ms = Number.NaN
  if (Number.isFinite(seconds)) ms = seconds * 1000
  else if (/[a-z]/i.test(value)) ms = Date.parse(value) - now
  if (!Number.isFinite(ms) || ms < 0) return DEFAULT_COOLDOWN_MS
  return Math.min(ms, MAX_COOLDOWN_MS)
}

/** One key per provider and model; `null` (the request's model as sent) is its own model. */
function keyOf(providerId: number, model: string | null): string {
  return model === null ? `${providerId}` : `${providerId}:${model}`
}

/** Told when a provider and model start cooling (not when a running cooldown is extended). */
export type CooldownListener = (providerId: number, model: string | null, until: number) => void

export class Cooldowns {
  readonly #until = new Map<string, number>()

  constructor(readonly onStart?: CooldownListener) {}

  start(providerId: number, model: string | null, ms: number): void {
    const key = keyOf(providerId, model)
    const now = Date.now()
    const until = now + ms
    const before = this.#until.get(key) ?? 0
    if (until <= before) return
    this.#until.set(key, until)
    if (before <= now) this.onStart?.(providerId, model, until)
  }

  /** The cooldowns running now, with the seconds left (the metrics read them at scrape time). */
  running(): { providerId: number; model: string | null; secondsLeft: number }[] {
    const now = Date.now()
    const out: { providerId: number; model: string | null; secondsLeft: number }[] = []
    for (const [key, until] of this.#until) {
      if (until <= now) continue
      const colon = key.indexOf(':')
      const providerId = Number(colon < 0 ? key : key.slice(0, colon))
      out.push({
        providerId,
        model: colon < 0 ? null : key.slice(colon + 1),
        secondsLeft: (until - now) / 1000,
      })
    }
    return out
  }

  has(providerId: number, model: string | null): boolean {
    if (this.#until.size === 0) return false
    const key = keyOf(providerId, model)
    const until = this.#until.get(key)
    if (until === undefined) return false
    if (until > Date.now()) return true
    this.#until.delete(key)
    return false
  }

  /** Whole seconds until the first cooldown ends; null when none is running. */
  soonestEndSeconds(): number | null {
    const now = Date.now()
    let soonest = Number.POSITIVE_INFINITY
    for (const [id, until] of this.#until) {
      if (until <= now) this.#until.delete(id)
      else soonest = Math.min(soonest, until)
    }
    return Number.isFinite(soonest) ? Math.max(1, Math.ceil((soonest - now) / 1000)) : null
  }
}
