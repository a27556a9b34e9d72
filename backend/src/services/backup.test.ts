import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import pino from 'pino'
import { describe, expect, it } from 'vitest'
import { buildTestApp, sampleProvider } from '../../test/helpers.js'
import { createBackup } from './backup.js'

describe('backup writes', () => {
  it('never leave an older configuration in the file when two changes come close together', async () => {
    const { app, dir } = await buildTestApp()
    const real = app.core.repos.config
    // The first write's read finishes last, as a slow pooled connection's could.
    let release = () => {}
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    let firstRead: (() => void) | null = null
    const firstReadDone = new Promise<void>((resolve) => {
      firstRead = resolve
    })
    let reads = 0
    const config = {
      ...real,
      async read() {
        const snapshot = await real.read()
        reads += 1
        if (reads === 1) {
          firstRead?.()
          await gate
        }
        return snapshot
      },
    }
    const file = join(dir, 'other-backup.json')
    const backup = createBackup({ file, config, keyBox: app.core.keyBox, log: pino({ level: 'silent' }) })

    const first = backup.write() // reads an empty configuration, then waits
    await firstReadDone
    const created = await app.inject({ method: 'POST', url: '/api/providers', payload: sampleProvider })
    expect(created.statusCode).toBe(201)
    const second = backup.write() // the change above: must be what the file ends with
    // Give the second write time to finish first if it does not wait for the first (the bug); a
    // correct backup passes whatever this wait is.
    await Promise.race([second, new Promise((resolve) => setTimeout(resolve, 200))])
    release()
    await Promise.all([first, second])
    const names = JSON.parse(readFileSync(file, 'utf8')).providers.map((p: { name: string }) => p.name)
    expect(names).toEqual([sampleProvider.name])
  })
})
