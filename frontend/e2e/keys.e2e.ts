import { describe, expect, inject, it } from 'vitest'
import { api, seedProvider, uniqueName } from './support/api'
import { screenshot, useBrowser } from './support/browser'
import { dialog, tableRow } from './support/pages'

describe('client keys', () => {
  const browser = useBrowser()

  it('creates a key shown once, lists it and revokes it', async () => {
    await seedProvider()
    const name = uniqueName('ci-bot').replace(/\s/g, '-')
    const page = await browser.page()
    await page.goto('/keys')
    await page.getByLabel('Key name').fill(name)
    await page.getByRole('button', { name: 'Create key' }).click()
    const shown = page.getByLabel(`Key for ${name}`)
    await shown.waitFor()
    const key = await shown.inputValue()
    expect(key).toMatch(/^sb-.{32,}/)
    // Ready-to-copy calls with this server's base URL and the new key; the curl one works as shown.
    const snippets = page.getByTestId('code-snippets')
    const curl = (await snippets.getByLabel('curl example', { exact: true }).textContent()) ?? ''
    const baseURL = inject('baseURL')
    expect(curl).toContain(`'${baseURL}/v1/chat/completions'`)
    expect(curl).toContain(`Authorization: Bearer ${key}`)
    const body = JSON.parse(/-d '(.+)'$/m.exec(curl)?.[1] ?? '{}') as { model?: string; messages?: unknown[] }
    expect(body.model).toEqual(expect.any(String))
    expect(body.messages?.length).toBeGreaterThan(0)
    // The snippet names the first model the gateway lists; on this shared e2e server that may be one
    // whose provider another test holds unhealthy, so the call goes to the model seeded above.
    const answer = await fetch(`${baseURL}/v1/chat/completions`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...body, model: 'gpt-e2e' }),
    })
    expect(answer.status).toBe(200)
    await snippets.locator('.n-tabs-tab', { hasText: 'Python' }).click()
    expect(await snippets.getByLabel('Python example', { exact: true }).textContent()).toContain(
      `base_url="${baseURL}/v1"`,
    )
    await snippets.locator('.n-tabs-tab', { hasText: 'TypeScript' }).click()
    expect(await snippets.getByLabel('TypeScript example', { exact: true }).textContent()).toContain(
      `apiKey: "${key}"`,
    )
    await screenshot(page, '10-key-created')
    await page.getByRole('button', { name: 'Done' }).click()

    const row = tableRow(page, name)
    await row.waitFor()
    expect(await row.textContent()).not.toContain(key)
    await screenshot(page, '11-keys')

    await page.getByRole('button', { name: `Revoke ${name}` }).click()
    await page.getByRole('button', { name: 'Revoke', exact: true }).click()
    await row.waitFor({ state: 'detached' })
    const keys = await api<Array<{ name: string }>>('GET', '/api/keys')
    expect(keys.some((k) => k.name === name)).toBe(false)
  })

  it("sets a key's limits, refuses a bad one beside its field, and shows live consumption bars", async () => {
    await seedProvider()
    const name = uniqueName('limited').replace(/\s/g, '-')
    const { key } = await api<{ key: string }>('POST', '/api/keys', { name })
    const page = await browser.page()
    await page.goto('/keys')
    await page.getByRole('button', { name: `Limits of ${name}` }).click()
    const form = dialog(page)
    await form.getByLabel('Requests per minute').fill('0')
    await form.getByRole('button', { name: 'Save limits' }).click()
    await form.getByText('A whole number of at least 1').waitFor()
    await form.getByLabel('Requests per minute').fill('2')
    await form.getByLabel('Allowed models').fill('gpt-e2e')
    await form.getByRole('button', { name: 'Save limits' }).click()
    await form.waitFor({ state: 'detached' })
    const saved = (
      await api<Array<{ name: string; requests_per_minute: number | null; allowed_models: string[] | null }>>(
        'GET',
        '/api/keys',
      )
    ).find((k) => k.name === name)
    expect(saved).toMatchObject({ requests_per_minute: 2, allowed_models: ['gpt-e2e'] })

    const call = (model: string) =>
      fetch(`${inject('baseURL')}/v1/chat/completions`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ model, messages: [{ role: 'user', content: 'ping' }], max_tokens: 5 }),
      })
    expect((await call('gpt-other')).status).toBe(403)
    // the limits count in whole clock minutes: a minute that ended between the calls and the bar's
    // next read would show 0 used, so the calls start with at least 25 s of their minute left
    await untilMinuteHas(25_000)
    // two a minute: a third is refused (a minute that ends meanwhile lets at most two more through)
    const statuses: number[] = []
    for (let i = 0; i < 5 && !statuses.includes(429); i++) statuses.push((await call('gpt-e2e')).status)
    expect(statuses).toContain(429)
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(4)
    const refused = await call('gpt-e2e')
    expect(refused.headers.get('retry-after')).toBeTruthy()
    expect(refused.headers.get('x-ratelimit-limit-requests')).toBe('2')

    // the list reads itself again every few seconds: the bar fills without a reload (1 or 2 used:
    // a minute that ended meanwhile started a new count)
    const bar = page.getByRole('progressbar', {
      name: new RegExp(`Requests of ${name}: [12] / 2 requests this minute`),
    })
    await bar.waitFor({ timeout: 15_000 })
    expect(await tableRow(page, name).textContent()).toMatch(/[12] \/ 2 requests this minute/)
    await screenshot(page, '12-key-limits')
  })
})

/** Waits, if need be, for the next clock minute, so that at least `ms` of the current one is left. */
async function untilMinuteHas(ms: number): Promise<void> {
  const left = () => 60_000 - (Date.now() % 60_000)
  if (left() >= ms) return
  const deadline = Date.now() + left() + 1000
  while (left() < ms && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200))
}
