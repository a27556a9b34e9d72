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

/** A call through the gateway, as a client would make it (the admin token opens /v1 too). */
export async function chatCompletion(model: string): Promise<Response> {
  return fetch(`${inject('baseURL')}/v1/chat/completions`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${inject('adminToken')}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'ping' }] }),
  })
}

/** A route of one node on `providerId`: gateway traffic for `name` goes to that provider only. */
export function seedRoute(name: string, providerId: number): Promise<{ id: number; name: string }> {
  return api('POST', '/api/model-routes', {
    name,
    mode: 'auto',
    is_active: true,
    config: {},
    nodes: [{ api_id: providerId, models: [], strategy: 'round-robin', priority: 0, metadata: {} }],
  })
}
