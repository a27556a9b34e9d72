/**
 * Model route use-cases: CRUD against the database, selection against the in-memory snapshot.
 * Selection shares one process-wide `RoutingState` with the gateway, so the API's `select`
 * and `/v1` traffic advance the same positions.
 */
import { nowIso } from '../../core/clock.js'
import {
  AppError,
  idSpaceExhausted,
  invalidFields,
  modelRouteNotFound,
  nameTaken,
  validationFailed,
} from '../../core/errors.js'
import { isForeignKeyViolation, isIdSpaceExhausted, isUniqueViolation } from '../../db/errors.js'
import type { NewNodeRow, RouteRowPatch, RoutesRepo } from '../../db/routes.repo.js'
import { affinityOf, type SessionSource, sessionKeyOf } from '../../domain/affinity.js'
import type { ModelRoute, NewRoute, NodeInput, RoutePatch } from '../../domain/model.js'
import { type RouteStateDetails, routeStateView } from '../../domain/route-state-view.js'
import {
  type CoolingProviders,
  type Explanation,
  type OpenCircuits,
  planAttempts,
  type RoutingState,
  type Selection,
  select,
} from '../../domain/routing.js'
import { routeInputErrors, storedConfig } from '../../domain/routing-validation.js'
import type { AffinityBindings } from '../gateway/affinity-bindings.js'
import type { ConfigChanges } from './config-changes.js'
import type { SnapshotService } from './snapshot.js'

export interface RouteStateView {
  route_id: number
  route_name: string
  state: RouteStateDetails
}

/** A dry run's answer: the selection, every attempt the gateway would make, and why nodes were left out. */
export interface DryRunSelection extends Selection {
  dry_run: true
  attempts: Selection[]
  groups: Explanation['groups']
  skipped: Explanation['skipped']
  /** On a route with affinity: where the session came from and how the first node was chosen. */
  affinity?: {
    /** The source of the session key (`x-session-id`, `user`, `messages`…); null: the request names none. */
    session_source: SessionSource | 'messages' | null
    group: string | null
    bound_provider_id: number | null
    /** null: no session, the strategy chose as usual. */
    choice: 'bound' | 'hash' | 'strategy' | null
  }
}

/** The request a dry run explains the affinity choice for: what a /v1 call would carry. */
export interface DryRunSession {
  /** The `x-session-id` header. */
  session_id?: string
  /** The /v1 body's fields sessions are read from (`prompt_cache_key`, `user`, `messages`…). */
  body?: Record<string, unknown>
  /** The client key the call would authenticate with (bindings are per client key); absent: none. */
  client_key_id?: number | null
}

export interface ModelRoutesDeps {
  routes: RoutesRepo
  snapshot: SnapshotService
  changes: ConfigChanges
  roundRobin: RoutingState
  /** Providers in a 429 cooldown: the gateway's tracker (one per process), skipped like the gateway skips them. */
  coolingDown: CoolingProviders
  /** Session affinity's bindings, the gateway's (one per process): counted by `state`, read by dry runs. */
  affinity: AffinityBindings
  circuits?: OpenCircuits
}

function toNodeRows(nodes: readonly NodeInput[]): NewNodeRow[] {
  return nodes.map((node) => ({
    api_id: node.api_id,
    models: JSON.stringify((node.models ?? []).map((m) => m.trim())),
    strategy: node.strategy ?? 'round-robin',
    priority: node.priority ?? 0,
    weight: node.weight ?? 1,
    metadata: JSON.stringify(node.metadata ?? {}),
  }))
}

