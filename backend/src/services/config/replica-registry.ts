/**
 * Which servers run on this database (issue 19 item 11). A server announces itself at start,
 * refreshes its row every HEARTBEAT_MS and removes it on close; a row not refreshed for
 * LIVE_WINDOW_MS (a server killed without closing) no longer counts. `switchboard rotate-secret`
 * reads it: re-encrypting the keys under a secret a running server does not know breaks every
 * gateway request of that server at once.
 *
 * A secret is named by a fingerprint (16 hex characters of a SHA-256 with a fixed prefix), so the
 * CLI can tell whether a server already knows the new secret without the secret being stored.
 */
import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import type { Logger } from 'pino'
import { sha256Hex } from '../../core/crypto.js'
import type { ReplicasRepo } from '../../db/replicas.repo.js'
import type { ReplicasTable } from '../../db/schema.js'

export const HEARTBEAT_MS = 10_000
export const LIVE_WINDOW_MS = 35_000

export function secretId(secret: string): string {
  return sha256Hex(`switchboard secret id\0${secret}`).slice(0, 16)
}

export function createReplicaRegistry(deps: {
  repo: ReplicasRepo
  secrets: { current: string; previous: string | null }
  log: Logger
  now?: () => number
}) {
  const now = deps.now ?? Date.now
  const id = randomUUID()
  const startedAt = new Date(now()).toISOString()
  const secretIds = [deps.secrets.current, deps.secrets.previous].flatMap((s) => (s ? [secretId(s)] : []))
  let timer: NodeJS.Timeout | null = null

  async function announce(): Promise<void> {
    await deps.repo.announce({
      id,
      hostname: hostname(),
      pid: process.pid,
      secret_ids: secretIds.join(','),
      started_at: startedAt,
      seen_at: new Date(now()).toISOString(),
    })
  }

  return {
    id,
    async start(): Promise<void> {
      await announce()
      timer = setInterval(() => {
        announce().catch((error: unknown) =>
          deps.log.warn({ err: error }, 'could not refresh this server in replicas'),
        )
      }, HEARTBEAT_MS)
      timer.unref()
    },
    async stop(): Promise<void> {
      if (timer) clearInterval(timer)
      timer = null
      await deps.repo
        .remove(id)
        .catch((error: unknown) =>
          deps.log.warn({ err: error }, 'could not remove this server from replicas'),
        )
    },
  }
}

/** The servers running on the database now, with whether each one opens keys with `secret`. */
export async function runningServers(
  repo: ReplicasRepo,
  secret: string,
  now: number = Date.now(),
): Promise<(ReplicasTable & { knowsSecret: boolean })[]> {
  const rows = await repo.seenSince(new Date(now - LIVE_WINDOW_MS).toISOString())
  const wanted = secretId(secret)
  return rows.map((row) => ({ ...row, knowsSecret: row.secret_ids.split(',').includes(wanted) }))
}
