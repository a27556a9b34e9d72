import { request } from './client'
import type {
  DirectModelsInput,
  DirectTestInput,
  HealthChecks,
  HealthEvents,
  ModelListing,
  Provider,
  ProviderInput,
  ProviderKindInfo,
  ProviderPatch,
  TestResult,
} from './types'

const base = '/api/providers'

/** The kinds' table changes only with the server's version: asked once per page load. */
let kinds: Promise<ProviderKindInfo[]> | null = null

export const providersApi = {
  list: () => request<Provider[]>(base),
  kinds: (): Promise<ProviderKindInfo[]> => {
    kinds ??= request<ProviderKindInfo[]>('/api/provider-kinds').catch((err: unknown) => {
      kinds = null // a failed read is asked again next time
      throw err
    })
    return kinds
  },
  get: (id: number) => request<Provider>(`${base}/${id}`),
  create: (input: ProviderInput) => request<Provider>(base, { method: 'POST', body: input }),
  update: (id: number, patch: ProviderPatch) =>
    request<Provider>(`${base}/${id}`, { method: 'PATCH', body: patch }),
  remove: (id: number, force = false) =>
    request<void>(`${base}/${id}`, { method: 'DELETE', query: { force: force || undefined } }),
  test: (id: number) => request<TestResult>(`${base}/${id}/test`, { method: 'POST' }),
  testDirect: (input: DirectTestInput) =>
    request<TestResult>(`${base}/test-direct`, { method: 'POST', body: input }),
  models: (id: number) => request<ModelListing>(`${base}/${id}/models`, { method: 'POST' }),
  modelsDirect: (input: DirectModelsInput) =>
    request<ModelListing>(`${base}/models-direct`, { method: 'POST', body: input }),
  setHealth: (id: number, isHealthy: boolean | null) =>
    request<Provider>(`${base}/${id}/health`, { method: 'PATCH', body: { is_healthy: isHealthy } }),
  checks: async (id: number) => (await request<HealthChecks>(`${base}/${id}/checks`)).checks,
  /** The health timeline, newest first. */
  events: async (id: number, limit = 50) =>
    (await request<HealthEvents>(`${base}/${id}/events?limit=${limit}`)).events,
}
