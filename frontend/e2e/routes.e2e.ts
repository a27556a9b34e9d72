import { describe, expect, inject, it } from 'vitest'
import { api, seedProvider, seedRoute, uniqueName } from './support/api'
import { screenshot, useBrowser } from './support/browser'
import { formItem, pickMany, pickOption, tableRow } from './support/pages'

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
    await page.getByRole('region', { name: 'Route state' }).getByRole('table').first().waitFor()
    await screenshot(page, '08-route-try')

    const routes = await api<Array<{ name: string; nodes: Array<{ api_id: number }> }>>(
      'GET',
      '/api/model-routes',
    )
    expect(routes.find((r) => r.name === routeName)?.nodes[0]?.api_id).toBe(provider.id)
  })

  it('sets one strategy per route, shows it in the list, and tries a selection without moving the rotation', async () => {
    const up = await seedProvider(uniqueName('Up'))
    const held = await seedProvider(uniqueName('Held'))
    await api('PATCH', `/api/providers/${held.id}/health`, { is_healthy: false })
    const routeName = uniqueName('strategy').replace(/\s/g, '-')
    const page = await browser.page()
    await page.goto('/routes')
    await page.getByRole('button', { name: 'Add route' }).first().click()
    await page.getByLabel('Route name').fill(routeName)
    await pickOption(page, 'Strategy', 'Weighted')
    await formItem(page, 'Strategy')
      .getByText("in proportion to each node's weight", { exact: false })
      .waitFor()
    await page.getByRole('button', { name: 'Add node' }).click()
    await pickOption(page, 'Provider for node 1', held.name)
    await page.getByRole('button', { name: 'Add node' }).click()
    await pickOption(page, 'Provider for node 2', up.name)
    await page.getByLabel('Weight for node 2').fill('3')
    await page.getByRole('button', { name: 'Create route' }).click()

    const row = tableRow(page, routeName)
    await row.getByText('Weighted', { exact: true }).waitFor()
    const routes = await api<
      Array<{
        id: number
        name: string
        config: Record<string, unknown>
        nodes: Array<{ weight: number; strategy: string }>
      }>
    >('GET', '/api/model-routes')
    const saved = routes.find((r) => r.name === routeName)
    expect(saved?.config.strategy).toBe('weighted')
    expect(saved?.nodes.map((n) => n.weight)).toEqual([1, 3])

    await page.getByRole('button', { name: `Try ${routeName}` }).click()
    await page.getByRole('button', { name: 'Try selection' }).click()
    await page.getByTestId('selection-result').getByText(up.name).waitFor()
    const skipped = page.getByRole('region', { name: 'Skipped nodes' })
    await tableRow(skipped, held.name).getByText('provider held unhealthy').waitFor()
    await screenshot(page, '08b-route-try-skipped')
    const state = await api<{ state: { groups: Array<{ nodes: Array<{ credit: number }> }> } }>(
      'GET',
      `/api/model-routes/${saved?.id}/state`,
    )
    // a dry run: the weighted credits did not move
    expect(state.state.groups[0]?.nodes.map((n) => n.credit)).toEqual([0, 0])
  })

  it('turns session affinity on with its settings, and off again', async () => {
    const provider = await seedProvider(uniqueName('Sticky'))
    const routeName = uniqueName('sticky').replace(/\s/g, '-')
    const page = await browser.page()
    await page.goto('/routes')
    await page.getByRole('button', { name: 'Add route' }).first().click()
    await page.getByLabel('Route name').fill(routeName)
    await page.getByRole('button', { name: 'Add node' }).click()
    await pickOption(page, 'Provider for node 1', provider.name)
    // off by default: the settings appear when it is turned on, each with its one-line explanation
    await expect(page.getByText('Session key from', { exact: true }).count()).resolves.toBe(0)
    await page.getByRole('switch', { name: 'Session affinity' }).click()
    await formItem(page, 'Session affinity').getByText('prompt cache', { exact: false }).waitFor()
    await page.getByText('first one a request carries wins', { exact: false }).waitFor()
    await page.getByRole('switch', { name: 'Hash the first messages' }).click()
    await pickOption(page, 'When a stream breaks mid-answer', 'Continue on any node')
    await screenshot(page, '07c-route-affinity')
    await page.getByRole('button', { name: 'Create route' }).click()
    await tableRow(page, routeName).getByText(provider.name, { exact: false }).waitFor()

    type Saved = { id: number; name: string; config: Record<string, unknown> }
    const saved = async () =>
      (await api<Saved[]>('GET', '/api/model-routes')).find((r) => r.name === routeName)
    expect((await saved())?.config.affinity).toEqual({
      enabled: true,
      sources: ['x-session-id', 'prompt_cache_key', 'user', 'safety_identifier', 'metadata.user_id'],
      hash_messages: true,
    })
    expect((await saved())?.config.stream_recovery).toBe('continue')
    const state = await api<{ state: { affinity: { enabled: boolean; bindings: number } } }>(
      'GET',
      `/api/model-routes/${(await saved())?.id}/state`,
    )
    expect(state.state.affinity).toMatchObject({ enabled: true, bindings: 0 })

    // the try panel asks for a session id and says how affinity chose
    await page.getByRole('button', { name: `Try ${routeName}` }).click()
    await page.getByLabel('Session id (optional)').fill('conversation-1')
    await page.getByRole('button', { name: 'Try selection' }).click()
    await page
      .getByTestId('selection-result')
      .getByText("The session has no binding yet: the session's hash chose", { exact: false })
      .waitFor()
    await page.getByRole('region', { name: 'Route state' }).getByText('Sessions bound').waitFor()
    await page.goto('/routes')

    await page.getByRole('button', { name: `Edit ${routeName}` }).click()
    const toggle = page.getByRole('switch', { name: 'Session affinity' })
    await expect(toggle.getAttribute('aria-checked')).resolves.toBe('true')
    await toggle.click()
    await formItem(page, 'When a stream breaks mid-answer').getByText('Continue on any node').waitFor()
    await pickOption(page, 'When a stream breaks mid-answer', 'Continue on a node serving the same model')
    await page.getByRole('button', { name: 'Save changes' }).click()
    await page.getByRole('button', { name: 'Save changes' }).waitFor({ state: 'detached' })
    expect((await saved())?.config.affinity).toBeUndefined()
    // the default is no key at all
    expect((await saved())?.config).not.toHaveProperty('stream_recovery')
  })

  it('orders nodes and picks models per node in the editor', async () => {
    const first = await seedProvider(uniqueName('Primary'))
    const second = await api<{ id: number; name: string }>('POST', '/api/providers', {
      name: uniqueName('Secondary'),
      base_url: inject('fakeProviderURL'),
      models: ['gpt-e2e', 'gpt-e2e-mini'],
    })
    const routeName = uniqueName('ordered').replace(/\s/g, '-')
    const page = await browser.page()
    await page.goto('/routes')
    await page.getByRole('button', { name: 'Add route' }).first().click()
    await page.getByLabel('Route name').fill(routeName)
    await page.getByRole('button', { name: 'Add node' }).click()
    await pickOption(page, 'Provider for node 1', first.name)
    await page.getByRole('button', { name: 'Add node' }).click()
    await pickOption(page, 'Provider for node 2', second.name)
    // The model picker offers the chosen provider's models.
    await pickMany(page, 'Models for node 2', ['gpt-e2e-mini'])
    await page.getByRole('button', { name: 'Move node 2 up' }).click()
    await formItem(page, 'Provider for node 1').getByText(second.name).waitFor()
    await formItem(page, 'Models for node 1').getByText('gpt-e2e-mini').waitFor()
    await formItem(page, 'Provider for node 2').getByText(first.name).waitFor()
    expect(await page.getByRole('button', { name: 'Move node 1 up' }).isDisabled()).toBe(true)
    expect(await page.getByRole('button', { name: 'Move node 2 down' }).isDisabled()).toBe(true)
    await screenshot(page, '07b-route-nodes-ordered')
    await page.getByRole('button', { name: 'Create route' }).click()
    await tableRow(page, routeName).getByText(`${second.name} · gpt-e2e-mini`, { exact: false }).waitFor()

    const routes = await api<Array<{ name: string; nodes: Array<{ api_id: number; models: string[] }> }>>(
      'GET',
      '/api/model-routes',
    )
    const saved = routes.find((r) => r.name === routeName)
    expect(saved?.nodes.map((n) => n.api_id)).toEqual([second.id, first.id])
    expect(saved?.nodes[0]?.models).toEqual(['gpt-e2e-mini'])
    expect(saved?.nodes[1]?.models).toEqual([])
  })

  it('marks a node whose provider is held unhealthy', async () => {
    const provider = await seedProvider(uniqueName('Held'))
    const routeName = uniqueName('held-route').replace(/\s/g, '-')
    await seedRoute(routeName, provider.id)
    await api('PATCH', `/api/providers/${provider.id}/health`, { is_healthy: false })
    const page = await browser.page()
    await page.goto('/routes')
    await tableRow(page, routeName).getByText('held unhealthy', { exact: false }).waitFor()
  })

  it('lists routes', async () => {
    const page = await browser.page()
    await page.goto('/routes')
    await page.getByRole('heading', { name: 'Routes' }).waitFor()
    await page.locator('.n-data-table, .n-empty').first().waitFor()
    await screenshot(page, '09-routes')
  })
})
