import { describe, expect, it } from 'vitest'
import { api, seedProvider, uniqueName } from './support/api'
import { expectFailure, screenshot, useBrowser } from './support/browser'
import { dialog, tableRow } from './support/pages'

/** What the backend answers for an unexpected failure: a problem document with a detail. */
const problem500 = {
  status: 500,
  contentType: 'application/problem+json',
  body: JSON.stringify({
    type: 'about:blank',
    title: 'Internal Server Error',
    status: 500,
    detail: 'database is locked',
  }),
}

describe('errors and keyboard', () => {
  const browser = useBrowser()

  it('shows a failed list load as a readable message with a working Retry', async () => {
    await seedProvider()
    const page = await browser.page()
    await page.route('**/api/providers', (route) =>
      route.request().method() === 'GET' ? route.fulfill(problem500) : route.continue(),
    )
    expectFailure(page, { method: 'GET', path: '/api/providers', status: 500 })
    await page.goto('/')
    const alert = page.getByRole('alert').filter({ hasText: 'Could not load' })
    await alert.getByText('Database is locked.').waitFor()
    await screenshot(page, '16-providers-load-error')

    await page.unroute('**/api/providers')
    await alert.getByRole('button', { name: 'Retry' }).click()
    await page.getByRole('table').first().waitFor()
    await alert.waitFor({ state: 'detached' })
  })

  it('shows empty lists as empty states with the next step', async () => {
    const page = await browser.page()
    const empty = { status: 200, contentType: 'application/json', body: '[]' }
    await page.route('**/api/providers', (route) => route.fulfill(empty))
    await page.route('**/api/model-routes', (route) => route.fulfill(empty))
    await page.route('**/api/keys', (route) => route.fulfill(empty))
    await page.goto('/')
    await page.getByText('No providers yet').waitFor()
    await screenshot(page, '20-providers-empty')
    await page.getByRole('link', { name: 'Routes' }).click()
    await page.getByText('No routes yet').waitFor()
    await page.getByRole('link', { name: 'Client keys' }).click()
    await page.getByText('No client keys').waitFor()
    await screenshot(page, '21-keys-empty')
  })

  it('says when the server cannot be reached, instead of a blank page', async () => {
    const page = await browser.page()
    await page.route('**/api/admin/stats', (route) => route.abort('connectionrefused'))
    expectFailure(page, { method: 'GET', path: '/api/admin/stats', status: 'network' })
    await page.goto('/observability')
    await page.getByText('The server could not be reached. Is the backend running?').waitFor()
    await page.getByRole('heading', { name: 'Observability' }).waitFor()
    await screenshot(page, '17-observability-unreachable')
    await page.unroute('**/api/admin/stats')
    await page.getByRole('button', { name: 'Retry' }).first().click()
    await page.getByTestId('total-requests').waitFor()
  })

  it("puts the server's field errors beside the fields", async () => {
    const existing = await seedProvider()
    const page = await browser.page()
    await page.goto('/')
    await page.getByRole('button', { name: 'Add provider' }).first().click()
    const form = dialog(page)
    // Passes the browser-side checks; the server refuses a cloud metadata address (422, field base_url).
    await form.getByLabel('Name').fill(uniqueName('Metadata'))
    await form.getByLabel('Base URL').fill('http://169.254.169.254/latest')
    expectFailure(page, { method: 'POST', path: '/api/providers', status: 422 })
    await form.getByRole('button', { name: 'Create provider' }).click()
    const urlItem = form.locator('.n-form-item').filter({ has: page.locator('#provider-base-url') })
    await urlItem.getByText('Points at a link-local or cloud metadata address').waitFor()

    // A taken name: the 409 lands beside Name.
    await form.getByLabel('Name').fill(existing.name)
    await form.getByLabel('Base URL').fill('http://127.0.0.1:9/v1')
    expectFailure(page, { method: 'POST', path: '/api/providers', status: 409 })
    await form.getByRole('button', { name: 'Create provider' }).click()
    const nameItem = form.locator('.n-form-item').filter({ has: page.locator('#provider-name') })
    await nameItem.getByText('already', { exact: false }).waitFor()
    await screenshot(page, '18-provider-form-server-errors')
    const providers = await api<Array<{ name: string }>>('GET', '/api/providers')
    expect(providers.filter((p) => p.name === existing.name)).toHaveLength(1)
  })

  it('works from the keyboard: focus starts in the form, Enter submits, Escape closes', async () => {
    const page = await browser.page()
    await page.goto('/')
    await page.getByRole('button', { name: 'Add provider' }).first().focus()
    await page.keyboard.press('Enter')
    const form = dialog(page)
    await form.waitFor()
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('provider-name')
    // name → base URL → the kind and endpoints selects → API key, in reading order
    const order: string[] = []
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab')
      order.push(await page.evaluate(() => document.activeElement?.id ?? ''))
    }
    expect(order[0]).toBe('provider-base-url')
    expect(order.indexOf('provider-api-key')).toBeGreaterThan(0)
    for (let i = 0; i < 6; i++) await page.keyboard.press('Shift+Tab')
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('provider-name')
    await page.keyboard.type('Keyboard only')
    await page.keyboard.press('Tab')
    await page.keyboard.type('not a url')
    // Enter submits; the form's own message shows, not the browser's URL bubble.
    await page.keyboard.press('Enter')
    await form.getByText('Use an absolute http:// or https:// URL.').waitFor()
    await page.keyboard.press('Escape')
    await form.waitFor({ state: 'detached' })

    // Client keys: type a name, Enter creates it; Escape closes the one-time key dialog.
    const name = uniqueName('kbd').replace(/\s/g, '-')
    await page.goto('/keys')
    await page.getByLabel('Key name').fill(name)
    await page.keyboard.press('Enter')
    await page.getByLabel(`Key for ${name}`).waitFor()
    await page.keyboard.press('Escape')
    await page.getByLabel(`Key for ${name}`).waitFor({ state: 'detached' })
    await tableRow(page, name).waitFor()
  })

  it('explains why a selection cannot be made', async () => {
    const routeName = uniqueName('empty').replace(/\s/g, '-')
    await api('POST', '/api/model-routes', {
      name: routeName,
      mode: 'auto',
      is_active: true,
      config: {},
      nodes: [],
    })
    const page = await browser.page()
    await page.goto('/routes')
    await page.getByRole('button', { name: `Try ${routeName}` }).click()
    // A route without nodes has no provider to hand out: 503 no_provider_available.
    expectFailure(page, { method: 'POST', path: /^\/api\/model-routes\/\d+\/select$/, status: 503 })
    await page.getByRole('button', { name: 'Try selection' }).click()
    const alert = page.getByRole('alert').filter({ hasText: 'No selection' })
    await alert.waitFor()
    expect(await alert.textContent()).not.toMatch(/Service Unavailable:|Not Found:|Conflict:/)
    await screenshot(page, '19-route-try-error')
  })
})
