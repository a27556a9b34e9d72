import type { Locator, Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { api, seedProvider, seedRoute, uniqueName } from './support/api'
import { useBrowser } from './support/browser'

const WIDTH = 390
const pages = [
  { path: '/', heading: 'Providers' },
  { path: '/routes', heading: 'Routes' },
  { path: '/keys', heading: 'Client keys' },
  { path: '/observability', heading: 'Observability' },
  { path: '/usage', heading: 'Usage' },
  { path: '/requests', heading: 'Requests' },
  { path: '/playground', heading: 'Playground' },
  { path: '/backup', heading: 'Backup' },
]

/** True when the element lies wholly inside the window's width (not cut, not off to the right). */
async function isInsideWidth(locator: Locator): Promise<boolean> {
  const box = await locator.boundingBox()
  return box !== null && box.x >= 0 && box.x + box.width <= WIDTH + 0.5
}

async function outlineOf(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null
    return el ? getComputedStyle(el).outlineStyle : 'none'
  })
}

describe('at 390 px', () => {
  const browser = useBrowser()

  it('keeps every page inside the window: no sideways scroll, every menu entry and card whole', async () => {
    const provider = await seedProvider()
    await seedRoute(uniqueName('mob').replace(/\s/g, '-'), provider.id)
    const page = await browser.page({ width: WIDTH, height: 844 })
    for (const { path, heading } of pages) {
      await page.goto(path)
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor()
      await page.waitForLoadState('networkidle')
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
      expect(overflow, `${path} scrolls sideways`).toBeLessThanOrEqual(0)
      const nav = page.getByRole('navigation', { name: 'Main' }).getByRole('link')
      for (const link of await nav.all()) {
        expect(await isInsideWidth(link), `${path}: menu entry ${await link.textContent()}`).toBe(true)
      }
      // cards (and what they hold) may scroll inside, never stick out of the window
      for (const card of await page.locator('.n-card').all()) {
        expect(await isInsideWidth(card), `${path}: a card sticks out`).toBe(true)
      }
    }
  })

  it('keeps Revoke on screen in the keys table', async () => {
    const name = uniqueName('mobile-key').replace(/\s/g, '-')
    await api('POST', '/api/keys', { name })
    const page = await browser.page({ width: WIDTH, height: 844 })
    await page.goto('/keys')
    const revoke = page.getByRole('button', { name: `Revoke ${name}` })
    await revoke.waitFor()
    expect(await isInsideWidth(revoke)).toBe(true)
  })

  it('keeps the nodes and the buttons of a route on screen in the routes table', async () => {
    const provider = await seedProvider()
    const name = uniqueName('mobile-route').replace(/\s/g, '-')
    await seedRoute(name, provider.id)
    const page = await browser.page({ width: WIDTH, height: 844 })
    await page.goto('/routes')
    const remove = page.getByRole('button', { name: `Delete ${name}` })
    await remove.waitFor()
    // the table lays out after the data arrives: poll until it settles
    await expect.poll(() => isInsideWidth(remove)).toBe(true)
    await expect.poll(() => isInsideWidth(page.getByRole('button', { name: `Try ${name}` }))).toBe(true)
    const row = page.locator('tr', { has: remove })
    const node = row.locator('.n-tag', { hasText: provider.name })
    await node.waitFor()
    await expect.poll(() => isInsideWidth(node)).toBe(true)
  })

  it('opens a row expander from the keyboard, with a visible focus ring', async () => {
    const provider = await seedProvider()
    const page = await browser.page({ width: WIDTH, height: 844 })
    await page.goto('/')
    const expander = page.getByRole('button', { name: `Show details of ${provider.name}` })
    await expander.waitFor()
    // Tab until the expander has the focus, as a keyboard user would reach it
    // bounded: other tests' providers may come first on the shared e2e server
    for (let i = 0; i < 400; i++) {
      await page.keyboard.press('Tab')
      if (await expander.evaluate((el) => el === document.activeElement)) break
    }
    expect(await expander.evaluate((el) => el === document.activeElement)).toBe(true)
    expect(await outlineOf(page)).not.toBe('none')
    await page.keyboard.press('Enter')
    await page.getByRole('button', { name: `Hide details of ${provider.name}` }).waitFor()
    expect(
      await page
        .getByRole('button', { name: `Hide details of ${provider.name}` })
        .getAttribute('aria-expanded'),
    ).toBe('true')
  })
})
