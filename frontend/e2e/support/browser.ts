import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { type Browser, chromium, type Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, inject } from 'vitest'
import { artifactsDir } from './backend'

const CHROMIUM = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium'

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  })
}

/**
 * Console errors and uncaught exceptions per page. A test fails on any of them (a CSP violation is
 * one: "Refused to load…"), except Chromium's line for a request that failed or answered an error
 * status, which the tests of error paths (a refused token, an unreachable server) cause on purpose.
 */
const consoleErrors = new WeakMap<Page, string[]>()
const NETWORK_STATUS = /^Failed to load resource: (the server responded with a status of [45]\d\d|net::ERR_)/

export function unexpectedConsoleErrors(page: Page): string[] {
  return (consoleErrors.get(page) ?? []).filter((text) => !NETWORK_STATUS.test(text))
}

export interface PageOptions {
  signedIn?: boolean
  width?: number
  height?: number
}

/** A fresh context (own sessionStorage) at 1280×800, signed in unless told otherwise. */
export async function openPage(browser: Browser, options: PageOptions = {}): Promise<Page> {
  const context = await browser.newContext({
    baseURL: inject('baseURL'),
    viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
    acceptDownloads: true,
  })
  context.setDefaultTimeout(10_000)
  if (options.signedIn !== false) {
    const token = inject('adminToken')
    await context.addInitScript((t: string) => {
      window.sessionStorage.setItem('switchboard.adminToken', t)
    }, token)
  }
  const page = await context.newPage()
  const errors: string[] = []
  consoleErrors.set(page, errors)
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text())
  })
  page.on('pageerror', (err) => {
    console.error(`[browser] ${err.message}`)
    errors.push(`uncaught: ${err.message}`)
  })
  return page
}

/** Full-page screenshot into e2e/artifacts/<name>.png, after animations settle. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(artifactsDir, { recursive: true })
  await page.screenshot({ path: join(artifactsDir, `${name}.png`), fullPage: true, animations: 'disabled' })
}

/**
 * beforeAll/afterAll/afterEach for a spec file: one browser, a fresh page per test, and a
 * screenshot of any page a failed test left open (FAILED-<test>.png) before it is closed.
 */
export function useBrowser() {
  let browser: Browser | undefined
  const open = new Set<Page>()

  beforeAll(async () => {
    browser = await launchBrowser()
  })
  afterEach(async (context) => {
    const failed = context.task.result?.state === 'fail'
    const errors: string[] = []
    for (const page of open) {
      errors.push(...unexpectedConsoleErrors(page))
      if (failed && !page.isClosed()) {
        await screenshot(page, `FAILED-${context.task.name.replace(/[^\w-]+/g, '-').slice(0, 60)}`)
      }
      await page.context().close()
    }
    open.clear()
    if (errors.length > 0) throw new Error(`console errors in the browser:\n${errors.join('\n')}`)
  })
  afterAll(async () => {
    await browser?.close()
  })

  return {
    async page(options: PageOptions = {}): Promise<Page> {
      if (!browser) throw new Error('browser not launched')
      const page = await openPage(browser, options)
      open.add(page)
      return page
    },
  }
}
