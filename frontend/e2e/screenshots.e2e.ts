import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { seedProvider, seedRoute, uniqueName } from './support/api'
import { useBrowser } from './support/browser'

/** Every page at 1440×900 and 390×844, into e2e/screenshots/ (git-ignored), looked at before a UI change lands. */
const screenshotsDir = resolve(import.meta.dirname, 'screenshots')

const pages = [
  { path: '/', heading: 'Providers' },
  { path: '/routes', heading: 'Routes' },
  { path: '/keys', heading: 'Client keys' },
  { path: '/observability', heading: 'Observability' },
  { path: '/playground', heading: 'Playground' },
  { path: '/backup', heading: 'Backup' },
]
const sizes = [
  { width: 1440, height: 900 },
  { width: 390, height: 844 },
]

describe('screenshots of every page', () => {
  const browser = useBrowser()

  for (const size of sizes) {
    it(`shows every page at ${size.width} px without the page scrolling sideways`, async () => {
      const provider = await seedProvider()
      await seedRoute(uniqueName('shot').replace(/\s/g, '-'), provider.id)
      mkdirSync(screenshotsDir, { recursive: true })
      const page = await browser.page(size)
      for (const { path, heading } of pages) {
        await page.goto(path)
        await page.getByRole('heading', { name: heading, level: 1 }).waitFor()
        await page.waitForLoadState('networkidle')
        // The menu and wide tables scroll inside their own frames; the page itself never does.
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
        expect(overflow, `${path} at ${size.width} px`).toBeLessThanOrEqual(0)
        const name = `${path === '/' ? 'providers' : path.slice(1)}-${size.width}`
        await page.screenshot({
          path: join(screenshotsDir, `${name}.png`),
          fullPage: true,
          animations: 'disabled',
        })
      }
      const signIn = await browser.page({ ...size, signedIn: false })
      await signIn.goto('/sign-in')
      await signIn.getByRole('button', { name: /sign in/i }).waitFor()
      await signIn.screenshot({ path: join(screenshotsDir, `sign-in-${size.width}.png`), fullPage: true })
    })
  }
})
