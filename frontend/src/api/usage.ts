import { request } from './client'
import type { RequestPage, RequestRecord, UsageAnswer } from './types'

/** What GET /api/usage is asked (the schema's query). */
export interface UsageQuery {
  group_by: 'key' | 'route' | 'provider' | 'model'
  interval?: 'minute' | 'hour'
  from?: string
  to?: string
}

/** The Requests page's filters, as GET /api/requests takes them (empty ones are not sent). */
export interface RequestFilter {
  key_id?: number
  route?: string
  provider_id?: number
  model?: string
  status?: number
  from?: string
  to?: string
}

export const usageApi = {
  usage: (query: UsageQuery) => request<UsageAnswer>('/api/usage', { query: { ...query } }),
  requests: (filter: RequestFilter, cursor?: string, limit = 50) =>
    request<RequestPage>('/api/requests', { query: { ...filter, cursor, limit } }),
  request: (id: number) => request<RequestRecord>(`/api/requests/${id}`),
}
