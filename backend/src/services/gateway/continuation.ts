/**
 * Continuing a committed stream that was cut (issue 16 item 2, docs/gateway.md "Mid-stream
 * continuation"): which nodes of the plan may continue it, in which order, and how (prefill, or a
 * restart whose answer must begin with exactly the text already sent); the (provider, model)
 * pairs learnt to refuse prefill; and the honest end of the client's stream when nobody continues
 * it. The events of a continuing leg are rewritten by stream-splice.ts inside the exchange.
 */
import type { ServerResponse } from 'node:http'
import type { Provider } from '../../domain/model.js'
import type { ProviderKind } from '../../domain/provider-kinds.js'
import type { Attempt } from '../../domain/routing.js'
import type { ContinuationMode } from './stream-splice.js'
import type { Settlement } from './upstream-exchange.js'

/**
 * A route's `config.stream_recovery`: `continue` (any next node), `error` (never: today's error
 * event), or unset (`default`: only a node serving the same model continues the answer).
 */
export type StreamRecovery = 'continue' | 'error' | 'default'

export function streamRecoveryOf(config: Record<string, unknown>): StreamRecovery {
  const value = config.stream_recovery
  return value === 'continue' || value === 'error' ? value : 'default'
}

/** How outcomes of continuations are counted (metrics). */
export type ContinuationOutcome = 'continued' | 'diverged' | 'unavailable' | 'failed' | 'aborted'

/**
 * How a node continues when its provider declares nothing. Anthropic takes a trailing assistant
 * message as a prefill of its answer (documented; a 400 teaches a restart). OpenAI's API takes one
 * as a finished turn and answers anew, without an error: a splice after it would not join up and
 * nothing in the answer says so. So OpenAI-compatible and Azure providers restart (the new answer
 * must begin with exactly the sent text) unless declared `prefill` (a server that continues a
 * final assistant message, e.g. vLLM with `continue_final_message`).
 */
export function defaultContinuation(kind: ProviderKind, refusedPrefill: boolean): ContinuationMode {
  return kind === 'anthropic' && !refusedPrefill ? 'prefill' : 'restart'
}

const MAX_REFUSALS = 10_000

/**
 * The (provider, model) pairs that answered a prefill with 400: they are continued by restarting.
 * In memory, per process; bounded (past the bound it starts over, and each pair relearns with one 400).
 */
export class PrefillRefusals {
  readonly #keys = new Set<string>()

  has(providerId: number, model: string | null): boolean {
    return this.#keys.size > 0 && this.#keys.has(`${providerId}\u0000${model ?? ''}`)
  }

  add(providerId: number, model: string | null): void {
    if (this.#keys.size >= MAX_REFUSALS) this.#keys.clear()
    this.#keys.add(`${providerId}\u0000${model ?? ''}`)
  }
}

export interface ContinueDeps<P extends Provider> {
  res: ServerResponse
  /** The request's plan, and where in it the leg that was cut is. */
  attempts: readonly Attempt<P>[]
  from: number
  recovery: StreamRecovery
  /** The model the cut leg served, and the one a node would serve. */
  model: string
  modelOf(attempt: Attempt<P>): string
  /** The node can be asked now (no cooldown, circuit admits, serves the endpoint natively). */
  isUsable(attempt: Attempt<P>): boolean
  modeOf(attempt: Attempt<P>): ContinuationMode
  /** The node answered a prefill with 400: true when that is learnt and it is restarted now. */
  refusePrefill(attempt: Attempt<P>): boolean
  /** Runs one continuing leg; null when no attempt may be made any more (limit, client gone). */
  run(attempt: Attempt<P>, mode: ContinuationMode): Promise<Settlement | null>
}

export interface ContinueResult<P extends Provider> {
  /** The last leg that sent part of the answer, with its settlement. */
  settlement: Settlement
  attempt: Attempt<P> | null
  outcome: ContinuationOutcome
}

/** The plan's other nodes after the cut one, then those before it, then the cut one itself. */
function* candidates(length: number, from: number): Generator<number> {
  for (let i = 1; i <= length; i++) yield (from + i) % length
}

/**
 * Continues the cut answer (the splice its legs share holds it) until a leg ends it (complete, or not continuable), or no
 * node can continue it: then the client's stream ends with the error event of the cut.
 */
export async function continueStream<P extends Provider>(
  cutLeg: Settlement & { kind: 'answered' },
  deps: ContinueDeps<P>,
): Promise<ContinueResult<P>> {
  let cut = cutLeg
  let from = deps.from
  let answering: Attempt<P> | null = null
  for (;;) {
    const end = cut.cut?.end ?? ''
    let next: Settlement | null = null
    let diverged = false
    for (const index of candidates(deps.attempts.length, from)) {
      const attempt = deps.attempts[index]!
      const isSameModel = deps.modelOf(attempt) === deps.model
      if (deps.recovery !== 'continue' && !isSameModel) continue
      if (!deps.isUsable(attempt)) continue
      const mode = deps.modeOf(attempt)
      let settlement = await deps.run(attempt, mode)
      // a provider that refuses a trailing assistant message: learnt, then restarted at once
      if (
        settlement?.kind === 'failed' &&
        mode === 'prefill' &&
        settlement.status === 400 &&
        deps.refusePrefill(attempt)
      )
        settlement = await deps.run(attempt, 'restart')
      if (settlement === null) break
      if (settlement.kind === 'answered') {
        next = settlement
        from = index
        answering = attempt
        break
      }
      if (settlement.outcome === 'diverged') {
        diverged = true
        break
      }
    }
    if (next === null) {
      if (!deps.res.destroyed) deps.res.end(end)
      return { settlement: cut, attempt: answering, outcome: diverged ? 'diverged' : 'unavailable' }
    }
    if (next.kind === 'answered' && next.cut) {
      cut = next
      continue
    }
    const outcome =
      next.outcome === 'success' ? 'continued' : next.outcome === 'aborted' ? 'aborted' : 'failed'
    return { settlement: next, attempt: answering, outcome }
  }
}
