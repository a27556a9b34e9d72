import { describe, expect, inject, it } from 'vitest'
import { api, seedProvider, uniqueName } from './support/api'
import { screenshot, useBrowser } from './support/browser'
import { addTag, dialog, pickMany, pickOption, tableRow } from './support/pages'

describe('providers', () => {
  const browser = useBrowser()

  it('checks the form before sending it', async () => {
    const page = await browser.page()
    await page.goto('/')
    await page.getByRole('button', { name: 'Add provider' }).first().click()
    const form = dialog(page)
    await form.getByLabel('Base URL').fill('ftp://example.com')
    await form.getByRole('button', { name: 'Create provider' }).click()
    await form.getByText('Give the provider a name.').waitFor()
    await form.getByText('Use an absolute http:// or https:// URL.').waitFor()
    await screenshot(page, '02-provider-form-errors')
    // Each error goes as soon as its field is fixed, before the next submit.
    await form.getByLabel('Name').fill('Fixed')
    await form.getByText('Give the provider a name.').waitFor({ state: 'detached' })
    await form.getByText('Use an absolute http:// or https:// URL.').waitFor()
    await form.getByLabel('Base URL').fill('https://api.example.com/v1')
    await form.getByText('Use an absolute http:// or https:// URL.').waitFor({ state: 'detached' })
  })

  it('fills the model list from the provider, with the stored key used by the server only', async () => {
    const seeded = await seedProvider()
    const page = await browser.page()
    await page.goto('/')
    await page.getByRole('button', { name: 'Add provider' }).first().click()
    const form = dialog(page)
    await form.getByLabel('Base URL').fill(inject('fakeProviderURL'))
    await form.getByRole('button', { name: 'Fetch models' }).click()
    await form.getByTestId('fetch-note').getByText('Filled 1 models from /models.').waitFor()
    await form.locator('.n-base-selection-tag-wrapper', { hasText: 'gpt-e2e' }).waitFor()
    await screenshot(page, '03b-provider-form-fetched-models')
    await form.getByRole('button', { name: 'Cancel' }).click()

    await page.getByRole('button', { name: `Edit ${seeded.name}` }).click()
    const edit = dialog(page)
    const listed = page.waitForRequest((r) => r.url().endsWith(`/api/providers/${seeded.id}/models`))
    await edit.getByRole('button', { name: 'Fetch models' }).click()
    const request = await listed
    expect(request.postData() ?? '').not.toContain('sk-e2e')
    await edit.getByTestId('fetch-note').getByText('The provider offers 1 models', { exact: false }).waitFor()
  })

  it('creates a provider, tests it and shows it online with its latency chart', async () => {
    const name = uniqueName('E2E OpenAI')
    const page = await browser.page()
    await page.goto('/')
    await page.getByRole('button', { name: 'Add provider' }).first().click()
    const form = dialog(page)
    await form.getByLabel('Name').fill(name)
    await form.getByLabel('Base URL').fill(inject('fakeProviderURL'))
    await form.getByLabel('API key').fill('sk-e2e-secret-9f2c')
    await addTag(page, 'Models', 'gpt-e2e')
    await form.getByRole('button', { name: 'Test connection' }).click()
    await form.getByTestId('test-result').getByText('online', { exact: false }).first().waitFor()
    await screenshot(page, '03-provider-form-tested')

    await form.getByRole('button', { name: 'Create provider' }).click()
    await form.waitFor({ state: 'hidden' })
    const row = tableRow(page, name)
    // Tested in the dialog: the saved provider shows that result, not "never checked".
    await row.getByTestId('provider-health').getByText('healthy', { exact: true }).waitFor()
    await row.getByText('online', { exact: true }).waitFor()
    await row.getByText('sk-…9f2c').waitFor()

    await page.getByRole('button', { name: `Test ${name}` }).click()
    await row.getByText('online', { exact: true }).waitFor()
    await row.locator('.n-data-table-expand-trigger').click()
    await page.getByLabel(`Latency chart for ${name}`).locator('canvas').first().waitFor()
    await screenshot(page, '04-providers')
  })

  it('creates an Anthropic provider narrowed to count_tokens and shows its kind in the list', async () => {
    const name = uniqueName('E2E Claude')
    const page = await browser.page()
    await page.goto('/')
    await page.getByRole('button', { name: 'Add provider' }).first().click()
    const form = dialog(page)
    await form.getByLabel('Name').fill(name)
    await form.getByLabel('Base URL').fill(inject('fakeProviderURL'))
    await pickOption(page, 'Kind', 'Anthropic')
    await form.getByPlaceholder('Optional; sent as x-api-key').waitFor()
    await pickMany(page, 'Endpoints', ['count_tokens'])
    await pickOption(page, 'Continuing a cut stream', 'Restart: ask again')
    await form.getByRole('button', { name: 'Create provider' }).click()
    await form.waitFor({ state: 'hidden' })
    await tableRow(page, name).getByTestId('provider-kind').getByText('anthropic', { exact: false }).waitFor()
    const providers = await api<
      { name: string; kind: string; endpoints: string[] | null; continuation: string | null }[]
    >('GET', '/api/providers')
    expect(providers.find((p) => p.name === name)).toMatchObject({
      kind: 'anthropic',
      endpoints: ['count_tokens'],
      continuation: 'restart',
    })
  })

  it('holds a provider unhealthy and returns it to automatic', async () => {
    const seeded = await seedProvider()
    const page = await browser.page()
    await page.goto('/')
    await page.getByRole('button', { name: `Health override for ${seeded.name}` }).click()
    await page.getByText('Hold unhealthy (maintenance)').click()
    const row = tableRow(page, seeded.name)
    // One badge says what routing does; no "online" or "healthy" badge beside it.
    await row.getByTestId('provider-health').getByText('held unhealthy', { exact: true }).waitFor()
    expect(await row.locator('.n-tag').allTextContents()).not.toContain('healthy')
    // Beyond the table: the page summary and the row's details say so too. Other tests may hold
    // providers of their own on the shared backend: count what the server holds.
    const held = (await api<Array<{ health_override: string | null }>>('GET', '/api/providers')).filter(
      (p) => p.health_override === 'unhealthy',
    ).length
    await page.getByTestId('health-count-held-unhealthy').getByText(`${held} held unhealthy`).waitFor()
    await row.locator('.n-data-table-expand-trigger').click()
    await page.getByTestId('held-override').getByText('Routing skips this provider').waitFor()
    await screenshot(page, '04b-provider-held')

    await page.getByRole('button', { name: `Health override for ${seeded.name}` }).click()
    await page.getByText('Automatic (follow checks)').click()
    await row.getByTestId('provider-health').getByText('not checked', { exact: true }).waitFor()
  })

  it('explains that routes use a provider before deleting it, and offers to remove their nodes', async () => {
    const seeded = await seedProvider()
    const routeName = uniqueName('uses-provider').replace(/\s/g, '-')
    await api('POST', '/api/model-routes', {
      name: routeName,
      mode: 'auto',
      is_active: true,
      config: {},
      nodes: [{ api_id: seeded.id, models: [], strategy: 'round-robin', priority: 0, metadata: {} }],
    })
    const page = await browser.page()
    await page.goto('/')
    // One dialog: it names the routes before anything is deleted (no 409 round first).
    await page.getByRole('button', { name: `Delete ${seeded.name}` }).click()
    await page.getByText(`${seeded.name} is used by routes`).waitFor()
    await dialog(page).getByRole('listitem').filter({ hasText: routeName }).waitFor()
    await screenshot(page, '05-provider-delete-conflict')
    await page.getByRole('button', { name: 'Delete and remove its nodes' }).click()
    await tableRow(page, seeded.name).waitFor({ state: 'detached' })
    const providers = await api<Array<{ id: number }>>('GET', '/api/providers')
    expect(providers.some((p) => p.id === seeded.id)).toBe(false)
  })

  it('deletes a provider no route uses after one question', async () => {
    const seeded = await seedProvider()
    const page = await browser.page()
    await page.goto('/')
    await page.getByRole('button', { name: `Delete ${seeded.name}` }).click()
    await dialog(page).getByText('No route uses it.', { exact: false }).waitFor()
    await page.getByRole('button', { name: 'Delete', exact: true }).click()
    await tableRow(page, seeded.name).waitFor({ state: 'detached' })
  })

  it('stays usable on a narrow window', async () => {
    await seedProvider()
    const page = await browser.page({ width: 390, height: 844 })
    await page.goto('/')
    await page.getByRole('button', { name: 'Add provider' }).first().waitFor()
    await page.getByRole('table').first().waitFor()
    await screenshot(page, '06-providers-narrow')
    // Everything but Test sits behind one menu that fits the screen.
    const seededName = (await api<Array<{ name: string }>>('GET', '/api/providers')).at(-1)?.name ?? ''
    await page.getByRole('button', { name: `More actions for ${seededName}` }).click()
    await page.getByText('Hold unhealthy (maintenance)').waitFor()
    await screenshot(page, '06b-providers-narrow-menu')
    await page.getByText('Edit', { exact: true }).click()
    await dialog(page).getByLabel('Name').waitFor()
    expect(await dialog(page).getByLabel('Name').inputValue()).toBe(seededName)
    await screenshot(page, '06c-provider-form-narrow')
  })

  it("opens a row's details from the keyboard, with a visible focus ring", async () => {
    const seeded = await seedProvider()
    const page = await browser.page()
    await page.goto('/')
    const expander = page.getByRole('button', { name: `Show details of ${seeded.name}` })
    await expander.focus()
    await page.keyboard.press('Enter')
    await page.getByText('No checks yet: press Test to run one.').first().waitFor()
    const hide = page.getByRole('button', { name: `Hide details of ${seeded.name}` })
    expect(await hide.getAttribute('aria-expanded')).toBe('true')
    await page.keyboard.press('Tab')
    await page.keyboard.press('Shift+Tab')
    const outline = await hide.evaluate((el) => getComputedStyle(el).outlineStyle)
    expect(outline).toBe('solid')
  })
})
