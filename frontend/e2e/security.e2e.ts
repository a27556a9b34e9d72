import { describe, expect, it } from 'vitest'
import { pageProblems, screenshot, useBrowser } from './support/browser'

/** Issue 11, item 12b: the backend alone (no nginx) sends the security headers, and its pages obey them. */
describe('security headers served by the backend', () => {
  const browser = useBrowser()

  it('sends CSP, X-Frame-Options, nosniff and Referrer-Policy with the UI', async () => {
    const page = await browser.page()
    const response = await page.goto('/providers')
    expect(response?.status()).toBe(200)
    const headers = response?.headers() ?? {}
    expect(headers['content-security-policy']).toContain("script-src 'self'")
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'")
    expect(headers['x-frame-options']).toBe('DENY')
    expect(headers['x-content-type-options']).toBe('nosniff')
    expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin')
    await page.getByRole('heading', { name: 'Providers' }).waitFor()
    expect(pageProblems(page)).toEqual([])
  })

  it('renders /docs under the policy, past "Loading", with every endpoint listed', async () => {
    const page = await browser.page()
    const response = await page.goto('/docs/')
    expect(response?.headers()['content-security-policy']).toContain("default-src 'self'")
    await page.locator('.swagger-ui .info .title').waitFor()
    await page.locator('.opblock-summary-path', { hasText: '/api/providers' }).first().waitFor()
    await page.locator('.opblock-summary-path', { hasText: '/v1/chat/completions' }).first().waitFor()
    expect(await page.locator('.swagger-ui .loading-container').count()).toBe(0)
    await screenshot(page, '90-docs')
    expect(pageProblems(page)).toEqual([])
  })

  it('links /docs from the menu, and /docs without the slash loads with the /v1 schemas', async () => {
    const page = await browser.page()
    await page.goto('/')
    const link = page.getByRole('link', { name: 'API docs ↗' })
    expect(await link.getAttribute('href')).toBe('/docs')
    await page.goto('/docs')
    await page.locator('.opblock-summary-path', { hasText: '/v1/chat/completions' }).first().click()
    await page.getByText('ChatCompletionRequest', { exact: false }).first().waitFor()
    expect(await page.locator('.swagger-ui .loading-container').count()).toBe(0)
    await screenshot(page, '91-docs-chat-completions')
    expect(pageProblems(page)).toEqual([])
  })
})
