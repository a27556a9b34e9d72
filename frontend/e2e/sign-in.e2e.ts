import { describe, expect, inject, it } from 'vitest'
import { expectFailure, screenshot, useBrowser } from './support/browser'

describe('sign-in', () => {
  const browser = useBrowser()

  it('asks for the admin token before any /api request and lets the user in with it', async () => {
    const page = await browser.page({ signedIn: false })
    const asked: string[] = []
    page.on('request', (request) => asked.push(new URL(request.url()).pathname))
    await page.goto('/')
    const token = page.getByLabel('Admin token')
    await token.waitFor()
    expect(new URL(page.url()).pathname).toBe('/sign-in')
    // /ping said a token is needed: the page knew without earning a 401 from /api.
    expect(asked).toContain('/ping')
    expect(asked.filter((path) => path.startsWith('/api'))).toEqual([])
    await screenshot(page, '01-sign-in')

    await token.fill('not-the-token')
    expectFailure(page, { method: 'GET', path: '/api/providers', status: 401 })
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByText('That token was refused').waitFor()
    await screenshot(page, '01b-sign-in-refused')

    await token.fill(inject('adminToken'))
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('heading', { name: 'Providers' }).waitFor()
    expect(new URL(page.url()).pathname).toBe('/')
  })

  it('sends a signed-in user back to sign-in when the stored token has gone stale', async () => {
    const page = await browser.page({ signedIn: false })
    await page.addInitScript(() => window.sessionStorage.setItem('switchboard.adminToken', 'stale-token'))
    expectFailure(page, { method: 'GET', path: '/api/providers', status: 401 })
    await page.goto('/')
    await page.getByLabel('Admin token').waitFor()
    expect(new URL(page.url()).searchParams.get('redirect')).toBe('/')
  })
})
