import { describe, expect, it } from 'vitest'
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

  it('stays readable on a narrow window', async () => {
    const page = await browser.page({ width: 390, height: 844 })
    await page.goto('/observability')
    await page.getByTestId('total-requests').waitFor()
    await page.getByLabel('Recent logs').getByRole('table').first().waitFor()
    await screenshot(page, '12b-observability-narrow')
  })
})
