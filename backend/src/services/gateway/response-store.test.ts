/** The store of translated Responses on the real database of the run (SQLite, or PostgreSQL in the postgres project). */
import { describe, expect, it } from 'vitest'
import { buildTestApp } from '../../../test/helpers.js'
import { createStoredResponsesRepo } from '../../db/stored-responses.repo.js'
import { createResponseStore, inputItemsPage } from './response-store.js'

const DAY = 86_400_000

async function store(opts: { retentionDays?: number; maxBytes?: number } = {}) {
  const { app } = await buildTestApp()
  const repo = createStoredResponsesRepo(app.core.db.kysely)
  const clock = { now: Date.parse('2026-01-10T00:00:00Z') }
  const warnings: string[] = []
  const make = () =>
    createResponseStore({
      repo,
      retentionDays: opts.retentionDays ?? 30,
      maxBytes: opts.maxBytes ?? 1024 * 1024,
      log: { warn: (_o: unknown, message?: string) => warnings.push(String(message)) },
      now: () => clock.now,
    })
  return { make, clock, warnings }
}

const response = (id: string, text: string) => ({
  id,
  object: 'response',
  output: [{ type: 'message', id: `msg_${id}`, role: 'assistant', content: [{ type: 'output_text', text }] }],
})
const user = (id: string, text: string) => ({ type: 'message', id, role: 'user', content: text })

describe('stored responses', () => {
  it('follows previous_response_id back to the first response, oldest items first', async () => {
    const { make } = await store()
    const s = make()
    s.save({
      id: 'resp_1',
      response: response('resp_1', 'a1'),
      inputItems: [user('u1', 'q1')],
      previousResponseId: null,
    })
    s.save({
      id: 'resp_2',
      response: response('resp_2', 'a2'),
      inputItems: [user('u2', 'q2')],
      previousResponseId: 'resp_1',
    })
    // another replica reads what this one wrote
    await s.stop()
    const items = await make().conversation('resp_2')
    expect(items?.map((i) => i.id)).toEqual(['u1', 'msg_resp_1', 'u2', 'msg_resp_2'])
    expect(await make().conversation('resp_unknown')).toBeNull()
    const resolved = await make().resolveInput([
      { type: 'item_reference', id: 'msg_resp_1' },
      { role: 'user', content: 'q3' },
    ])
    expect(resolved?.referenced).toBe(true)
    expect(resolved?.items[0]).toMatchObject({ id: 'msg_resp_1', role: 'assistant' })
    expect(resolved?.items[1]).toMatchObject({ type: 'message', role: 'user', content: 'q3' })
    expect(String(resolved?.items[1]?.id)).toMatch(/^msg_/)
  })

  it('keeps nothing over the size bound, and prunes past the retention', async () => {
    const { make, clock, warnings } = await store({ retentionDays: 2, maxBytes: 2000 })
    const s = make()
    s.save({
      id: 'resp_big',
      response: response('resp_big', 'x'.repeat(3000)),
      inputItems: [],
      previousResponseId: null,
    })
    s.save({
      id: 'resp_old',
      response: response('resp_old', 'old'),
      inputItems: [],
      previousResponseId: null,
    })
    await s.stop()
    expect(warnings).toHaveLength(1)
    expect(await s.get('resp_big')).toBeNull()
    clock.now += 1 * DAY
    s.save({
      id: 'resp_new',
      response: response('resp_new', 'new'),
      inputItems: [],
      previousResponseId: null,
    })
    await s.stop()
    clock.now += 1.5 * DAY
    // past the retention, before the prune: no longer found
    expect(await s.get('resp_old')).toBeNull()
    expect(await s.prune()).toBe(1)
    expect(await s.get('resp_new')).not.toBeNull()
    expect(await s.delete('resp_new')).toBe(true)
    expect(await s.get('resp_new')).toBeNull()
  })

  it('pages input items as OpenAI does (desc by default, after, limit) and refuses a bad limit', () => {
    const items = [{ id: 'a' }, { id: 'b' }, { id: 'c' }]
    expect(inputItemsPage(items, new URLSearchParams())).toEqual({
      object: 'list',
      data: [{ id: 'c' }, { id: 'b' }, { id: 'a' }],
      first_id: 'c',
      last_id: 'a',
      has_more: false,
    })
    expect(inputItemsPage(items, new URLSearchParams('order=asc&limit=1&after=a'))).toMatchObject({
      data: [{ id: 'b' }],
      has_more: true,
    })
    expect(() => inputItemsPage(items, new URLSearchParams('limit=0'))).toThrow('limit')
    expect(() => inputItemsPage(items, new URLSearchParams('order=up'))).toThrow('order')
  })
})
