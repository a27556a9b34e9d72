/**
 * Several replicas on one database behave as one service (DESIGN.md §6): every replica polls the
 * configuration revision and the providers' health flags, and when another process changed them
 * it tells the same listeners a local change does (the snapshot, client keys, health state and
 * round-robin positions reload). The hot path still never queries: only this timer does.
 *
 * It runs on SQLite too: the CLI (`switchboard restore`, `rotate-secret`) is another process on the
 * same file, and the server picks its change up the same way.
 */
import type { Logger } from 'pino'
import type { HealthFlags } from '../../db/replicas.repo.js'
import type { Snapshot } from './snapshot.js'

export interface ReplicaSyncDeps {
  intervalMs: number
  revision: () => Promise<number>
  healthFlags: () => Promise<HealthFlags[]>
  current: () => Snapshot
  /** Tells every listener that the database changed under this process. */
  changedElsewhere: () => Promise<void>
  log: Logger
}

/** True when the database's flags differ from what the snapshot holds (or the provider set does). */
function healthDiffers(flags: HealthFlags[], snapshot: Snapshot): boolean {
  if (flags.length !== snapshot.providers.size) return true
  for (const row of flags) {
    const provider = snapshot.providers.get(row.id)
    if (
      !provider ||
      provider.is_healthy !== (row.is_healthy === 1) ||
      provider.consecutive_failures !== row.consecutive_failures ||
      provider.health_override !== row.health_override
    ) {
      return true
    }
  }
  return false
}

export function createReplicaSync(deps: ReplicaSyncDeps) {
  let timer: NodeJS.Timeout | null = null
  let running: Promise<void> | null = null
  let lastRevision: number | null = null
  let stopped = true

  /** One look at the database; reloads at most once. */
  async function check(): Promise<boolean> {
    const revision = await deps.revision()
    const configChanged = lastRevision !== null && revision !== lastRevision
    lastRevision = revision
    if (!configChanged && !healthDiffers(await deps.healthFlags(), deps.current())) return false
    await deps.changedElsewhere()
    return true
  }

  function schedule(): void {
    if (stopped) return
    timer = setTimeout(() => {
      timer = null
      running = check()
        .then(
          () => undefined,
          (error: unknown) => {
            if (!stopped) deps.log.warn({ err: error }, 'replica sync: reading the database failed')
          },
        )
        .finally(() => {
          running = null
          schedule()
        })
    }, deps.intervalMs)
    // Never the reason a process stays alive.
    timer.unref()
  }

  return {
    /** Starts polling; the first look records the revision this process starts from. */
    async start(): Promise<void> {
      if (!stopped) return
      stopped = false
      lastRevision = await deps.revision()
      schedule()
    },

    /** One check now (tests, tools); true when something had changed. */
    syncNow: (): Promise<boolean> => check(),

    /** Stops polling and waits for a check in flight, so nothing queries after it resolves. */
    async stop(): Promise<void> {
      stopped = true
      if (timer) clearTimeout(timer)
      timer = null
      await running
    },
  }
}

export type ReplicaSync = ReturnType<typeof createReplicaSync>
