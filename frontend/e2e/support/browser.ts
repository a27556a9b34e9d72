import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { type Browser, chromium, type Page, type Request } from 'playwright-core'
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
  watchPage(page)
  return page
}

/**
 * A failed request a test causes on purpose: `status` for an HTTP answer of 400 or more,
 * `'network'` for a request that got no answer (refused, aborted by a route).
 */
export interface ExpectedFailure {
  method?: string
  /** The URL's path, or a pattern it matches. */
  path: string | RegExp
  status: number | 'network'
}

interface Watch {
  expected: Array<{ failure: ExpectedFailure; seen: boolean }>
  /** URLs of the failures that were expected: the browser's own "Failed to load resource" line for them is too. */
  expectedUrls: Set<string>
  problems: string[]
  /** Console errors with the URL they are about, judged at the end (they may come before the response). */
  consoleErrors: Array<{ text: string; url: string }>
}

const watches = new WeakMap<Page, Watch>()

function describeRequest(request: Request): string {
  return `${request.method()} ${new URL(request.url()).pathname}`
}

function claim(watch: Watch, request: Request, status: number | 'network'): boolean {
  const path = new URL(request.url()).pathname
  const match = watch.expected.find(
    ({ failure }) =>
      failure.status === status &&
      (failure.method === undefined || failure.method === request.method()) &&
      (typeof failure.path === 'string' ? failure.path === path : failure.path.test(path)),
  )
  if (!match) return false
  match.seen = true
  watch.expectedUrls.add(request.url())
  return true
}

/**
 * The UI standard: a page shows no console error and makes no failed request. Everything the
 * browser reports is noted here, and useBrowser fails the test on anything not expected.
 */
function watchPage(page: Page): void {
  const watch: Watch = { expected: [], expectedUrls: new Set(), problems: [], consoleErrors: [] }
  watches.set(page, watch)
  page.on('pageerror', (err) => watch.problems.push(`uncaught error: ${err.message}`))
  page.on('response', (response) => {
    const status = response.status()
    if (status < 400 || claim(watch, response.request(), status)) return
    watch.problems.push(`failed request: ${describeRequest(response.request())} answered ${status}`)
  })
  page.on('requestfailed', (request) => {
    const reason = request.failure()?.errorText ?? 'failed'
    // Leaving a page cancels what it was still loading: not a failure of the page.
    if (reason === 'net::ERR_ABORTED' || claim(watch, request, 'network')) return
    watch.problems.push(`failed request: ${describeRequest(request)} (${reason})`)
  })
  page.on('console', (message) => {
    if (message.type() === 'error')
      watch.consoleErrors.push({ text: message.text(), url: message.location().url })
  })
}

/** Declares a failed request the test is about to cause; from now on it is expected, and must happen. */
export function expectFailure(page: Page, failure: ExpectedFailure): void {
  const watch = watches.get(page)
  if (!watch) throw new Error('expectFailure: not a page opened by useBrowser')
  watch.expected.push({ failure, seen: false })
}

/** What the page did that the UI standard forbids, and the expected failures that never came. */
export function pageProblems(page: Page): string[] {
  const watch = watches.get(page)
  if (!watch) return []
  const missing = watch.expected
    .filter((e) => !e.seen)
    .map(
      ({ failure }) =>
        `expected failure did not happen: ${failure.method ?? '*'} ${failure.path} ${failure.status}`,
    )
  const consoleErrors = watch.consoleErrors
    .filter(({ text, url }) => !(text.startsWith('Failed to load resource') && watch.expectedUrls.has(url)))
    .map(({ text }) => `console error: ${text}`)
  return [...watch.problems, ...consoleErrors, ...missing]
}

/** The problems noted so far, forgotten once read: for the tests of this watch itself. */
export function takeProblems(page: Page): string[] {
  const problems = pageProblems(page)
  const watch = watches.get(page)
  if (watch) {
    watch.problems = []
    watch.consoleErrors = []
    watch.expected = []
  }
  return problems
}

/** Full-page screenshot into e2e/artifacts/<name>.png, after animations settle. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(artifactsDir, { recursive: true })
  await page.screenshot({ path: join(artifactsDir, `${name}.png`), fullPage: true, animations: 'disabled' })
}

/**
 * beforeAll/afterAll/afterEach for a spec file: one browser, a fresh page per test, a screenshot of
 * any page a failed test left open (FAILED-<test>.png) before it is closed, and a failed test for
 * any page that logged a console error or made a failed request the test did not expect.
 */
export function useBrowser() {
  let browser: Browser | undefined
  const open = new Set<Page>()

  beforeAll(async () => {
    browser = await launchBrowser()
  })
  afterEach(async (context) => {
    const failed = context.task.result?.state === 'fail'
    const problems = [...open].flatMap(pageProblems)
    for (const page of open) {
      if ((failed || problems.length > 0) && !page.isClosed()) {
        await screenshot(page, `FAILED-${context.task.name.replace(/[^\w-]+/g, '-').slice(0, 60)}`)
      }
      await page.context().close()
    }
    open.clear()
    if (problems.length > 0) throw new Error(`the page broke the UI standard:\n  ${problems.join('\n  ')}`)
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
