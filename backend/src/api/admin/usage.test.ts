import { describe, expect, it } from 'vitest'
import { ok, rawPost, serverError, startGateway } from '../../../test/fake-openai.js'
import { fakeUpstream, waitFor } from '../../../test/fake-upstream.js'

type Gw = Awaited<ReturnType<typeof startGateway>>
interface Totals {
  key: string | number | null
  provider_name?: string
  requests: number
  errors: number
  input_tokens: number
  output_tokens: number
  cost: number
  latency_p50_ms: number | null
  latency_p95_ms: number | null
}

async function settle(gw: Gw, count: number): Promise<void> {
  await waitFor(async () => {
    await gw.app.core.requestLog.flushNow()
    return gw.app.core.requestLog.stats().written >= count
  })
}

async function usage(
  gw: Gw,
  query: string,
): Promise<{ data: (Totals & { bucket: string })[]; totals: Totals[] }> {
  const res = await gw.admin('GET', `/api/usage?${query}`)
  expect(res.status).toBe(200)
  return res.body as { data: (Totals & { bucket: string })[]; totals: Totals[] }
}

describe('GET /api/usage', () => {
  it('sums requests, errors, tokens and cost per model, key and provider from the rollups', async () => {
    const gw = await startGateway()
    const good = await fakeUpstream(ok())
    const bad = await fakeUpstream(serverError)
    const goodId = await gw.addProvider(good, { name: 'good', models: ['model-a'] })
    await gw.addProvider(bad, { name: 'bad', models: ['model-b'] })
    const priced = await gw.admin('PUT', '/api/prices', {
      provider_id: goodId,
      model: 'model-a',
      input_per_million: 100_000,
      output_per_million: 200_000,
    })
    expect(priced.status).toBe(200)
    const key = (await gw.admin('POST', '/api/keys', { name: 'app' })).body as { id: number; key: string }
    const asKey = { authorization: `Bearer ${key.key}` }
    for (let i = 0; i < 3; i++)
      await rawPost(gw, '/chat/completions', { model: 'model-a', messages: [] }, asKey)
    await rawPost(gw, '/chat/completions', { model: 'model-b', messages: [] })
    await settle(gw, 4)

    const byModel = await usage(gw, 'group_by=model&interval=minute')
    const a = byModel.totals.find((t) => t.key === 'model-a')
    const b = byModel.totals.find((t) => t.key === 'model-b')
    // the fake's usage: 3 prompt and 2 completion tokens per answer
    expect(a).toMatchObject({ requests: 3, errors: 0, input_tokens: 9, output_tokens: 6 })
    expect(a?.cost).toBeCloseTo((3 * (3 + 2 * 2)) / 10, 9)
    expect(a?.latency_p50_ms).not.toBeNull()
    expect(b).toMatchObject({ requests: 1, errors: 1, input_tokens: 0, cost: 0 })
    expect(byModel.totals[0]?.key).toBe('model-a')
    expect(byModel.data.every((p) => p.bucket.endsWith(':00.000Z'))).toBe(true)
    // day buckets: the same sums, one point per day
    const byDay = await usage(gw, 'group_by=model&interval=day')
    expect(byDay.totals).toEqual(byModel.totals)
    expect(byDay.data.every((p) => p.bucket.endsWith('T00:00:00.000Z'))).toBe(true)

    const byKey = await usage(gw, 'group_by=key')
    expect(byKey.totals.map((t) => [t.key, t.requests])).toEqual([
      [key.id, 3],
      [null, 1],
    ])
    const byProvider = await usage(gw, 'group_by=provider&interval=hour')
    expect(byProvider.totals.map((t) => [t.key, t.provider_name, t.requests])).toContainEqual([
      goodId,
      'good',
      3,
    ])

    // served from the rollups: the log's records going does not change the figures
    await gw.app.core.db.kysely.deleteFrom('request_log').execute()
    expect((await usage(gw, 'group_by=model&interval=minute')).totals).toEqual(byModel.totals)
    // a range that ended before the traffic holds none of it
    expect((await usage(gw, 'group_by=model&to=2020-01-02T00:00:00Z')).data).toEqual([])
  })

  it('refuses ranges it would not answer with a 422 naming the field', async () => {
    const gw = await startGateway()
    const long = await gw.admin(
      'GET',
      '/api/usage?group_by=model&interval=minute&from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z',
    )
    expect(long.status).toBe(422)
    expect(JSON.stringify(long.body)).toContain('interval')
    const reversed = await gw.admin(
      'GET',
      '/api/usage?group_by=model&from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z',
    )
    expect(reversed.status).toBe(422)
    expect(JSON.stringify(reversed.body)).toContain('from')
    expect((await gw.admin('GET', '/api/usage?group_by=colour')).status).toBe(422)
  })
})
