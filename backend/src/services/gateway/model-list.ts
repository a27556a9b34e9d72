/** GET /v1/models: every active route's name, then every model an active provider offers, once each. */
import type { Snapshot } from '../config/snapshot.js'

export interface ModelList {
  object: 'list'
  data: { id: string; object: 'model'; created: number; owned_by: string }[]
}

function unixSeconds(iso: string): number {
  const ms = Date.parse(iso)
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : 0
}

export function buildModelList(snapshot: Snapshot): ModelList {
  const seen = new Set<string>()
  const data: ModelList['data'] = []
  for (const route of snapshot.routesById.values()) {
    if (!route.is_active || seen.has(route.name)) continue
    seen.add(route.name)
    data.push({
      id: route.name,
      object: 'model',
      created: unixSeconds(route.created_at),
      owned_by: 'switchboard',
    })
  }
  for (const provider of snapshot.providers.values()) {
    if (!provider.is_active) continue
    for (const model of provider.models) {
      if (seen.has(model)) continue
      seen.add(model)
      data.push({
        id: model,
        object: 'model',
        created: unixSeconds(provider.created_at),
        owned_by: provider.name,
      })
    }
  }
  return { object: 'list', data }
}
