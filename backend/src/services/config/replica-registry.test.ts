import pino from 'pino'
import { describe, expect, it } from 'vitest'
import { buildTestApp, TEST_SECRET } from '../../../test/helpers.js'
import { createReplicaRegistry, LIVE_WINDOW_MS, runningServers, secretId } from './replica-registry.js'

describe('replica registry', () => {
  it('lists a started server with the secrets it knows, and forgets it once closed', async () => {
    const { app } = await buildTestApp()
    await app.ready()
    const repo = app.core.repos.replicas
    const [me] = await runningServers(repo, TEST_SECRET)
    expect(me).toMatchObject({ id: app.core.replicaRegistry.id, pid: process.pid, knowsSecret: true })
    expect(me?.secret_ids).toBe(secretId(TEST_SECRET))
    expect(me?.secret_ids).not.toContain(TEST_SECRET)
    expect((await runningServers(repo, 'another-secret-0123456789-0123456789'))[0]?.knowsSecret).toBe(false)
    await app.core.replicaRegistry.stop()
    expect(await runningServers(repo, TEST_SECRET)).toEqual([])
  })

  it('does not count a server that stopped refreshing its row (killed without closing)', async () => {
    const { app } = await buildTestApp()
    const repo = app.core.repos.replicas
    let clock = Date.parse('2026-01-01T00:00:00Z')
    const killed = createReplicaRegistry({
      repo,
      secrets: { current: 'old-secret-0123456789-0123456789-ab', previous: null },
      log: pino({ level: 'silent' }),
      now: () => clock,
    })
    await killed.start()
    const listed = async () => (await runningServers(repo, TEST_SECRET, clock)).map((s) => s.id)
    expect(await listed()).toContain(killed.id)
    clock += LIVE_WINDOW_MS + 1
    expect(await listed()).not.toContain(killed.id)
    await killed.stop()
  })
})
