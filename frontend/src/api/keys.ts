import { request } from './client'
import type { ClientKey, CreatedClientKey } from './types'

const base = '/api/keys'

export const keysApi = {
  list: () => request<ClientKey[]>(base),
  create: (name: string) => request<CreatedClientKey>(base, { method: 'POST', body: { name } }),
  revoke: (id: number) => request<void>(`${base}/${id}`, { method: 'DELETE' }),
}
