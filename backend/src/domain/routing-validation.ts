/**
 * Checks of a route input that need more than its schema (fields.ts): a name and models that are not
 * blank, nodes that name existing providers, and a free-form `config` holding only the keys routing
 * reads with values it understands (strategies, `config.affinity`). Create, PATCH and restore all check through `routeInputErrors`.
 */
import type { FieldError } from '../core/errors.js'
import { affinityErrors } from './affinity.js'
import { policyErrors } from './route-policy.js'
import { isStrategy, STRATEGIES } from './strategies.js'

/** The part of a create or PATCH body these checks read; absent parts are not checked, and a null config key means unset. */
export interface RouteInput {
  name?: string
  config?: Record<string, unknown>
  nodes?: readonly { api_id: number; models?: readonly string[]; metadata?: Record<string, unknown> }[]
}

/** A `Set<number>` of provider ids fits, and so does a `Map` keyed by id. */
export interface KnownProviders {
  has(providerId: number): boolean
}

export function routeInputErrors(input: RouteInput, knownProviders: KnownProviders): FieldError[] {
  const errors: FieldError[] = []
  if (input.name !== undefined && input.name.trim() === '') {
    errors.push({ field: 'name', message: 'must not be empty' })
  }
  input.nodes?.forEach((node, i) => {
    node.models?.forEach((model, j) => {
      if (model.trim() === '')
        errors.push({ field: `nodes[${i}].models[${j}]`, message: 'must not be empty' })
    })
  })
  input.nodes?.forEach((node, i) => {
    if (!knownProviders.has(node.api_id)) {
      errors.push({ field: `nodes[${i}].api_id`, message: `No provider has id ${node.api_id}` })
    }
  })
  const { strategy, group_strategies: groupStrategies, model } = input.config ?? {}
  const drop = input.config?.drop_unsupported_params
  if (drop !== undefined && drop !== null && typeof drop !== 'boolean') {
    errors.push({ field: 'config.drop_unsupported_params', message: 'Must be true or false' })
  }
  if (strategy !== undefined && strategy !== null && !isStrategy(strategy)) {
    errors.push({ field: 'config.strategy', message: STRATEGY_MESSAGE })
  }
  errors.push(...groupStrategyErrors(groupStrategies))
  errors.push(...affinityErrors(input.config?.affinity))
  const recovery = input.config?.stream_recovery
  if (recovery !== undefined && recovery !== null && recovery !== 'continue' && recovery !== 'error') {
    errors.push({ field: 'config.stream_recovery', message: "Must be 'continue' or 'error'" })
  }
  errors.push(...policyErrors(input.config, 'config'))
  input.nodes?.forEach((node, i) => {
    errors.push(...policyErrors(node.metadata, `nodes[${i}].metadata`))
  })
  if (model !== undefined && model !== null && (typeof model !== 'string' || model === '')) {
    errors.push({ field: 'config.model', message: 'Must be a non-empty string' })
  }
  const maxTokens = input.config?.default_max_tokens
  if (
    maxTokens !== undefined &&
    maxTokens !== null &&
    !(Number.isInteger(maxTokens) && (maxTokens as number) >= 1 && (maxTokens as number) <= 10_000_000)
  ) {
    errors.push({
      field: 'config.default_max_tokens',
      message:
        'Must be an integer from 1 to 10000000 (the output a request without max_tokens may use, for key budgets)',
    })
  }
  return errors
}

/** A config key set to null means "unset": it is dropped rather than stored. */
export function storedConfig(config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).filter(([, value]) => value !== null))
}

const STRATEGY_MESSAGE = `Must be one of ${STRATEGIES.map((s) => `'${s}'`).join(', ')}`

/** `config.group_strategies`: `{"<priority>": strategy}`, the strategy of each priority group in `multi`. */
function groupStrategyErrors(value: unknown): FieldError[] {
  if (value === undefined || value === null) return []
  if (typeof value !== 'object' || Array.isArray(value)) {
    return [{ field: 'config.group_strategies', message: 'Must be an object of priority → strategy' }]
  }
  const errors: FieldError[] = []
  for (const [priority, strategy] of Object.entries(value)) {
    const field = `config.group_strategies.${priority}`
    if (!/^-?\d+$/.test(priority)) errors.push({ field, message: 'The key must be a priority (an integer)' })
    else if (!isStrategy(strategy)) errors.push({ field, message: STRATEGY_MESSAGE })
  }
  return errors
}
