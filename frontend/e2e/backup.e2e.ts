import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { api, seedProvider } from './support/api'
import { artifactsDir } from './support/backend'
import { expectFailure, screenshot, useBrowser } from './support/browser'

describe('backup', () => {
  const browser = useBrowser()

  it('exports the configuration and restores it after a preview', async () => {
    const seeded = await seedProvider()
    const page = await browser.page()
    await page.goto('/backup')
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download backup' }).click(),
    ])
    const file = join(artifactsDir, 'exported-backup.json')
    await download.saveAs(file)
    const exported = JSON.parse(readFileSync(file, 'utf8')) as { providers: Array<{ name: string }> }
    expect(exported.providers.some((p) => p.name === seeded.name)).toBe(true)

    await api('DELETE', `/api/providers/${seeded.id}?force=true`)
    await page.locator('input[type="file"]').setInputFiles(file)
    const preview = page.getByTestId('restore-preview')
    await preview.waitFor()
    await preview.getByRole('table', { name: 'Restore summary' }).waitFor()
    await screenshot(page, '13-backup-preview')

    await page.getByRole('button', { name: 'Restore now' }).click()
    await page.getByTestId('restore-result').waitFor()
    await screenshot(page, '14-backup-restored')
    const providers = await api<Array<{ name: string }>>('GET', '/api/providers')
    expect(providers.some((p) => p.name === seeded.name)).toBe(true)
  })

  it('refuses a file that is not a backup and says why', async () => {
    const page = await browser.page()
    await page.goto('/backup')
    expectFailure(page, { method: 'POST', path: '/api/admin/providers/restore', status: 422 })
    await page.locator('input[type="file"]').setInputFiles({
      name: 'wrong.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify({ hello: 'world' })),
    })
    await page.getByText('Restore refused').waitFor()
    await screenshot(page, '15-backup-refused')
  })
})
