import { describe, expect, it } from 'vitest'
import { expectFailure, pageProblems, takeProblems, useBrowser } from './support/browser'

/** The watch every browser test runs under must see what it is there to see. */
describe('the UI standard watch', () => {
  const browser = useBrowser()

  it('notes a console error, an uncaught error and a failed request nobody expected', async () => {
    const page = await browser.page()
    await page.goto('/')
    await page.getByRole('heading', { name: 'Providers' }).waitFor()
    expect(pageProblems(page)).toEqual([])

    await page.evaluate(async () => {
      console.error('something broke')
      setTimeout(() => {
        throw new Error('thrown later')
      })
      await fetch('/api/providers/2147483647', {
        headers: { Authorization: `Bearer ${sessionStorage.getItem('switchboard.adminToken')}` },
      })
    })
    await expect
      .poll(() => pageProblems(page), { timeout: 5000 })
      .toEqual(
        expect.arrayContaining([
          'console error: something broke',
          'uncaught error: thrown later',
          'failed request: GET /api/providers/2147483647 answered 404',
        ]),
      )
    takeProblems(page) // seen: this test is about them
  })

  it('lets an expected failure and the browser line about it pass, and notes one that never came', async () => {
    const page = await browser.page()
    await page.goto('/')
    await page.getByRole('heading', { name: 'Providers' }).waitFor()
    expectFailure(page, { method: 'GET', path: '/api/providers/2147483647', status: 404 })
    expectFailure(page, { method: 'DELETE', path: '/api/keys/1', status: 404 })
    await page.evaluate(() =>
      fetch('/api/providers/2147483647', {
        headers: { Authorization: `Bearer ${sessionStorage.getItem('switchboard.adminToken')}` },
      }),
    )
    expect(pageProblems(page)).toEqual(['expected failure did not happen: DELETE /api/keys/1 404'])
    takeProblems(page)
  })
})
