import { describe, expect, it } from 'vitest'
import { api, seedProvider, uniqueName } from './support/api'
import { screenshot, useBrowser } from './support/browser'
import { pickOption, tableRow } from './support/pages'

describe('routes', () => {
  const browser = useBrowser()

  it('creates a route with a node, tries a selection and shows the round-robin state', async () => {
    const provider = await seedProvider()
    const routeName = uniqueName('chat').replace(/\s/g, '-')
    const page = await browser.page()
    await page.goto('/routes')
    await page.getByRole('button', { name: 'Add route' }).first().click()
    await page.getByLabel('Route name').fill(routeName)
    await page.getByRole('button', { name: 'Add node' }).click()
    await pickOption(page, 'Provider for node 1', provider.name)
    await screenshot(page, '07-route-form')
    await page.getByRole('button', { name: 'Create route' }).click()

    const row = tableRow(page, routeName)
    await row.getByText(provider.name, { exact: false }).waitFor()
    await page.getByRole('button', { name: `Try ${routeName}` }).click()
    await page.getByRole('button', { name: 'Try selection' }).click()
    const result = page.getByTestId('selection-result')
    await result.getByText(provider.name).waitFor()
    await result.getByText('gpt-e2e').waitFor()
    await page.getByRole('region', { name: 'Route state' }).getByRole('table').waitFor()
    await screenshot(page, '08-route-try')

    const routes = await api<Array<{ name: string; nodes: Array<{ api_id: number }> }>>(
      'GET',
      '/api/model-routes',
    )
    expect(routes.find((r) => r.name === routeName)?.nodes[0]?.api_id).toBe(provider.id)
  })

  it('lists routes', async () => {
    const page = await browser.page()
    await page.goto('/routes')
    await page.getByRole('heading', { name: 'Routes' }).waitFor()
    await page.locator('.n-data-table, .n-empty').first().waitFor()
    await screenshot(page, '09-routes')
  })
})
