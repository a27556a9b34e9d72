import { expect, it } from 'vitest'
import { buildTestApp } from '../../../test/helpers.js'

it('previews its own export as no change: kinds, endpoints, strategies and node weights included', async () => {
  const { app } = await buildTestApp()
  const provider = { base_url: 'https://api.example.com/v1', api_key: 'sk-preview-0123456789', models: ['m'] }
  const anthropic = { ...provider, name: 'a', kind: 'anthropic', endpoints: ['count_tokens'] }
  expect((await app.inject({ method: 'POST', url: '/api/providers', payload: anthropic })).statusCode).toBe(
    201,
  )
  const plain = await app.inject({
    method: 'POST',
    url: '/api/providers',
    payload: { ...provider, name: 'b' },
  })
  const route = await app.inject({
    method: 'POST',
    url: '/api/model-routes',
    payload: {
      name: 'main',
      mode: 'multi',
      config: { strategy: 'weighted', group_strategies: { '0': 'weighted' } },
      nodes: [{ api_id: plain.json().id, weight: 3 }],
    },
  })
  expect(route.statusCode).toBe(201)
  const exported = await app.inject({ method: 'GET', url: '/api/admin/providers/export' })
  const preview = await app.inject({
    method: 'POST',
    url: '/api/admin/providers/restore?dry_run=true',
    payload: exported.json(),
  })
  expect(preview.statusCode).toBe(200)
  const none = { added: [], removed: [], changed: [] }
  expect(preview.json()).toMatchObject({ dry_run: true, providers: none, routes: none, keys: none })
})
