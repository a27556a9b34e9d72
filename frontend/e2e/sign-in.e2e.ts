import { describe, expect, inject, it } from 'vitest'
import { screenshot, useBrowser } from './support/browser'

describe('sign-in', () => {
  const browser = useBrowser()

  it('asks for the admin token when the API answers 401 and lets the user in with it', async () => {
    const page = await browser.page({ signedIn: false })
    await page.goto('/')
    const token = page.getByLabel('Admin token')
    await token.waitFor()
    expect(new URL(page.url()).pathname).toBe('/sign-in')
    await screenshot(page, '01-sign-in')

    await token.fill('not-the-token')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByText('That token was refused').waitFor()
    await screenshot(page, '01b-sign-in-refused')

    await token.fill(inject('adminToken'))
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('heading', { name: 'Providers' }).waitFor()
    expect(new URL(page.url()).pathname).toBe('/')
  })
})
