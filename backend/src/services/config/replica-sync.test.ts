import { describe, expect, it } from 'vitest'
import { waitFor } from '../../../test/fake-upstream.js'
import { buildTestApp } from '../../../test/helpers.js'

/** Two apps on one database: replicas on PostgreSQL, or the server and the CLI on one SQLite file. */
async function twoProcesses() {
  const first = await buildTestApp({ BACKEND_SYNC_INTERVAL_SECONDS: '0.1' })
  const second = await buildTestApp({
    BACKEND_DATABASE_URL: first.settings.databaseUrl,
    BACKEND_SYNC_INTERVAL_SECONDS: '0.1',
  })
  return { first: first.app, second: second.app }
}

describe('replica sync', () => {
  it('routes on one app a provider and route created through another on the same database', async () => {
    const { first, second } = await twoProcesses()
    const provider = await first.inject({
      method: 'POST',
      url: '/api/providers',
      payload: { name: 'Elsewhere', base_url: 'http://127.0.0.1:9/v1', models: ['m1'] },
    })
    const route = await first.inject({
      method: 'POST',
      url: '/api/model-routes',
      payload: {
        name: 'elsewhere',
        mode: 'auto',
        nodes: [{ api_id: provider.json().id, models: [], strategy: 'failover', priority: 0 }],
      },
    })
    expect(route.statusCode).toBe(201)
    const select = () =>
      second.inject({ method: 'POST', url: `/api/model-routes/${route.json().id}/select`, payload: {} })
    await waitFor(async () => (await select()).statusCode === 200, 5000, 'the other app to route')
    expect((await select()).json()).toMatchObject({ provider_id: provider.json().id, model: 'm1' })
  })

  it('sees a health flag another app set, and its release', async () => {
    const { first, second } = await twoProcesses()
    const provider = await first.inject({
      method: 'POST',
      url: '/api/providers',
      payload: { name: 'Flag', base_url: 'http://127.0.0.1:9/v1', models: ['m1'] },
    })
    const id = provider.json().id as number
    await waitFor(
      () => second.core.snapshot.current().providers.has(id),
      5000,
      'the provider on the other app',
    )
    await first.inject({
      method: 'PATCH',
      url: `/api/providers/${id}/health`,
      payload: { is_healthy: false },
    })
    await waitFor(
      () => second.core.snapshot.current().providers.get(id)?.is_healthy === false,
      5000,
      'the flag on the other app',
    )
    await first.inject({ method: 'PATCH', url: `/api/providers/${id}/health`, payload: { is_healthy: null } })
    await waitFor(
      () => second.core.snapshot.current().providers.get(id)?.health_override === null,
      5000,
      'the release on the other app',
    )
  })

  it('reloads nothing when nothing changed', async () => {
    const { second } = await twoProcesses()
    await second.core.replicaSync.syncNow()
    expect(await second.core.replicaSync.syncNow()).toBe(false)
  })
})
