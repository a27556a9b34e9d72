import { existsSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import pino from 'pino'
import { describe, expect, it } from 'vitest'
import { buildTestApp, sampleProvider, tempDir, testDatabaseUrl } from '../../../test/helpers.js'
import { createBackup } from './backup.js'

type App = Awaited<ReturnType<typeof buildTestApp>>['app']

function providerNames(file: string): string[] {
  return JSON.parse(readFileSync(file, 'utf8')).providers.map((p: { name: string }) => p.name)
}

async function createProvider(app: App, name: string): Promise<number> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/providers',
    payload: { ...sampleProvider, name },
  })
  expect(res.statusCode).toBe(201)
  return res.json().id
}

/** Two starts of the server on one database (a SQLite file or one PostgreSQL schema) and one backup file. */
async function restartable() {
  const dir = tempDir()
  const env = { BACKEND_DATABASE_URL: await testDatabaseUrl(dir) }
  const start = async () => {
    const { app, settings } = await buildTestApp(env, { dir })
    return { app, file: settings.backupFile }
  }
  return { start }
}

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

describe('backup writes, many changes at once', () => {
  it('end with every change in the file', async () => {
    const { app, settings } = await buildTestApp()
    const names = Array.from({ length: 12 }, (_, i) => `burst ${i}`)
    await Promise.all(names.map((name) => createProvider(app, name)))
    expect(providerNames(settings.backupFile).sort()).toEqual([...names].sort())
  })
})

describe('the backup at start-up', () => {
  it('is rewritten when a crash between a change and its backup write left it stale', async () => {
    const server = await restartable()
    const first = await server.start()
    await createProvider(first.app, 'Before')
    const stale = readFileSync(first.file)
    await createProvider(first.app, 'Committed, never backed up')
    await first.app.close()
    writeFileSync(first.file, stale) // as if the process died after the commit, before the write

    const second = await server.start()
    expect(providerNames(second.file)).toEqual(['Before', 'Committed, never backed up'])
    expect(second.app.core.backup.status().last_error).toBeNull()
  })

  it('is written when it is missing or damaged', async () => {
    const server = await restartable()
    const first = await server.start()
    await createProvider(first.app, 'Kept')
    await first.app.close()
    unlinkSync(first.file)
    const second = await server.start()
    expect(providerNames(second.file)).toEqual(['Kept'])
    await second.app.close()

    writeFileSync(second.file, '{"version": 1, "providers": [')
    const third = await server.start()
    expect(providerNames(third.file)).toEqual(['Kept'])
  })

  it('is left as it is when it matches the database', async () => {
    const server = await restartable()
    const first = await server.start()
    await createProvider(first.app, 'Same')
    await first.app.close()
    const before = readFileSync(first.file)
    const second = await server.start()
    expect(readFileSync(second.file).equals(before)).toBe(true)
  })

  it('is never replaced by an empty database (a new or lost one: the file is what restores it)', async () => {
    const dir = tempDir()
    const file = join(dir, 'backup.json')
    const { app: old } = await buildTestApp({ BACKEND_BACKUP_FILE: file })
    await createProvider(old, 'Only in the backup')
    await old.close()
    const before = readFileSync(file)

    const { app } = await buildTestApp({ BACKEND_BACKUP_FILE: file }) // a fresh, empty database
    expect(readFileSync(file).equals(before)).toBe(true)
    const empty = await app.inject({ method: 'GET', url: '/api/providers' })
    expect(empty.json()).toEqual([])
  })

  it('is not created for an empty database', async () => {
    const { settings } = await buildTestApp()
    expect(existsSync(settings.backupFile)).toBe(false)
  })
})
