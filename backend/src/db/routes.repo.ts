/** SQL for model routes and their nodes; the one mapping between their rows and ModelRoute. */
import type { Insertable, Kysely, Selectable, Transaction, Updateable } from 'kysely'
import { parseJsonColumn } from '../core/json.js'
import type { ModelRoute, RouteMode, RouteNode, Strategy } from '../domain/model.js'
import type { Database, ModelRoutesTable, RouteNodesTable } from './schema.js'

function rowToNode(row: Selectable<RouteNodesTable>): RouteNode {
  return {
    id: row.id,
    api_id: row.api_id,
    models: parseJsonColumn<string[]>(row.models, []),
    strategy: row.strategy as Strategy,
    priority: row.priority,
    weight: row.weight,
    metadata: parseJsonColumn<Record<string, unknown>>(row.metadata, {}),
  }
}

function rowToRoute(row: Selectable<ModelRoutesTable>, nodes: RouteNode[]): ModelRoute {
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

export type NewRouteRow = Insertable<ModelRoutesTable>
export type RouteRowPatch = Updateable<ModelRoutesTable>
/** A node as written: its route and position come from where it stands in the route. */
export type NewNodeRow = Omit<Insertable<RouteNodesTable>, 'id' | 'route_id' | 'position'>

async function insertNodes(tx: Transaction<Database>, routeId: number, nodes: readonly NewNodeRow[]) {
  if (nodes.length === 0) return []
  const rows = nodes.map((node, position) => ({ ...node, route_id: routeId, position }))
  const inserted = await tx.insertInto('route_nodes').values(rows).returningAll().execute()
  return inserted.sort((a, b) => a.position - b.position).map(rowToNode)
}

async function nodesOf(tx: Kysely<Database>, routeId: number): Promise<RouteNode[]> {
  const rows = await tx
    .selectFrom('route_nodes')
    .selectAll()
    .where('route_id', '=', routeId)
    .orderBy('position')
    .execute()
  return rows.map(rowToNode)
}

export function createRoutesRepo(db: Kysely<Database>) {
  return {
    async get(id: number): Promise<ModelRoute | undefined> {
      const row = await db.selectFrom('model_routes').selectAll().where('id', '=', id).executeTakeFirst()
      return row ? rowToRoute(row, await nodesOf(db, id)) : undefined
    },

    /** The route and its nodes (in the order given), in one transaction. */
    async insert(route: NewRouteRow, nodes: readonly NewNodeRow[]): Promise<ModelRoute> {
      return db.transaction().execute(async (tx) => {
        const row = await tx.insertInto('model_routes').values(route).returningAll().executeTakeFirstOrThrow()
        return rowToRoute(row, await insertNodes(tx, row.id, nodes))
      })
    },

    /** Changes the route's columns and, when `nodes` is given, replaces its nodes: one transaction. */
    async update(
      id: number,
      patch: RouteRowPatch,
      nodes?: readonly NewNodeRow[],
    ): Promise<ModelRoute | undefined> {
      return db.transaction().execute(async (tx) => {
        const row = await tx
          .updateTable('model_routes')
          .set(patch)
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirst()
        if (!row) return undefined
        if (nodes === undefined) return rowToRoute(row, await nodesOf(tx, id))
        await tx.deleteFrom('route_nodes').where('route_id', '=', id).execute()
        return rowToRoute(row, await insertNodes(tx, id, nodes))
      })
    },

    /** The route and its nodes; false when there was no such route. */
    async delete(id: number): Promise<boolean> {
      return db.transaction().execute(async (tx) => {
        await tx.deleteFrom('route_nodes').where('route_id', '=', id).execute()
        const result = await tx.deleteFrom('model_routes').where('id', '=', id).executeTakeFirst()
        return Number(result.numDeletedRows) > 0
      })
    },

    /** Which of `ids` name existing providers: node references are checked against the database. */
    async existingProviderIds(ids: readonly number[]): Promise<Set<number>> {
      if (ids.length === 0) return new Set()
      const rows = await db
        .selectFrom('providers')
        .select('id')
        .where('id', 'in', [...new Set(ids)])
        .execute()
      return new Set(rows.map((row) => row.id))
    },

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
