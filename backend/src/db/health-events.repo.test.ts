import { describe, expect, it } from 'vitest'
import { buildTestApp } from '../../test/helpers.js'
import { createHealthEventsRepo, EVENTS_KEPT } from './health-events.repo.js'

describe('health events repository', () => {
  it("keeps each provider's newest events only, and drops those of a provider that is gone", async () => {
    const { app } = await buildTestApp()
    const res = await app.inject({
      method: 'POST',
      url: '/api/providers',
      payload: { name: 'p', base_url: 'http://127.0.0.1:9/v1', models: ['m'] },
    })
    const id = (res.json() as { id: number }).id
    const repo = createHealthEventsRepo(app.core.db.kysely)
    const event = (n: number, providerId = id) => ({
      provider_id: providerId,
      at: new Date(n * 1000).toISOString(),
      kind: 'circuit',
      state: n % 2 === 0 ? 'open' : 'closed',
      reason: `event ${n}`,
      model: null,
      until: null,
      actor: null,
    })
    await repo.insert(Array.from({ length: EVENTS_KEPT + 10 }, (_, n) => event(n)))
    await repo.insert([event(9999, 424242)])
    const kept = await repo.recent(id, 1000)
    expect(kept).toHaveLength(EVENTS_KEPT)
    expect(kept[0]?.reason).toBe(`event ${EVENTS_KEPT + 9}`)
    expect(kept.at(-1)?.reason).toBe('event 10')
    expect(await repo.recent(424242, 10)).toEqual([])
  })
})
