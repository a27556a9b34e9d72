import { describe, expect, inject, it } from 'vitest'
import { api, chatCompletion, seedProvider, seedRoute, uniqueName } from './support/api'
import { screenshot, useBrowser } from './support/browser'
import { statisticValue, tableRow } from './support/pages'

describe('observability', () => {
  const browser = useBrowser()

  it('shows the widgets, endpoints and logs, and the request count moves on refresh', async () => {
    const page = await browser.page()
    await page.goto('/observability')
    const total = page.getByTestId('total-requests')
    await total.waitFor()
    await page.getByTestId('health-badge').waitFor()
    await page.getByLabel('Recent logs').getByRole('table').first().waitFor()
    // admin calls are the admin API's traffic, one click away from the gateway's (the default)
    await page.getByText('Admin API', { exact: true }).click()
    await page.getByText('Top endpoints — admin API').waitFor()
    const before = await statisticValue(total)

    for (let i = 0; i < 3; i++) await api('GET', '/api/providers')
    await page.getByRole('button', { name: 'Refresh' }).click()
    await page.waitForFunction((previous) => {
      const el = document.querySelector('[data-testid="total-requests"] .n-statistic-value')
      return el !== null && Number(el.textContent?.replace(/[^\d]/g, '')) >= previous + 3
    }, before)
    const after = await statisticValue(total)
    // The dashboard's own polling (stats, logs) is not traffic: exactly the three calls above.
    expect(after).toBe(before + 3)
    await page.getByLabel('Top endpoints').getByText('GET /api/providers').first().waitFor()
    await page.getByLabel('Requests and latency over time').waitFor()
  })

  it('shows gateway traffic per provider, the /v1 endpoint, and auto-refreshes every 30 s', async () => {
    const provider = await seedProvider(uniqueName('Gateway'))
    const route = await seedRoute(uniqueName('gw').replace(/\s/g, '-'), provider.id)
    const page = await browser.page()
    // The page's clock is driven by the test: 30 s pass in an instant, and the auto-refresh fires.
    await page.clock.install()
    await page.goto('/observability')
    await page.getByTestId('total-requests').waitFor()

    const send = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const res = await chatCompletion(route.name)
        expect(res.status).toBe(200)
        expect(res.headers.get('x-switchboard-provider')).toBe(String(provider.id))
        await res.text()
      }
    }
    await send(4)
    await page.clock.runFor(30_000)
    const figures = page.getByLabel('Gateway figures per provider')
    const row = tableRow(figures, provider.name)
    await row.waitFor()
    // Provider, requests, errors, p50, p95
    const cells = await row.getByRole('cell').allTextContents()
    expect(cells[1]).toBe('4')
    expect(cells[2]).toBe('0')
    expect(cells[3]).toMatch(/\d (ms|s)$/)
    await page.getByLabel('Top endpoints').getByText('POST /v1/chat/completions').waitFor()

    await send(2)
    await page.clock.runFor(30_000)
    await row.getByRole('cell', { name: '6', exact: true }).waitFor()
    await send(3)
    await page.clock.runFor(30_000)
    await row.getByRole('cell', { name: '9', exact: true }).waitFor()
    await page.getByLabel('Requests and latency over time').locator('canvas').first().waitFor()
    await screenshot(page, '12-observability')
  })

  it("draws the gateway's recent history on arrival, from the server", async () => {
    const provider = await seedProvider(uniqueName('History'))
    const route = await seedRoute(uniqueName('hist').replace(/\s/g, '-'), provider.id)
    const res = await chatCompletion(route.name)
    expect(res.status).toBe(200)
    await res.text()
    const page = await browser.page()
    await page.goto('/observability')
    // no refresh needed: the per-minute history comes with the first load
    await page.getByLabel('Requests and latency over time').locator('canvas').first().waitFor()
    expect(await page.getByText('No gateway requests in this window yet.').count()).toBe(0)
  })

  it('filters the logs and shows every line of a request from its id', async () => {
    const page = await browser.page()
    const traced = await fetch(`${inject('baseURL')}/api/providers/987654`, {
      headers: { Authorization: `Bearer ${inject('adminToken')}`, 'x-request-id': 'e2e-logs-trace-1' },
    })
    expect(traced.status).toBe(404)
    await page.goto('/observability')
    const logs = page.getByLabel('Recent logs')
    await logs.getByRole('table').first().waitFor()
    await page.getByLabel('Search the logs').fill('e2e-logs-trace-1')
    const id = page.getByRole('button', { name: 'e2e-logs-trace-1' }).first()
    await id.waitFor()
    await id.click()
    await page.getByText('Every line of request e2e-logs-trace-1').waitFor()
    const expander = page.getByRole('button', { name: /^Show details of "request completed"/ }).first()
    await expander.focus()
    await page.keyboard.press('Enter')
    await page.getByText('switchboard.http', { exact: true }).first().waitFor()
    await page.getByRole('button', { name: 'Back to all lines' }).click()
  })

  it('stays readable on a narrow window', async () => {
    const page = await browser.page({ width: 390, height: 844 })
    await page.goto('/observability')
    await page.getByTestId('total-requests').waitFor()
    await page.getByLabel('Recent logs').getByRole('table').first().waitFor()
    await screenshot(page, '12b-observability-narrow')
  })
})
