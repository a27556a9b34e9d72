import { describe, expect, it } from 'vitest'
import { api, uniqueName } from './support/api'
import { screenshot, useBrowser } from './support/browser'
import { tableRow } from './support/pages'

describe('client keys', () => {
  const browser = useBrowser()

  it('creates a key shown once, lists it and revokes it', async () => {
    const name = uniqueName('ci-bot').replace(/\s/g, '-')
    const page = await browser.page()
    await page.goto('/keys')
    await page.getByLabel('Key name').fill(name)
    await page.getByRole('button', { name: 'Create key' }).click()
    const shown = page.getByLabel(`Key for ${name}`)
    await shown.waitFor()
    const key = await shown.inputValue()
    expect(key).toMatch(/^sb-.{32,}/)
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
})
