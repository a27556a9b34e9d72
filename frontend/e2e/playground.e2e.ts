import { describe, expect, it } from 'vitest'
import { api, seedProvider, seedRoute, uniqueName } from './support/api'
import { screenshot, useBrowser } from './support/browser'
import { pickOption } from './support/pages'

describe('playground', () => {
  const browser = useBrowser()

  it('streams an answer through a route and shows who answered, the attempts, first token and usage', async () => {
    const provider = await seedProvider()
    const routeName = uniqueName('play').replace(/\s/g, '-')
    await seedRoute(routeName, provider.id)
    const page = await browser.page()
    await page.goto('/playground')
    await pickOption(page, 'Route or model', routeName)
    await page.getByLabel('Prompt').fill('ping')
    await page.getByRole('button', { name: 'Send' }).click()
    await page.getByTestId('playground-answer').getByText('pong', { exact: true }).waitFor()
    const facts = page.getByTestId('playground-facts')
    await facts.getByText(`${provider.name} (#${provider.id})`).waitFor()
    await facts.getByText('5 prompt + 2 completion = 7 tokens').waitFor()
    const text = (await facts.textContent()) ?? ''
    expect(text).toMatch(/Attempts:?\s*1/)
    expect(text).toMatch(/Time to first token:?\s*[\d.]+\s*(ms|s)/)
    expect(text).toMatch(/Status:?\s*200/)
    await screenshot(page, '16-playground')
  })

  it('sends as a client key through /v1 when one is typed in, and counts its use', async () => {
    await seedProvider()
    const name = uniqueName('play-key').replace(/\s/g, '-')
    const created = await api<{ id: number; key: string }>('POST', '/api/keys', { name })
    const page = await browser.page()
    await page.goto('/playground')
    await pickOption(page, 'Route or model', 'gpt-e2e')
    await page.getByText('A client key').click()
    await page.getByLabel('Client key', { exact: true }).fill(created.key)
    await page.getByRole('checkbox', { name: 'Stream' }).click()
    const sent = page.waitForRequest((r) => r.url().endsWith('/v1/chat/completions'))
    await page.getByRole('button', { name: 'Send' }).click()
    expect((await sent).headers().authorization).toBe(`Bearer ${created.key}`)
    await page.getByTestId('playground-answer').getByText('pong', { exact: true }).waitFor()
    const keys = await api<Array<{ id: number; last_used_at: string | null }>>('GET', '/api/keys')
    expect(keys.find((k) => k.id === created.id)?.last_used_at).toBeTruthy()
  })
})
