/**
 * A backup write that fails (a full disk, a short write, a path that cannot be written) keeps the
 * old file, is logged, counted in /metrics and shown in /api/admin/stats until a write succeeds.
 */
import { mkdirSync, readFileSync, rmdirSync, unlinkSync } from 'node:fs'
import { join } from 'node:path'
import pino from 'pino'
import { describe, expect, it } from 'vitest'
import { buildTestApp, sampleProvider } from '../../../test/helpers.js'
import { type AtomicWriteFs, realFs } from '../../core/write-file-atomic.js'
import { createBackup } from './backup.js'

type App = Awaited<ReturnType<typeof buildTestApp>>['app']

/** A disk that can be told to fill up: the first write takes half of what it is given, the next fails. */
function fillableFs() {
  const disk = { full: false }
  const fs: AtomicWriteFs = {
    ...realFs,
    async open(path, flags, mode) {
      const handle = await realFs.open(path, flags, mode)
      if (flags === 'r') return handle
      let writes = 0
      return {
        async write(buffer, offset, length, position) {
          writes += 1
          if (!disk.full) return handle.write(buffer, offset, length, position)
          if (writes === 1) return handle.write(buffer, offset, Math.floor(length / 2), position)
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })
        },
        sync: () => handle.sync(),
        close: () => handle.close(),
      }
    },
  }
  return { fs, disk }
}

function capturedLog() {
  const lines: Array<Record<string, unknown>> = []
  const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) })
  return { log, lines }
}

async function stats(app: App) {
  const res = await app.inject({ method: 'GET', url: '/api/admin/stats' })
  expect(res.statusCode).toBe(200)
  return res.json()
}

async function metric(app: App, name: string): Promise<number> {
  const res = await app.inject({ method: 'GET', url: '/metrics' })
  const line = res.body.split('\n').find((l) => l.startsWith(`${name} `))
  if (!line) throw new Error(`${name} is not in /metrics`)
  return Number(line.split(' ')[1])
}

async function renameProvider(app: App, id: number, name: string): Promise<void> {
  const res = await app.inject({ method: 'PATCH', url: `/api/providers/${id}`, payload: { name } })
  expect(res.statusCode).toBe(200)
}

describe('a failed backup write', () => {
  it('keeps the old file byte for byte, logs an error and reports it until a write succeeds', async () => {
    const { app, dir } = await buildTestApp()
    const { fs, disk } = fillableFs()
    const { log, lines } = capturedLog()
    const file = join(dir, 'injected-backup.json')
    const backup = createBackup({ file, config: app.core.repos.config, keyBox: app.core.keyBox, log, fs })
    const created = await app.inject({ method: 'POST', url: '/api/providers', payload: sampleProvider })
    expect(created.statusCode).toBe(201)
    await backup.write()
    const good = readFileSync(file)
    expect(backup.status()).toMatchObject({ file, last_error: null, failed_writes: 0 })
    expect(backup.status().last_written_at).not.toBeNull()

    disk.full = true
    await renameProvider(app, created.json().id, 'Renamed while the disk is full')
    await backup.write() // resolves: the change stands, the failure is recorded
    expect(readFileSync(file).equals(good)).toBe(true)
    expect(backup.status()).toMatchObject({
      failed_writes: 1,
      last_error: { message: 'ENOSPC: no space left on device, write' },
    })
    const errorLine = lines.find((l) => l.level === 50)
    expect(errorLine).toMatchObject({ file, msg: expect.stringContaining('backup write failed') })

    await backup.write()
    expect(backup.status().failed_writes).toBe(2)

    disk.full = false
    await backup.write()
    expect(backup.status()).toMatchObject({ last_error: null, failed_writes: 2 })
    const names = JSON.parse(readFileSync(file, 'utf8')).providers.map((p: { name: string }) => p.name)
    expect(names).toEqual(['Renamed while the disk is full'])
  })

  it('shows in /api/admin/stats and /metrics, and clears after the next write succeeds', async () => {
    const { app, settings } = await buildTestApp()
    const created = await app.inject({ method: 'POST', url: '/api/providers', payload: sampleProvider })
    expect(created.statusCode).toBe(201)
    const id = created.json().id
    const ok = await stats(app)
    expect(ok.backup).toMatchObject({ file: settings.backupFile, last_error: null, failed_writes: 0 })
    expect(ok.backup.last_written_at).toEqual(expect.any(String))
    expect(await metric(app, 'switchboard_backup_write_failures_total')).toBe(0)
    expect(await metric(app, 'switchboard_backup_write_failing')).toBe(0)

    // A folder where the file should be: the rename over it fails (EISDIR), whoever runs the test.
    unlinkSync(settings.backupFile)
    mkdirSync(settings.backupFile)
    await renameProvider(app, id, 'First while broken')
    await renameProvider(app, id, 'Second while broken')
    const failing = await stats(app)
    expect(failing.backup.failed_writes).toBe(2)
    expect(failing.backup.last_error).toEqual({
      message: expect.stringMatching(/EISDIR/),
      at: expect.any(String),
    })
    expect(await metric(app, 'switchboard_backup_write_failures_total')).toBe(2)
    expect(await metric(app, 'switchboard_backup_write_failing')).toBe(1)

    rmdirSync(settings.backupFile)
    await renameProvider(app, id, 'After the repair')
    const repaired = await stats(app)
    expect(repaired.backup).toMatchObject({ last_error: null, failed_writes: 2 })
    expect(await metric(app, 'switchboard_backup_write_failures_total')).toBe(2)
    expect(await metric(app, 'switchboard_backup_write_failing')).toBe(0)
    const doc = JSON.parse(readFileSync(settings.backupFile, 'utf8'))
    expect(doc.providers.map((p: { name: string }) => p.name)).toEqual(['After the repair'])
  })
})
