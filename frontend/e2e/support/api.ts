import { inject } from 'vitest'

/** Seeds and inspects the backend directly, so each test starts from the state it needs. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${inject('baseURL')}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${inject('adminToken')}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`)
  return (text ? JSON.parse(text) : null) as T
}

export interface SeededProvider {
  id: number
  name: string
}

let counter = 0

/** A unique name per call, so tests never collide on the server's unique names. */
export function uniqueName(prefix: string): string {
  counter += 1
  return `${prefix} ${Date.now().toString(36)}${counter}`
}

export function seedProvider(name = uniqueName('Seeded')): Promise<SeededProvider> {
  return api<SeededProvider>('POST', '/api/providers', {
    name,
    base_url: inject('fakeProviderURL'),
    api_key: 'sk-e2e-seeded-0000',
    models: ['gpt-e2e'],
  })
}
