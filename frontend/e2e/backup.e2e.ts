import { mkdirSync, readFileSync, rmSync, statSync, unlinkSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, inject, it, onTestFinished } from 'vitest'
import type { Stats } from '../src/api/types'
import { api, seedProvider, uniqueName } from './support/api'
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

  it('says when a file changes nothing and does not offer to restore it', async () => {
    await seedProvider()
    const current = await api<unknown>('GET', '/api/admin/providers/export')
    const page = await browser.page()
    await page.goto('/backup')
    await page.locator('input[type="file"]').setInputFiles({
      name: 'same.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(current)),
    })
    await page
      .getByTestId('restore-no-changes')
      .getByText('restoring it would change nothing', { exact: false })
      .waitFor()
    expect(await page.getByRole('button', { name: 'Restore now' }).isDisabled()).toBe(true)
    await screenshot(page, '13b-backup-no-changes')
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

  it('shows a failed write of the backup file until the next write succeeds', async () => {
    const file = inject('backupFile')
    const seeded = await seedProvider()
    const rename = async (name: string) => api('PATCH', `/api/providers/${seeded.id}`, { name })
    const page = await browser.page()
    await page.goto('/backup')
    await page.getByTestId('backup-write-ok').waitFor()

    // A folder where the file should be: the server's next write fails (EISDIR on the rename), as a
    // full disk would make it fail, whoever runs the tests. Repaired whatever happens below.
    unlinkSync(file)
    mkdirSync(file)
    onTestFinished(() => {
      if (statSync(file, { throwIfNoEntry: false })?.isDirectory()) rmSync(file, { recursive: true })
    })
    await rename(uniqueName('Renamed while broken'))
    await page.reload()
    const failure = page.getByRole('alert').filter({ hasText: 'The last backup write failed' })
    await failure.waitFor()
    expect(await failure.textContent()).toMatch(/EISDIR/)
    expect(await failure.textContent()).toContain(file)
    const stats = await api<Stats>('GET', '/api/admin/stats')
    expect(stats.backup?.last_error?.message).toMatch(/EISDIR/)
    await screenshot(page, '22-backup-write-failed')

    rmSync(file, { recursive: true })
    const repaired = uniqueName('Renamed after the repair')
    await rename(repaired)
    await page.reload()
    await page.getByTestId('backup-write-ok').waitFor()
    expect(await failure.count()).toBe(0)
    const written = JSON.parse(readFileSync(file, 'utf8')) as { providers: Array<{ name: string }> }
    expect(written.providers.some((p) => p.name === repaired)).toBe(true)
    expect((await api<Stats>('GET', '/api/admin/stats')).backup?.last_error).toBeNull()
    await screenshot(page, '23-backup-written-again')
  })
})
