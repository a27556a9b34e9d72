/** Response bindings on the real database of the run (SQLite, or PostgreSQL in the postgres project). */
import { describe, expect, it } from 'vitest'
import { buildTestApp } from '../../../test/helpers.js'
import { createResponseBindingsRepo } from '../../db/response-bindings.repo.js'
import { createResponseBindings } from './response-bindings.js'

const DAY = 86_400_000

async function bindings(retentionDays: number) {
  const { app } = await buildTestApp()
  const repo = createResponseBindingsRepo(app.core.db.kysely)
  const clock = { now: Date.parse('2026-01-10T00:00:00Z') }
  const log = { warn: () => {} }
  const make = () => createResponseBindings({ repo, retentionDays, log, now: () => clock.now })
  return { app, repo, clock, make }
}

describe('response bindings', () => {
  it('a binding recorded by one replica is found by another (through the database)', async () => {
    const { make } = await bindings(30)
    const here = make()
    here.record('resp_abc', 7)
    await here.stop()
    expect(await make().lookup('resp_abc')).toBe(7)
    expect(await make().lookup('resp_unknown')).toBeNull()
  })

  it('prunes bindings older than the retention, in memory and in the database', async () => {
    const { make, clock } = await bindings(2)
    const service = make()
    service.record('resp_old', 1)
    clock.now += 1 * DAY
    service.record('resp_new', 2)
    await service.stop()
    clock.now += 1.5 * DAY
    expect(await service.prune()).toBe(1)
    expect(await service.lookup('resp_old')).toBeNull()
    expect(await make().lookup('resp_old')).toBeNull()
    expect(await make().lookup('resp_new')).toBe(2)
  })
})
