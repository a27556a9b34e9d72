import { describe, expect, it } from 'vitest'
import { api } from './support/api'
import { screenshot, useBrowser } from './support/browser'
import { statisticValue } from './support/pages'

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
    expect(after).toBeGreaterThanOrEqual(before + 3)
    await page.getByLabel('Top endpoints').getByText('GET /api/providers').first().waitFor()
    await page.getByLabel('Requests and latency over time').waitFor()
    await screenshot(page, '12-observability')
  })
})
