import { describe, expect, it } from 'vitest'
import { rawPost, startGateway } from '../../../test/fake-openai.js'
import { fakeUpstream, json, waitFor } from '../../../test/fake-upstream.js'

type Gw = Awaited<ReturnType<typeof startGateway>>

const answer = json(200, {
  id: 'x',
  object: 'chat.completion',
  created: 1,
  model: 'm',
  choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
  usage: {
    prompt_tokens: 1_000_000,
    completion_tokens: 500_000,
    prompt_tokens_details: { cached_tokens: 200_000 },
  },
})

async function costs(gw: Gw, count: number): Promise<(number | null)[]> {
  let data: { cost: number | null }[] = []
  await waitFor(async () => {
    await gw.app.core.requestLog.flushNow()
    data = ((await gw.admin('GET', '/api/requests')).body as { data: typeof data }).data
    return data.length >= count
  })
  return data.map((r) => r.cost)
}

function fieldsOf(body: unknown): string[] {
  return ((body as { errors?: { field: string }[] }).errors ?? []).map((e) => e.field)
}

describe('prices and cost', () => {
  it('prices each request by the served model: input, cached input and output per million', async () => {
    const gw = await startGateway()
    const fake = await fakeUpstream(answer)
    const id = await gw.addProvider(fake, { models: ['m'] })
    await rawPost(gw, '/chat/completions', { model: 'm', messages: [] })
    expect(await costs(gw, 1)).toEqual([null])
    const set = await gw.admin('PUT', '/api/prices', {
      provider_id: id,
      model: 'm',
      input_per_million: 2,
      output_per_million: 8,
      cached_input_per_million: 0.5,
    })
    expect(set.status).toBe(200)
    expect(set.body).toMatchObject({ provider_id: id, model: 'm', cached_input_per_million: 0.5 })
    await rawPost(gw, '/chat/completions', { model: 'm', messages: [] })
    // 800k input × 2 + 200k cached × 0.5 + 500k output × 8, per million
    expect((await costs(gw, 2))[0]).toBeCloseTo(1.6 + 0.1 + 4, 9)
    expect((await gw.admin('GET', '/api/prices')).body).toHaveLength(1)
  })

  it('refuses a bad price with a 422 naming the field', async () => {
    const gw = await startGateway()
    const fake = await fakeUpstream(answer)
    const id = await gw.addProvider(fake, { models: ['m'] })
    const base = { provider_id: id, model: 'm', input_per_million: 1, output_per_million: 1 }
    const negative = await gw.admin('PUT', '/api/prices', { ...base, input_per_million: -1 })
    expect(negative.status).toBe(422)
    expect(JSON.stringify(negative.body)).toContain('input_per_million')
    const text = await gw.admin('PUT', '/api/prices', { ...base, output_per_million: 'cheap' })
    expect(text.status).toBe(422)
    expect(JSON.stringify(text.body)).toContain('output_per_million')
    const unknown = await gw.admin('PUT', '/api/prices', { ...base, provider_id: 9999 })
    expect(unknown.status).toBe(422)
    expect(fieldsOf(unknown.body)).toEqual(['provider_id'])
    expect((await gw.admin('GET', '/api/prices')).body).toEqual([])
  })

  it('imports a price file all or nothing, and removes one price', async () => {
    const gw = await startGateway()
    const fake = await fakeUpstream(answer)
    const id = await gw.addProvider(fake, { models: ['a', 'b'] })
    const file = {
      prices: [
        { provider_id: id, model: 'a', input_per_million: 1, output_per_million: 2 },
        { provider_id: id, model: 'b', input_per_million: 3, output_per_million: 4 },
      ],
    }
    const bad = await gw.admin('POST', '/api/prices/import', {
      prices: [...file.prices, { provider_id: 777, model: 'c', input_per_million: 1, output_per_million: 1 }],
    })
    expect(bad.status).toBe(422)
    expect(fieldsOf(bad.body)).toEqual(['prices[2].provider_id'])
    expect((await gw.admin('GET', '/api/prices')).body).toEqual([])
    const twice = await gw.admin('POST', '/api/prices/import', { prices: [file.prices[0], file.prices[0]] })
    expect(twice.status).toBe(422)
    const ok = await gw.admin('POST', '/api/prices/import', file)
    expect(ok.body).toEqual({ imported: 2 })
    expect(((await gw.admin('GET', '/api/prices')).body as unknown[]).length).toBe(2)
    expect((await gw.admin('DELETE', `/api/prices?provider_id=${id}&model=a`)).status).toBe(204)
    expect((await gw.admin('DELETE', `/api/prices?provider_id=${id}&model=a`)).status).toBe(404)
    expect((await gw.admin('GET', '/api/prices')).body).toMatchObject([{ model: 'b' }])
  })

  it('carries the prices in the backup and restores them', async () => {
    const gw = await startGateway()
    const fake = await fakeUpstream(answer)
    const id = await gw.addProvider(fake, { models: ['m'] })
    await gw.admin('PUT', '/api/prices', {
      provider_id: id,
      model: 'm',
      input_per_million: 3,
      output_per_million: 6,
    })
    const doc = (await gw.admin('GET', '/api/admin/providers/export')).body as { prices: unknown[] }
    expect(doc.prices).toEqual([
      {
        provider_id: id,
        model: 'm',
        input_per_million: 3,
        output_per_million: 6,
        cached_input_per_million: null,
      },
    ])
    await gw.admin('DELETE', `/api/prices?provider_id=${id}&model=m`)
    const restored = await gw.admin('POST', '/api/admin/providers/restore', doc)
    expect(restored.status).toBe(200)
    expect((await gw.admin('GET', '/api/prices')).body).toMatchObject([
      { provider_id: id, input_per_million: 3 },
    ])
    const orphan = await gw.admin('POST', '/api/admin/providers/restore', {
      ...doc,
      prices: [{ provider_id: 4242, model: 'm', input_per_million: 1, output_per_million: 1 }],
    })
    expect(orphan.status).toBe(422)
    expect(JSON.stringify(orphan.body)).toContain('prices[0].provider_id')
  })
})