export function createModelRoutes(deps: ModelRoutesDeps) {
  // Any change to a route restarts its positions: old indices point into a node list that is gone.
  // This catches what no handler here sees (a restore, another replica's edit or delete); it runs
  // after the snapshot's listener (createCore builds the snapshot first), on the reloaded routes.
  let versions = routeVersions()
  function routeVersions(): Map<number, string> {
    return new Map([...deps.snapshot.current().routesById].map(([id, route]) => [id, route.updated_at]))
  }
  deps.changes.subscribe((kind) => {
    if (kind !== 'config') return
    const next = routeVersions()
    for (const [id, updatedAt] of versions) if (next.get(id) !== updatedAt) deps.roundRobin.forget(id)
    versions = next
  })

  async function validate(input: RoutePatch): Promise<void> {
    const known = await deps.routes.existingProviderIds((input.nodes ?? []).map((n) => n.api_id))
    const errors = routeInputErrors(input, known)
    if (errors.length > 0) throw invalidFields('invalid route: ', errors)
  }

  /** Turns constraint violations into the answers a client can act on. */
  async function guardWrite<T>(
    input: RoutePatch,
    name: string | undefined,
    write: () => Promise<T>,
  ): Promise<T> {
    try {
      return await write()
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw nameTaken('route', name)
      }
      if (isIdSpaceExhausted(error)) {
        throw idSpaceExhausted('route or node')
      }
      // A provider deleted between the check and the write: the same 422 as a request made just
      // after the delete, naming the node (validate throws it); the generic one if it was re-added.
      if (isForeignKeyViolation(error)) {
        await validate(input)
        throw validationFailed('invalid route: a node names a provider that no longer exists', [
          { field: 'nodes', message: 'a node names a provider that no longer exists' },
        ])
      }
      throw error
    }
  }

  /**
   * The route as the hot path sees it. A miss reloads the snapshot once: the route may have been
   * created by another replica since this one last reloaded.
   */
  async function routeFromSnapshot(id: number) {
    let snapshot = deps.snapshot.current()
    let route = snapshot.routesById.get(id)
    if (!route) {
      await deps.snapshot.reload()
      snapshot = deps.snapshot.current()
      route = snapshot.routesById.get(id)
    }
    if (!route) throw modelRouteNotFound(id)
    return { route, providers: snapshot.providers }
  }

  return {
    async listRoutes(): Promise<ModelRoute[]> {
      return deps.routes.list()
    },

    async getRoute(id: number): Promise<ModelRoute> {
      const route = await deps.routes.get(id)
      if (!route) throw modelRouteNotFound(id)
      return route
    },

    async createRoute(input: NewRoute): Promise<ModelRoute> {
      await validate(input)
      const now = nowIso()
      const name = input.name.trim()
      const route = await guardWrite(input, name, () =>
        deps.routes.insert(
          {
            name,
            mode: input.mode,
            is_active: input.is_active === false ? 0 : 1,
            config: JSON.stringify(storedConfig(input.config ?? {})),
            created_at: now,
            updated_at: now,
          },
          toNodeRows(input.nodes ?? []),
        ),
      )
      // awaited: the snapshot is reloaded before the answer, so a select right after sees the route
      await deps.changes.configChanged()
      return route
    },

    async updateRoute(id: number, patch: RoutePatch): Promise<ModelRoute> {
      await validate(patch)
      const row: RouteRowPatch = { updated_at: nowIso() }
      if (patch.name !== undefined) row.name = patch.name.trim()
      if (patch.mode !== undefined) row.mode = patch.mode
      if (patch.is_active !== undefined) row.is_active = patch.is_active ? 1 : 0
      if (patch.config !== undefined) row.config = JSON.stringify(storedConfig(patch.config))
      const nodes = patch.nodes === undefined ? undefined : toNodeRows(patch.nodes)
      const route = await guardWrite(patch, row.name, () => deps.routes.update(id, row, nodes))
      if (!route) throw modelRouteNotFound(id)
      await deps.changes.configChanged()
      // also when updated_at did not move (two edits within one millisecond)
      deps.roundRobin.forget(id)
      return route
    },

    async deleteRoute(id: number): Promise<void> {
      if (!(await deps.routes.delete(id))) throw modelRouteNotFound(id)
      await deps.changes.configChanged()
      deps.roundRobin.forget(id)
    },

    /** The provider and model the route hands out next (advances round-robin). */
    async select(id: number, model?: string): Promise<Selection> {
      const { route, providers } = await routeFromSnapshot(id)
      return select(route, providers, {
        model,
        state: deps.roundRobin,
        coolingDown: deps.coolingDown,
        circuits: deps.circuits,
      })
    },

    /**
     * What `select` would answer and the whole plan behind it, moving nothing: the strategies run on
     * copies of the positions and credits. A plan with no node left is the usual 503, with `skipped`.
     */
    async selectDryRun(id: number, model?: string, request: DryRunSession = {}): Promise<DryRunSelection> {
      const { route, providers } = await routeFromSnapshot(id)
      const explain: Explanation = { skipped: [], groups: [] }
      const settings = affinityOf(route.config)
      const headers = request.session_id === undefined ? {} : { 'x-session-id': request.session_id }
      const sessionKey = settings ? sessionKeyOf(settings, headers, request.body ?? {}) : null
      const session =
        sessionKey === null
          ? undefined
          : deps.affinity.session(route.id, request.client_key_id ?? null, sessionKey, { peek: true })
      const options = {
        model,
        state: deps.roundRobin,
        coolingDown: deps.coolingDown,
        circuits: deps.circuits,
        dryRun: true,
        explain,
        affinity: session?.affinity,
      }
      let plan: ReturnType<typeof planAttempts>
      try {
        plan = planAttempts(route, providers, options)
      } catch (error) {
        if (error instanceof AppError && error.code === 'no_provider_available') {
          throw new AppError(error.code, error.message, { ...error.details, skipped: explain.skipped })
        }
        throw error
      }
      const attempts = plan.map(({ provider, model: chosen }) => ({
        provider_id: provider.id,
        provider_name: provider.name,
        model: chosen,
      }))
      const answer: DryRunSelection = {
        ...attempts[0]!,
        dry_run: true,
        attempts,
        groups: explain.groups,
        skipped: explain.skipped,
      }
      if (settings) {
        answer.affinity = {
          session_source:
            sessionKey === null ? null : (sessionKey.slice(0, sessionKey.indexOf(':')) as SessionSource),
          group: explain.affinity?.group ?? null,
          bound_provider_id: explain.affinity?.bound_provider_id ?? null,
          choice: explain.affinity?.choice ?? null,
        }
      }
      return answer
    },

    async state(id: number): Promise<RouteStateView> {
      const { route, providers } = await routeFromSnapshot(id)
      return {
        route_id: route.id,
        route_name: route.name,
        state: routeStateView(route, providers, deps.roundRobin, {
          byProvider: deps.affinity.countsOf(route.id),
          ttlSeconds: deps.affinity.ttlMs / 1000,
        }),
      }
    },
  }
}

export type ModelRoutes = ReturnType<typeof createModelRoutes>
