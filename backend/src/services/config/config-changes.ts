/**
 * One place every change goes through. A configuration change rewrites the backup, bumps the
 * revision other replicas poll, and tells in-process listeners (the gateway's snapshot) to reload.
 * A health change only tells the listeners: health is runtime state, not configuration.
 */
import type { Logger } from 'pino'
import type { ConfigRepo } from '../../db/config.repo.js'
import type { Backup } from './backup.js'

export type ChangeKind = 'config' | 'health'
type Listener = (kind: ChangeKind) => void | Promise<void>

export function createConfigChanges(deps: { backup: Backup; config: ConfigRepo; log: Logger }) {
  const listeners = new Set<Listener>()

  async function tell(kind: ChangeKind) {
    for (const listener of listeners) {
      try {
        await listener(kind)
      } catch (error) {
        deps.log.error({ err: error, kind }, 'a change listener failed')
      }
    }
  }

  return {
    subscribe(listener: Listener): () => void {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    async configChanged(): Promise<void> {
      await deps.backup.write()
      await deps.config.bumpRevision()
      await tell('config')
    },
    async healthChanged(): Promise<void> {
      await tell('health')
    },
    /**
     * Another process (a replica, the CLI) changed the database: listeners reload as after a local
     * configuration change, but nothing is rewritten here (that process wrote its own backup).
     */
    async changedElsewhere(): Promise<void> {
      await tell('config')
    },
  }
}

export type ConfigChanges = ReturnType<typeof createConfigChanges>
