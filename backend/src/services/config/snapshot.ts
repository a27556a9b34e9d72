/**
 * The in-memory picture of the configuration that the hot path reads: providers (with sealed keys
 * and health), routes. Rebuilt whole on every change (new objects each time: the routing engine
 * caches per route object), so a request never queries the database.
 */
import type { Logger } from 'pino'
import { type ProvidersRepo, rowToProvider } from '../../db/providers.repo.js'
import type { RoutesRepo } from '../../db/routes.repo.js'
import type { ModelRoute, ProviderWithSecret } from '../../domain/model.js'
import { indexProviders, type ProviderIndex } from '../../domain/routing.js'
import type { ConfigChanges } from './config-changes.js'

export interface Snapshot {
  providers: ProviderIndex<ProviderWithSecret>
  routesById: ReadonlyMap<number, ModelRoute>
  routesByName: ReadonlyMap<string, ModelRoute>
  loadedAt: number
}

const EMPTY: Snapshot = { providers: new Map(), routesById: new Map(), routesByName: new Map(), loadedAt: 0 }

export function createSnapshot(deps: {
  providers: ProvidersRepo
  routes: RoutesRepo
  changes: ConfigChanges
  log: Logger
}) {
  let current = EMPTY
  let loading: Promise<void> | null = null
  let again = false

  async function load(): Promise<void> {
    const [providerRows, routes] = await Promise.all([deps.providers.list(), deps.routes.list()])
    current = {
      providers: indexProviders(providerRows.map(rowToProvider)),
      routesById: new Map(routes.map((r) => [r.id, r])),
      routesByName: new Map(routes.map((r) => [r.name, r])),
      loadedAt: Date.now(),
    }
  }

  /** Coalesces bursts: one load at a time, plus one more if a change arrived meanwhile. */
  async function reload(): Promise<void> {
    if (loading) {
      again = true
      return loading
    }
    loading = (async () => {
      try {
        do {
          again = false
          await load()
        } while (again)
      } finally {
        loading = null
      }
    })()
    return loading
  }

  const unsubscribe = deps.changes.subscribe(() => reload())

  return {
    current: (): Snapshot => current,
    reload,
    stop: unsubscribe,
  }
}

export type SnapshotService = ReturnType<typeof createSnapshot>
