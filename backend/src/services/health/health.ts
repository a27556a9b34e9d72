/**
 * Health use-cases (DESIGN.md §4): probe a provider now, probe an unsaved configuration, hold or
 * release a manual override, and count the gateway's real traffic (passive checks).
 *
 * This process keeps each provider's health state in memory (seeded from the snapshot or the
 * database) and is the only writer of it here, so the hot path never reads the database: a passive
 * outcome changes the in-memory state and, only when something changed, queues one write. Writes
 * are serialised per provider and always write the *latest* state, so a burst of failures costs a
 * few writes, not one each, and they can never land out of order. Routing sees a change when the
 * flag flips (the snapshot reloads then); the scheduler also refreshes it once per cycle.
 */
import type { Logger } from 'pino'
import type { Dispatcher } from 'undici'
import { nowIso } from '../../core/clock.js'
import type { KeyBox } from '../../core/crypto.js'
import { fieldError, providerNotFound, validationFailed } from '../../core/errors.js'
import type { CheckEntry, HealthRepo, ProbeCandidate } from '../../db/health.repo.js'
import type { ProvidersRepo } from '../../db/providers.repo.js'
import {
  applyOverride,
  applySignal,
  type HealthSignal,
  type HealthState,
  type HealthTransition,
  signalOfProbe,
} from '../../domain/health.js'
import type { ProbeStatus, PublicProvider } from '../../domain/model.js'
import type { ProviderKind } from '../../domain/provider-kinds.js'
import { checkProviderUrl, originOf } from '../../domain/url-policy.js'
import type { ConfigChanges } from '../config/config-changes.js'
import { toPublicProvider } from '../config/inventory.js'
import type { SnapshotService } from '../config/snapshot.js'
import type { Actor, HealthEvents } from './health-events.js'
import { listModels, type ModelListing } from './model-listing.js'
import { type ProbeResult, probe } from './probe.js'

export interface DirectTestInput {
  kind?: ProviderKind
  base_url: string
  api_key?: string | null
  models?: string[]
  health_check_path?: string
}

interface Entry {
  state: HealthState
  /** The per-provider write queue: each job starts after the previous one ends. */
  chain: Promise<void>
  jobs: number
  passiveWriteQueued: boolean
  /** The flag flipped since the last write: tell the snapshot once that write is done. */
  flagChanged: boolean
}

export interface HealthDeps {
  health: HealthRepo
  providers: ProvidersRepo
  snapshot: SnapshotService
  changes: ConfigChanges
  keyBox: KeyBox
  agent: Dispatcher
  log: Logger
  failureThreshold: number
  /** For `/test` and test-direct (BACKEND_REQUEST_TIMEOUT_SECONDS). */
  requestTimeoutMs: number
  /** The health timeline (health-events.ts): probe changes, flag turns, overrides. */
  events?: Pick<HealthEvents, 'record'>
}

