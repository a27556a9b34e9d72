/** SQL for model routes and their nodes; the one mapping between their rows and ModelRoute. */
import type { Kysely, Selectable } from 'kysely'
import { parseJsonColumn } from '../core/json.js'
import type { ModelRoute, RouteMode, RouteNode, Strategy } from '../domain/model.js'
import type { Database, ModelRoutesTable, RouteNodesTable } from './schema.js'

export function rowToNode(row: Selectable<RouteNodesTable>): RouteNode {
  return {
    id: row.id,
    api_id: row.api_id,
    models: parseJsonColumn<string[]>(row.models, []),
    strategy: row.strategy as Strategy,
    priority: row.priority,
    metadata: parseJsonColumn<Record<string, unknown>>(row.metadata, {}),
  }
}

export function rowToRoute(row: Selectable<ModelRoutesTable>, nodes: RouteNode[]): ModelRoute {
  return {
    id: row.id,
    name: row.name,
    mode: row.mode as RouteMode,
    is_active: row.is_active === 1,
    config: parseJsonColumn<Record<string, unknown>>(row.config, {}),
    nodes,
    created_at: row.created_at,
    updated_at: row.updated_at,
  }
}

export function createRoutesRepo(db: Kysely<Database>) {
  return {
    /** Every route with its nodes in order, ordered by id: two queries, whatever the count. */
    async list(): Promise<ModelRoute[]> {
      const [routes, nodes] = await Promise.all([
        db.selectFrom('model_routes').selectAll().orderBy('id').execute(),
        db.selectFrom('route_nodes').selectAll().orderBy('route_id').orderBy('position').execute(),
      ])
      const byRoute = new Map<number, RouteNode[]>()
      for (const node of nodes) {
        const list = byRoute.get(node.route_id) ?? []
        list.push(rowToNode(node))
        byRoute.set(node.route_id, list)
      }
      return routes.map((route) => rowToRoute(route, byRoute.get(route.id) ?? []))
    },
  }
}

export type RoutesRepo = ReturnType<typeof createRoutesRepo>
