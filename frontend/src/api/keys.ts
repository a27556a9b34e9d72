import { request } from './client'
import type { ClientKey, ClientKeyPatch, CreatedClientKey } from './types'

const base = '/api/keys'

export const keysApi = {
  list: () => request<ClientKey[]>(base),
  create: (name: string) => request<CreatedClientKey>(base, { method: 'POST', body: { name } }),
  update: (id: number, patch: ClientKeyPatch) =>
    request<ClientKey>(`${base}/${id}`, { method: 'PATCH', body: patch }),
  revoke: (id: number) => request<void>(`${base}/${id}`, { method: 'DELETE' }),
}