export function createHealth(deps: HealthDeps) {
  const entries = new Map<number, Entry>()
  const log = deps.log.child({ logger: 'switchboard.health' })
  /** Each provider's last probe status, for the timeline: only a different one is an event. */
  const lastStatus = new Map<number, ProbeStatus | null>()
  let closed = false

  function newEntry(state: HealthState): Entry {
    return { state, chain: Promise.resolve(), jobs: 0, passiveWriteQueued: false, flagChanged: false }
  }

  /** Synchronous, for the hot path: the snapshot already holds every provider's state. */
  function entryFromSnapshot(id: number): Entry | undefined {
    const existing = entries.get(id)
    if (existing) return existing
    const provider = deps.snapshot.current().providers.get(id)
    if (!provider) return undefined
    const entry = newEntry({
      consecutive_failures: provider.consecutive_failures,
      is_healthy: provider.is_healthy,
      health_override: provider.health_override,
    })
    entries.set(id, entry)
    return entry
  }

  async function entryFromDatabase(id: number): Promise<Entry | undefined> {
    const existing = entries.get(id)
    if (existing) return existing
    const state = await deps.health.getState(id)
    if (!state) return undefined
    const raced = entries.get(id)
    if (raced) return raced
    const entry = newEntry(state)
    entries.set(id, entry)
    return entry
  }

  function enqueue(id: number, entry: Entry, write: () => Promise<void>): Promise<void> {
    entry.jobs += 1
    const run = entry.chain.then(async () => {
      try {
        // Writes queued before close() still run (close waits for them): nothing is lost, and
        // nothing is written once close() has resolved.
        await write()
        if (entry.flagChanged && !closed) {
          entry.flagChanged = false
          await deps.changes.healthChanged()
        }
      } finally {
        entry.jobs -= 1
      }
    })
    entry.chain = run.catch((error: unknown) => {
      log.error({ err: error, providerId: id }, 'saving provider health failed')
    })
    return run
  }

  /** The flag the rules give when no override holds it (see OverrideWrite in health.repo.ts). */
  function automaticFlag(state: HealthState): boolean {
    return state.consecutive_failures < deps.failureThreshold
  }

  function nameOf(id: number): string | undefined {
    return deps.snapshot.current().providers.get(id)?.name
  }

  function apply(id: number, entry: Entry, t: HealthTransition, reason: Record<string, unknown>): void {
    entry.state = t.state
    if (!t.turned) return
    entry.flagChanged = true
    const fields = {
      providerId: id,
      name: nameOf(id),
      consecutiveFailures: t.state.consecutive_failures,
      ...reason,
    }
    if (t.turned === 'unhealthy') log.warn(fields, 'provider turned unhealthy')
    else log.info(fields, 'provider recovered')
    const failures = t.state.consecutive_failures
    const why =
      reason.source === 'probe'
        ? `probe ${String(reason.status)}`
        : reason.outcome === 'success'
          ? 'a successful gateway attempt'
          : 'failed gateway attempts'
    deps.events?.record({
      providerId: id,
      kind: 'health',
      state: t.turned === 'unhealthy' ? 'unhealthy' : 'healthy',
      reason: t.turned === 'unhealthy' ? `${why}: ${failures} consecutive failures` : why,
    })
  }

  /** A probe result unlike the provider's last one goes on the timeline. */
  function noteProbe(id: number, result: ProbeResult): void {
    const before = lastStatus.has(id)
      ? lastStatus.get(id)
      : (deps.snapshot.current().providers.get(id)?.status ?? null)
    lastStatus.set(id, result.status)
    if (before === result.status) return
    const code = result.status_code === null ? '' : ` (HTTP ${result.status_code})`
    const detail = result.detail ? `: ${result.detail}` : ''
    deps.events?.record({
      providerId: id,
      kind: 'probe',
      state: result.status,
      reason: `probe ${before ?? 'never run'} → ${result.status}${code}${detail}`.slice(0, 500),
    })
  }

  /** Applies a probe's result and records it; resolves once written. */
  async function record(id: number, result: ProbeResult): Promise<void> {
    if (closed) return
    const entry = await entryFromDatabase(id)
    if (!entry) return
    noteProbe(id, result)
    const t = applySignal(entry.state, signalOfProbe(result.status), deps.failureThreshold)
    apply(id, entry, t, { source: 'probe', status: result.status, detail: result.detail })
    const checkedAt = nowIso()
    await enqueue(id, entry, async () => {
      await deps.health.saveProbe(
        id,
        entry.state,
        { ...result, checked_at: checkedAt },
        automaticFlag(entry.state),
      )
    })
  }

  function openKey(candidate: ProbeCandidate): string | null | Error {
    if (candidate.api_key_sealed === null) return null
    try {
      // sealed for its origin (core/crypto.ts): it opens only for the host it was saved for
      return deps.keyBox.open(candidate.api_key_sealed, originOf(candidate.base_url) ?? '')
    } catch {
      return new Error('the stored API key cannot be decrypted (was BACKEND_API_KEY_SECRET changed?)')
    }
  }

  /**
   * Probes a stored provider and records the result. Throws ProbeAbortedError when `signal` aborts
   * (shutdown): nothing is recorded then.
   */
  async function probeAndRecord(
    candidate: ProbeCandidate,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<ProbeResult> {
    const key = openKey(candidate)
    const result: ProbeResult =
      key instanceof Error
        ? { status: 'error', status_code: null, latency_ms: 0, detail: key.message }
        : await probe({ ...candidate, api_key: key }, timeoutMs, deps.agent, signal)
    await record(candidate.id, result)
    return result
  }

  function dropIdleEntries(): void {
    for (const [id, entry] of entries) if (entry.jobs === 0) entries.delete(id)
  }

  // A configuration change (a restore, a deleted provider) may replace what the map remembers;
  // the snapshot has reloaded by the time listeners after it run, so idle entries re-seed from it.
  const unsubscribe = deps.changes.subscribe((kind) => {
    if (kind === 'config') dropIdleEntries()
  })

  return {
    probeAndRecord,

    async testProvider(id: number): Promise<ProbeResult> {
      const candidate = await deps.health.getProbeCandidate(id)
      if (!candidate) throw providerNotFound(id)
      return probeAndRecord(candidate, deps.requestTimeoutMs)
    },

    /** The model names a stored provider's `/models` lists, with its stored key; records nothing. */
    async listProviderModels(id: number): Promise<ModelListing> {
      const candidate = await deps.health.getProbeCandidate(id)
      if (!candidate) throw providerNotFound(id)
      const key = openKey(candidate)
      if (key instanceof Error)
        return { status: 'error', status_code: null, latency_ms: 0, detail: key.message, models: [] }
      return listModels(
        { kind: candidate.kind, base_url: candidate.base_url, api_key: key },
        deps.requestTimeoutMs,
        deps.agent,
      )
    },

    /** The model names an unsaved configuration's `/models` lists; the key lives only for this call. */
    async listModelsDirect(input: {
      kind?: ProviderKind
      base_url: string
      api_key?: string | null
    }): Promise<ModelListing> {
      const base_url = input.base_url.trim()
      const problem = checkProviderUrl(base_url)
      if (problem) throw fieldError('base_url', problem)
      return listModels(
        { kind: input.kind, base_url, api_key: input.api_key?.trim() || null },
        deps.requestTimeoutMs,
        deps.agent,
      )
    },

    /** Probes an unsaved configuration; records nothing, and the key lives only for this call. */
    async testDirect(input: DirectTestInput): Promise<ProbeResult> {
      const problem = checkProviderUrl(input.base_url.trim())
      if (problem) throw fieldError('base_url', problem)
      const path = input.health_check_path ?? '/models'
      if (!path.startsWith('/')) throw fieldError('health_check_path', 'must start with /')
      const apiKey = input.api_key?.trim() || null
      return probe(
        { kind: input.kind, base_url: input.base_url.trim(), api_key: apiKey, health_check_path: path },
        deps.requestTimeoutMs,
        deps.agent,
      )
    },

    /** `true`/`false` holds the flag (counter reset to 0); `null` hands it back to the rules. */
    async setOverride(id: number, isHealthy: boolean | null, actor?: Actor): Promise<PublicProvider> {
      const entry = await entryFromDatabase(id)
      if (!entry) throw providerNotFound(id)
      const t = applyOverride(entry.state, isHealthy, deps.failureThreshold)
      const overrideChanged = t.state.health_override !== entry.state.health_override
      entry.state = t.state
      log.info(
        {
          providerId: id,
          name: nameOf(id),
          override: t.state.health_override,
          isHealthy: t.state.is_healthy,
        },
        isHealthy === null ? 'provider health override released' : 'provider health overridden',
      )
      if (t.changed) entry.flagChanged = true
      if (overrideChanged) {
        const held = t.state.health_override
        deps.events?.record({
          providerId: id,
          kind: 'override',
          state: held ?? 'released',
          reason: held
            ? `held ${held} by an operator`
            : `override released: the flag follows the checks again (${t.state.is_healthy ? 'healthy' : 'unhealthy'})`,
          actor: actor ?? null,
        })
      }
      await enqueue(id, entry, async () => {
        await deps.health.saveState(id, entry.state, { kind: 'set' })
      })
      // The override is an operator's decision, kept in the backup (health_override) like is_active:
      // a change of it rewrites the backup. The counters and probe results stay runtime state.
      if (overrideChanged) await deps.changes.configChanged()
      const row = await deps.providers.get(id)
      if (!row) throw providerNotFound(id)
      return toPublicProvider(row)
    },

    /**
     * Passive check, called by the gateway for each upstream attempt (`healthEffect(outcome)` from
     * observer.ts). Never awaits and never throws; writes only when the state changes.
     */
    recordOutcome(providerId: number, effect: HealthSignal | 'none'): void {
      if (closed || effect === 'none') return
      try {
        const entry = entryFromSnapshot(providerId)
        if (!entry) return
        const t = applySignal(entry.state, effect, deps.failureThreshold)
        if (!t.changed) return
        apply(providerId, entry, t, { source: 'gateway', outcome: effect })
        if (entry.passiveWriteQueued) return
        entry.passiveWriteQueued = true
        void enqueue(providerId, entry, async () => {
          entry.passiveWriteQueued = false
          await deps.health.saveState(providerId, entry.state, {
            kind: 'automatic',
            flag: automaticFlag(entry.state),
          })
        }).catch(() => {})
      } catch (error) {
        log.error({ err: error, providerId }, 'passive health check failed')
      }
    },

    async recentChecks(id: number, limit: number): Promise<{ checks: CheckEntry[] }> {
      if (!Number.isInteger(limit) || limit < 1) throw validationFailed('limit must be a positive integer')
      if (!(await deps.health.getState(id))) throw providerNotFound(id)
      return { checks: await deps.health.recentChecks(id, limit) }
    },

    /** Refreshes the snapshot's status and latency figures (the scheduler calls it once per cycle). */
    async publish(): Promise<void> {
      if (!closed) await deps.changes.healthChanged()
    },

    /** Refuses new outcomes and probes, then waits for queued writes: after this, no health write happens. */
    async close(): Promise<void> {
      closed = true
      unsubscribe()
      await Promise.all([...entries.values()].map((e) => e.chain))
    },
  }
}

export type HealthService = ReturnType<typeof createHealth>
