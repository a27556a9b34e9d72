import { createServer } from 'node:net'
import { describe, expect, inject, it } from 'vitest'
import { api, seedProvider, uniqueName } from './support/api'
import { screenshot, useBrowser } from './support/browser'
import { pickOption, tableRow } from './support/pages'

interface Key {
  id: number
  name: string
  key: string
}

/** A port nothing listens on: a provider there fails with a connection error. */
async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

async function call(key: Key, body: Record<string, unknown>): Promise<Response> {
  const res = await fetch(`${inject('baseURL')}/v1/chat/completions`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${key.key}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ messages: [{ role: 'user', content: 'ping' }], ...body }),
  })
  await res.text()
  return res
}

/**
 * Real gateway traffic through a client key of its own: `ok` priced answers from the fake
 * provider, one of them streamed, one request that fails over from a dead provider, and one refused
 * for an unknown model. Waits until the request log has written all of it.
 */
async function seedTraffic(ok: number) {
  const good = await seedProvider(uniqueName('Usage good'))
  const dead = await api<{ id: number; name: string }>('POST', '/api/providers', {
    name: uniqueName('Usage dead'),
    base_url: `http://127.0.0.1:${await closedPort()}/v1`,
    api_key: 'sk-e2e-dead-0000',
    models: ['gpt-e2e'],
  })
  const route = await api<{ name: string }>('POST', '/api/model-routes', {
    name: uniqueName('usage-failover').replace(/\s/g, '-'),
    mode: 'auto',
    is_active: true,
    config: { strategy: 'failover' },
    nodes: [
      { api_id: dead.id, models: [], strategy: 'failover', priority: 0, metadata: {} },
      { api_id: good.id, models: [], strategy: 'failover', priority: 0, metadata: {} },
    ],
  })
  // 1000 per million input tokens, 2000 per million output: the fake's 5 + 2 tokens cost 0.009
  await api('PUT', '/api/prices', {
    provider_id: good.id,
    model: 'gpt-e2e',
    input_per_million: 1000,
    output_per_million: 2000,
  })
  const key = await api<Key>('POST', '/api/keys', { name: uniqueName('usage-key').replace(/\s/g, '-') })
  const direct = uniqueName('direct').replace(/\s/g, '-')
  // a route of the good provider only, so these answers do not depend on the shared server's others
  const only = await api<{ name: string }>('POST', '/api/model-routes', {
    name: direct,
    mode: 'auto',
    is_active: true,
    config: { strategy: 'failover' },
    nodes: [{ api_id: good.id, models: [], strategy: 'failover', priority: 0, metadata: {} }],
  })
  for (let i = 0; i < ok - 1; i++) expect((await call(key, { model: only.name })).status).toBe(200)
  expect((await call(key, { model: only.name, stream: true })).status).toBe(200)
  const failedOver = await call(key, { model: route.name })
  expect(failedOver.status).toBe(200)
  expect(failedOver.headers.get('x-switchboard-attempts')).toBe('2')
  expect((await call(key, { model: 'no-such-model-e2e' })).status).toBe(404)
  const total = ok + 2
  const deadline = Date.now() + 15_000
  for (;;) {
    const page = await api<{ data: unknown[] }>('GET', `/api/requests?key_id=${key.id}&limit=100`)
    if (page.data.length >= total) break
    if (Date.now() > deadline) throw new Error(`the log holds ${page.data.length} of ${total} requests`)
    await new Promise((r) => setTimeout(r, 100))
  }
  return { key, good, dead, route, total }
}

