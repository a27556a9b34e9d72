/**
 * A route's resilience settings (issue 16): retries on the same node and the timeouts of one
 * attempt, read from the route's `config` and overridden per node by the same keys in the node's
 * `metadata`. Times are in seconds, as the global settings are. Validation (the 422s of create,
 * PATCH and restore) and reading share one table of keys, so a key the gateway reads is checked.
 */
import type { FieldError } from '../core/errors.js'

/** The keys a route's config (and a node's metadata) may set, with what each accepts. */
const KEYS = {
  retries: { min: 0, max: 10, integer: true },
  max_retry_wait: { min: 0, max: 300, integer: false },
  headers_timeout: { min: 0.05, max: 3600, integer: false },
  first_token_timeout: { min: 0.05, max: 3600, integer: false, adaptive: true },
  first_token_timeout_max: { min: 0.05, max: 3600, integer: false },
  idle_timeout: { min: 0.05, max: 3600, integer: false },
} as const

export type PolicyKey = keyof typeof KEYS
export const POLICY_KEYS = Object.keys(KEYS) as PolicyKey[]

/** What one attempt on a node runs with; `null`: the global setting applies. */
export interface NodePolicy {
  /** Extra attempts on the same node after a retryable failure. */
  retries: number
  /** The most a request waits in total between retries (Retry-After and backoff). */
  maxRetryWaitMs: number
  headersTimeoutMs: number | null
  /** A fixed first-token timeout, or `adaptive` (domain/adaptive-timeout.ts). */
  firstTokenTimeout: number | 'adaptive' | null
  /** The ceiling of the adaptive timeout (else the route's fixed one, else the global). */
  firstTokenTimeoutMaxMs: number | null
  idleTimeoutMs: number | null
}

export const DEFAULT_MAX_RETRY_WAIT_MS = 10_000

export const DEFAULT_POLICY: Readonly<NodePolicy> = Object.freeze({
  retries: 0,
  maxRetryWaitMs: DEFAULT_MAX_RETRY_WAIT_MS,
  headersTimeoutMs: null,
  firstTokenTimeout: null,
  firstTokenTimeoutMaxMs: null,
  idleTimeoutMs: null,
})

/** Field errors of the policy keys in a route config or a node's metadata (`where`: the field prefix). */
export function policyErrors(values: Record<string, unknown> | undefined, where: string): FieldError[] {
  if (!values) return []
  const errors: FieldError[] = []
  for (const key of POLICY_KEYS) {
    const value = values[key]
    if (value === undefined || value === null) continue
    const rule: { min: number; max: number; integer: boolean; adaptive?: boolean } = KEYS[key]
    if (rule.adaptive && value === 'adaptive') continue
    const isNumber = typeof value === 'number' && Number.isFinite(value)
    if (!isNumber || value < rule.min || value > rule.max || (rule.integer && !Number.isInteger(value))) {
      const kind = rule.integer ? 'an integer' : 'a number of seconds'
      const extra = rule.adaptive ? " or 'adaptive'" : ''
      errors.push({
        field: `${where}.${key}`,
        message: `Must be ${kind} from ${rule.min} to ${rule.max}${extra}`,
      })
    }
  }
  return errors
}

const cache = new WeakMap<object, WeakMap<object, NodePolicy>>()
const EMPTY: Record<string, unknown> = {}

/**
 * The policy of one node of a route: its metadata's keys over the route's config over the
 * defaults. Cached per (config, metadata) object: snapshots replace routes rather than edit them.
 */
export function nodePolicy(
  config: Record<string, unknown> | undefined,
  metadata: Record<string, unknown> | undefined,
): NodePolicy {
  const route = config ?? EMPTY
  const node = metadata ?? EMPTY
  let byNode = cache.get(route)
  const cached = byNode?.get(node)
  if (cached) return cached
  const read = (key: PolicyKey): unknown => ((node[key] ?? null) !== null ? node[key] : route[key])
  const seconds = (key: PolicyKey): number | null => {
    const value = read(key)
    return typeof value === 'number' ? value * 1000 : null
  }
  const retries = read('retries')
  const firstToken = read('first_token_timeout')
  const policy: NodePolicy = {
    retries: typeof retries === 'number' ? retries : 0,
    maxRetryWaitMs: seconds('max_retry_wait') ?? DEFAULT_MAX_RETRY_WAIT_MS,
    headersTimeoutMs: seconds('headers_timeout'),
    firstTokenTimeout:
      firstToken === 'adaptive' ? 'adaptive' : typeof firstToken === 'number' ? firstToken * 1000 : null,
    firstTokenTimeoutMaxMs: seconds('first_token_timeout_max'),
    idleTimeoutMs: seconds('idle_timeout'),
  }
  if (!byNode) {
    byNode = new WeakMap()
    cache.set(route, byNode)
  }
  byNode.set(node, policy)
  return policy
}

/** The three timeouts of one attempt, in ms. */
export interface AttemptTimeouts {
  headersTimeoutMs: number
  firstTokenTimeoutMs: number
  idleTimeoutMs: number
}

/**
 * The timeouts of an attempt on a node: its policy's over the globals; an adaptive first-token
 * timeout is asked of `adaptive` with its ceiling (the policy's maximum, else its fixed value, else
 * the global). The globals object itself when the policy sets none (no allocation per request).
 */
export function attemptTimeouts(
  policy: NodePolicy | undefined,
  globals: AttemptTimeouts,
  adaptive: (maxMs: number) => number,
): AttemptTimeouts {
  if (
    !policy ||
    (policy.headersTimeoutMs === null && policy.firstTokenTimeout === null && policy.idleTimeoutMs === null)
  )
    return globals
  const { firstTokenTimeout } = policy
  return {
    headersTimeoutMs: policy.headersTimeoutMs ?? globals.headersTimeoutMs,
    firstTokenTimeoutMs:
      firstTokenTimeout === 'adaptive'
        ? adaptive(policy.firstTokenTimeoutMaxMs ?? globals.firstTokenTimeoutMs)
        : (firstTokenTimeout ?? globals.firstTokenTimeoutMs),
    idleTimeoutMs: policy.idleTimeoutMs ?? globals.idleTimeoutMs,
  }
}
