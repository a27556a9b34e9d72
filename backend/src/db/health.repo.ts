/**
 * SQL for runtime health: the health columns of `providers` and the `health_checks` history.
 * Health writes leave `updated_at` alone: that column dates configuration edits, and health is
 * runtime state (it is not in the backup either).
 */

import { type Kysely, type Selectable, sql } from 'kysely'
import type { HealthState } from '../domain/health.js'
import type { ProbeStatus } from '../domain/model.js'
import { DEFAULT_KIND, isProviderKind, type ProviderKind } from '../domain/provider-kinds.js'
import type { Database, HealthChecksTable } from './schema.js'

/** History kept per provider: the UI's latency chart shows the last 50. */
export const CHECKS_KEPT = 100

export interface ProbeRecord {
  status: ProbeStatus
  status_code: number | null
  latency_ms: number | null
  detail: string | null
  checked_at: string
}

export interface CheckEntry {
  checked_at: string
  status: ProbeStatus
  status_code: number | null
  latency_ms: number | null
  detail: string | null
}

export interface ProbeCandidate {
  id: number
  name: string
  kind: ProviderKind
  base_url: string
  api_key_sealed: string | null
  health_check_path: string
}

function toCandidate(row: Omit<ProbeCandidate, 'kind'> & { kind: string }): ProbeCandidate {
  return { ...row, kind: isProviderKind(row.kind) ? row.kind : DEFAULT_KIND }
}

/**
 * How a write treats the override. `set` (setOverride only) writes it. Probes and passive checks
 * (`automatic`) never write it, and set `is_healthy` only where the row holds none, to the flag the
 * counter gives (`consecutive_failures < threshold`): another replica may have set or released the
 * override since this process last read it, and its in-memory state must not put the old one back.
 */
export type OverrideWrite = { kind: 'set' } | { kind: 'automatic'; flag: boolean }

function stateColumns(state: HealthState, write: OverrideWrite) {
  if (write.kind === 'set') {
    return {
      consecutive_failures: state.consecutive_failures,
      is_healthy: state.is_healthy ? 1 : 0,
      health_override: state.health_override,
    }
  }
  return {
    consecutive_failures: state.consecutive_failures,
    is_healthy: sql<number>`CASE WHEN health_override IS NULL THEN ${write.flag ? 1 : 0} ELSE is_healthy END`,
  }
}

function toEntry(row: Selectable<HealthChecksTable>): CheckEntry {
  return {
    checked_at: row.checked_at,
    status: row.status as ProbeStatus,
    status_code: row.status_code,
    latency_ms: row.latency_ms === null ? null : Number(row.latency_ms),
    detail: row.detail,
  }
}

export function createHealthRepo(db: Kysely<Database>) {
  return {
    /** Active providers with what a probe needs; the scheduler's list for one cycle. */
    async listProbeCandidates(): Promise<ProbeCandidate[]> {
      const rows = await db
        .selectFrom('providers')
        .select(['id', 'name', 'kind', 'base_url', 'api_key_sealed', 'health_check_path'])
        .where('is_active', '=', 1)
        .orderBy('id')
        .execute()
      return rows.map(toCandidate)
    },

    async getProbeCandidate(id: number): Promise<ProbeCandidate | undefined> {
      const row = await db
        .selectFrom('providers')
        .select(['id', 'name', 'kind', 'base_url', 'api_key_sealed', 'health_check_path'])
        .where('id', '=', id)
        .executeTakeFirst()
      return row && toCandidate(row)
    },

    async getState(id: number): Promise<HealthState | undefined> {
      const row = await db
        .selectFrom('providers')
        .select(['consecutive_failures', 'is_healthy', 'health_override'])
        .where('id', '=', id)
        .executeTakeFirst()
      if (!row) return undefined
      return {
        consecutive_failures: row.consecutive_failures,
        is_healthy: row.is_healthy === 1,
        health_override: row.health_override as HealthState['health_override'],
      }
    },

    /** Writes the counter and flag (and the override with `withOverride`); false when the provider is gone. */
    async saveState(id: number, state: HealthState, write: OverrideWrite): Promise<boolean> {
      const result = await db
        .updateTable('providers')
        .set(stateColumns(state, write))
        .where('id', '=', id)
        .executeTakeFirst()
      return Number(result.numUpdatedRows) > 0
    },

    /**
     * One probe in one transaction: the provider's last result and health state, a history row, and
     * the history trimmed to the newest CHECKS_KEPT. Nothing happens for a provider deleted meanwhile.
     */
    async saveProbe(
      id: number,
      state: HealthState,
      probe: ProbeRecord,
      automaticFlag: boolean,
    ): Promise<boolean> {
      return db.transaction().execute(async (tx) => {
        const updated = await tx
          .updateTable('providers')
          .set({
            ...stateColumns(state, { kind: 'automatic', flag: automaticFlag }),
            status: probe.status,
            status_code: probe.status_code,
            latency_ms: probe.latency_ms,
            last_tested_at: probe.checked_at,
            last_detail: probe.detail,
          })
          .where('id', '=', id)
          .executeTakeFirst()
        if (Number(updated.numUpdatedRows) === 0) return false
        await tx
          .insertInto('health_checks')
          .values({ provider_id: id, ...probe })
          .execute()
        // The id of the oldest row to keep; NULL (fewer rows than that) deletes nothing.
        const oldestKept = tx
          .selectFrom('health_checks')
          .select('id')
          .where('provider_id', '=', id)
          .orderBy('id', 'desc')
          .limit(1)
          .offset(CHECKS_KEPT - 1)
        await tx
          .deleteFrom('health_checks')
          .where('provider_id', '=', id)
          .where('id', '<', oldestKept)
          .execute()
        return true
      })
    },

    /** Newest first. */
    async recentChecks(id: number, limit: number): Promise<CheckEntry[]> {
      const rows = await db
        .selectFrom('health_checks')
        .selectAll()
        .where('provider_id', '=', id)
        .orderBy('id', 'desc')
        .limit(limit)
        .execute()
      return rows.map(toEntry)
    },
  }
}

export type HealthRepo = ReturnType<typeof createHealthRepo>