describe('usage and requests', () => {
  const browser = useBrowser()

  it('shows the usage of a key over time, its cost among the top spenders, and the metric chosen', async () => {
    const { key, total } = await seedTraffic(3)
    const page = await browser.page()
    await page.goto('/usage')
    await page.getByRole('heading', { name: 'Usage', level: 1 }).waitFor()
    await page.getByText('Key', { exact: true }).click()
    const row = tableRow(page.getByLabel('Top spenders'), key.name)
    await row.waitFor()
    const cells = await row.getByRole('cell').allTextContents()
    // name, cost, requests, errors, input tokens, output tokens
    expect(cells.slice(0, 6)).toEqual([key.name, '0.036', String(total), '1', '20', '8'])
    await page.getByLabel('Requests over time, one line per group').locator('canvas').first().waitFor()
    await page.getByLabel('Metric').click()
    await page.locator('.n-base-select-option:visible', { hasText: 'Cost' }).first().click()
    await page.getByText('Cost by key').waitFor()
    await page.getByLabel('Cost over time, one line per group').locator('canvas').first().waitFor()
    await page.getByText('Provider', { exact: true }).click()
    await page.getByText('Requests by provider').or(page.getByText('Cost by provider')).first().waitFor()
    await screenshot(page, '14-usage')
  })

  it('filters the request log by key and status, pages it, and opens the attempts of a failover', async () => {
    const { key, dead, good, route, total } = await seedTraffic(3)
    const page = await browser.page()
    await page.goto('/requests')
    await page.getByRole('heading', { name: 'Requests', level: 1 }).waitFor()
    const log = page.getByLabel('Request log')
    await log.getByRole('row').nth(1).waitFor()
    await pickOption(page, 'Key', key.name)
    await page.getByRole('button', { name: 'Search', exact: true }).click()
    // header row + one per request of this key
    await expect.poll(() => log.getByRole('row').count(), { timeout: 10_000 }).toBe(total + 1)

    // the failover: two attempts, the first failed for want of a connection
    const failover = tableRow(log, route.name)
    await failover.getByRole('button', { name: /^Details of request / }).click()
    const drawer = page.getByRole('dialog')
    await drawer.getByText(`1. ${dead.name}`).waitFor()
    await drawer.getByText(/Could not reach the provider/).waitFor()
    await drawer.getByText(`2. ${good.name}`).waitFor()
    await drawer.getByText('Answered 200').waitFor()
    await screenshot(page, '15-request-drawer')
    await page.keyboard.press('Escape')
    await drawer.waitFor({ state: 'detached' })

    // the refused request: no attempt, and the reason
    await page.getByLabel('Status').fill('404')
    await page.getByRole('button', { name: 'Search', exact: true }).click()
    await expect.poll(() => log.getByRole('row').count(), { timeout: 10_000 }).toBe(2)
    // keyboard: the Details button is reached and opens the drawer with Enter
    await log.getByRole('button', { name: /^Details of request / }).focus()
    await page.keyboard.press('Enter')
    await drawer.getByText(/Refused by the gateway before any provider was tried: 404/).waitFor()
    await page.keyboard.press('Escape')

    // a status that is no status is named, and nothing is asked
    await page.getByLabel('Status').fill('abc')
    await page.getByRole('button', { name: 'Search', exact: true }).click()
    await page.getByText('A status is a number from 100 to 599').waitFor()
  })

  it('loads older requests page by page with the cursor', async () => {
    const { key } = await seedTraffic(3)
    const page = await browser.page()
    // a first page of 50 means more than 50 requests in the log: the shared server may not have them yet
    const all = await api<{ data: unknown[] }>('GET', '/api/requests?limit=100')
    if (all.data.length <= 50) {
      for (let i = 0; i < 51 - all.data.length; i++) await call(key, { model: 'no-such-model-e2e' })
    }
    const deadline = Date.now() + 15_000
    while ((await api<{ data: unknown[] }>('GET', '/api/requests?limit=100')).data.length <= 50) {
      if (Date.now() > deadline) throw new Error('the log did not reach 51 requests')
      await new Promise((r) => setTimeout(r, 100))
    }
    await page.goto('/requests')
    const log = page.getByLabel('Request log')
    await log.getByRole('row').nth(1).waitFor()
    expect(await log.getByRole('row').count()).toBe(51)
    await page.getByRole('button', { name: 'Load older requests' }).click()
    await expect.poll(() => log.getByRole('row').count(), { timeout: 10_000 }).toBeGreaterThan(51)
  })

  it('keeps both pages inside a 390 px window with the details button on screen', async () => {
    await seedTraffic(1)
    const page = await browser.page({ width: 390, height: 844 })
    for (const path of ['/usage', '/requests']) {
      await page.goto(path)
      await page.waitForLoadState('networkidle')
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
      expect(overflow, `${path} scrolls sideways`).toBeLessThanOrEqual(0)
    }
    const details = page.getByRole('button', { name: /^Details of request / }).first()
    const box = await details.boundingBox()
    expect(box !== null && box.x >= 0 && box.x + box.width <= 390.5).toBe(true)
    await details.click()
    await page.getByRole('dialog').getByText('Attempts', { exact: true }).waitFor()
    await screenshot(page, '15b-request-drawer-narrow')
  })
})
