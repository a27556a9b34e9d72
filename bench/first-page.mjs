#!/usr/bin/env node
// What a browser transfers to show the first page (/ → Providers): starts the built server
// (backend/dist, frontend/dist) on a temporary SQLite file, opens / in /usr/bin/chromium and adds up
// the bytes on the wire (CDP's encodedDataLength: compressed size plus headers) of every response.
//   node bench/first-page.mjs            (npm run build first)
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { chromium } from 'playwright-core'

const root = resolve(import.meta.dirname, '..')
const port = await new Promise((done) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const p = s.address().port
    s.close(() => done(p))
  })
})
const dir = mkdtempSync(join(tmpdir(), 'switchboard-first-page-'))
const server = spawn(process.execPath, [join(root, 'backend', 'dist', 'main.js')], {
  env: {
    ...process.env,
    BACKEND_HOST: '127.0.0.1',
    BACKEND_PORT: String(port),
    BACKEND_DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}`,
    BACKEND_BACKUP_FILE: join(dir, 'backup.json'),
    BACKEND_LOG_DIR: join(dir, 'logs'),
    BACKEND_HEALTH_CHECK_ENABLED: 'false',
  },
  stdio: 'ignore',
})
const base = `http://127.0.0.1:${port}`
try {
  const deadline = Date.now() + 30_000
  for (;;) {
    try {
      if ((await fetch(`${base}/ping`)).ok) break
    } catch {}
    if (Date.now() > deadline) throw new Error('server did not start')
    await new Promise((r) => setTimeout(r, 100))
  }
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] })
  const page = await browser.newPage()
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Network.enable')
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true })
  const urls = new Map()
  const sizes = new Map()
  cdp.on('Network.responseReceived', (e) =>
    urls.set(e.requestId, {
      url: e.response.url,
      enc: e.response.headers['content-encoding'] ?? e.response.headers['Content-Encoding'] ?? '-',
    }),
  )
  cdp.on('Network.loadingFinished', (e) => sizes.set(e.requestId, e.encodedDataLength))
  await page.goto(base, { waitUntil: 'networkidle' })
  await page.getByRole('heading', { name: 'Providers' }).waitFor()
  let total = 0
  for (const [id, { url, enc }] of urls) {
    const bytes = sizes.get(id) ?? 0
    total += bytes
    console.log(`${String(bytes).padStart(9)}  ${enc.padEnd(4)}  ${url.replace(base, '')}`)
  }
  console.log(
    `${String(total).padStart(9)}  total bytes on the wire for the first page (${urls.size} responses)`,
  )
  await browser.close()
} finally {
  server.kill('SIGTERM')
  rmSync(dir, { recursive: true, force: true })
}
