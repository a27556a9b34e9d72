import { Writable } from 'node:stream'
import pino from 'pino'
import { describe, expect, it } from 'vitest'
import { fakeUpstream, json, waitFor } from '../../../test/fake-upstream.js'
import { buildTestApp } from '../../../test/helpers.js'
import { createHealthRepo, type HealthRepo } from '../../db/health.repo.js'
import { createHealth } from './health.js'

interface LogLine {
  msg: string
  level: number
  [key: string]: unknown
}

function capturingLogger() {
  const lines: LogLine[] = []
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line))
      done()
    },
  })
  return { logger: pino({ level: 'info' }, stream), lines }
}

/** A health service on the test app's database whose repository counts state writes. */
async function setup(threshold = 3) {
  const { logger, lines } = capturingLogger()
  const { app } = await buildTestApp({}, { logger })
  const core = app.core
  const created = await app.inject({
    method: 'POST',
    url: '/api/providers',
    payload: { name: 'passive', base_url: 'https://api.example.com/v1', api_key: 'sk-passive-0123456789' },
  })
  const id = created.json().id as number
  const real = createHealthRepo(core.db.kysely)
  const writes = { count: 0 }
  const repo: HealthRepo = {
    ...real,
    async saveState(providerId, state, write) {
      writes.count += 1
      return real.saveState(providerId, state, write)
    },
  }
  const health = createHealth({
    health: repo,
    providers: core.repos.providers,
    snapshot: core.snapshot,
    changes: core.changes,
    keyBox: core.keyBox,
    agent: core.upstreamAgent,
    log: logger,
    failureThreshold: threshold,
    requestTimeoutMs: 2000,
  })
  const stored = async () => {
    const state = await real.getState(id)
    if (!state) throw new Error('provider vanished')
    return state
  }
  return { app, core, id, health, writes, stored, lines }
}

describe('passive health checks (recordOutcome)', () => {
  it('turns a provider unhealthy at the threshold, logs it once, and routing sees it', async () => {
    const { core, id, health, stored, lines } = await setup(3)
    health.recordOutcome(id, 'failure')
    health.recordOutcome(id, 'failure')
    await waitFor(async () => (await stored()).consecutive_failures === 2, 5000, 'two failures stored')
    expect((await stored()).is_healthy).toBe(true)
    health.recordOutcome(id, 'failure')
    await waitFor(async () => !(await stored()).is_healthy, 5000, 'provider unhealthy')
    await waitFor(() => core.snapshot.current().providers.get(id)?.is_healthy === false, 5000, 'snapshot')
    health.recordOutcome(id, 'failure')
    await waitFor(async () => (await stored()).consecutive_failures === 4, 5000, 'four failures stored')
    const turned = lines.filter((l) => l.msg === 'provider turned unhealthy')
    expect(turned).toHaveLength(1)
    expect(turned[0]).toMatchObject({
      providerId: id,
      name: 'passive',
      consecutiveFailures: 3,
      source: 'gateway',
    })
    expect(JSON.stringify(lines)).not.toContain('sk-passive-0123456789')
  })

  it('recovers on one success and logs the recovery', async () => {
    const { core, id, health, stored, lines } = await setup(1)
    health.recordOutcome(id, 'failure')
    await waitFor(() => core.snapshot.current().providers.get(id)?.is_healthy === false, 5000, 'unhealthy')
    health.recordOutcome(id, 'success')
    await waitFor(() => core.snapshot.current().providers.get(id)?.is_healthy === true, 5000, 'recovered')
    expect(await stored()).toEqual({ consecutive_failures: 0, is_healthy: true, health_override: null })
    expect(lines.filter((l) => l.msg === 'provider recovered')).toHaveLength(1)
  })

  it('writes nothing for successes at zero failures, for "none", or for an unknown provider', async () => {
    const { id, health, writes } = await setup()
    for (let i = 0; i < 100; i++) health.recordOutcome(id, 'success')
    health.recordOutcome(id, 'none')
    health.recordOutcome(9999, 'failure')
    await health.close()
    expect(writes.count).toBe(0)
  })

  it('coalesces a burst of failures into a few writes of the latest state', async () => {
    const { id, health, writes, stored } = await setup(3)
    for (let i = 0; i < 200; i++) health.recordOutcome(id, 'failure')
    await health.close()
    expect(await stored()).toMatchObject({ consecutive_failures: 200, is_healthy: false })
    expect(writes.count).toBeGreaterThanOrEqual(1)
    expect(writes.count).toBeLessThanOrEqual(3)
  })

  it('counts failures under an override without flipping the held flag', async () => {
    const { id, health, stored } = await setup(1)
    await health.setOverride(id, true)
    health.recordOutcome(id, 'failure')
    health.recordOutcome(id, 'failure')
    await waitFor(async () => (await stored()).consecutive_failures === 2, 5000, 'failures counted')
    expect(await stored()).toEqual({ consecutive_failures: 2, is_healthy: true, health_override: 'healthy' })
  })

  it('ignores outcomes after close: no write happens once closed', async () => {
    const { id, health, writes } = await setup(1)
    await health.close()
    health.recordOutcome(id, 'failure')
    await health.close()
    expect(writes.count).toBe(0)
  })
})

describe('testProvider', () => {
  it('records a probe even when the stored key cannot be decrypted, without the key', async () => {
    const fake = await fakeUpstream(json(200, {}))
    const { core, health } = await setup()
    const created = await core.inventory.createProvider({
      name: 'sealed',
      base_url: fake.url,
      api_key: 'sk-x-0123456789',
    })
    await core.db.kysely
      .updateTable('providers')
      .set({ api_key_sealed: 'v1:garbage:garbage' })
      .where('id', '=', created.id)
      .execute()
    const result = await health.testProvider(created.id)
    expect(result).toMatchObject({ status: 'error', status_code: null })
    expect(result.detail).toContain('cannot be decrypted')
    expect(fake.requests).toHaveLength(0)
  })
})
