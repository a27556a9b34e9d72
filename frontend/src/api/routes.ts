import { request } from './client'
import type { ModelRoute, RouteInput, RoutePatch, RouteState, Selection } from './types'

const base = '/api/model-routes'

export const routesApi = {
  list: () => request<ModelRoute[]>(base),
  get: (id: number) => request<ModelRoute>(`${base}/${id}`),
  create: (input: RouteInput) => request<ModelRoute>(base, { method: 'POST', body: input }),
  update: (id: number, patch: RoutePatch) =>
    request<ModelRoute>(`${base}/${id}`, { method: 'PATCH', body: patch }),
  remove: (id: number) => request<void>(`${base}/${id}`, { method: 'DELETE' }),
  select: (id: number, model?: string) =>
    request<Selection>(`${base}/${id}/select`, { method: 'POST', body: model ? { model } : {} }),
  /** What select would answer, with the plan and the skipped nodes; moves no state. */
  explain: (id: number, model?: string, sessionId?: string) =>
    request<Selection>(`${base}/${id}/select?dry_run=true`, {
      method: 'POST',
      body: { ...(model ? { model } : {}), ...(sessionId ? { session: { session_id: sessionId } } : {}) },
    }),
  state: (id: number) => request<RouteState>(`${base}/${id}/state`),
}
