/**
 * The attack report, for real: the backup on a 64 KB tmpfs, providers created until the file no
 * longer fits beside its temporary copy. Mounting needs root (CAP_SYS_ADMIN); without it this file's
 * test is skipped and backup.errors.test.ts / core/write-file-atomic.test.ts cover the same failures
 * through an injected file system.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp } from '../../../test/helpers.js'

function mount(dir: string): void {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=0700', 'tmpfs', dir], { stdio: 'pipe' })
}

function unmount(dir: string): void {
  execFileSync('umount', [dir], { stdio: 'pipe' })
}

/** Whether this process may mount a tmpfs (tried once, on a throw-away folder). */
function canMount(): boolean {
  const probe = mkdtempSync(join(tmpdir(), 'switchboard-mount-probe-'))
  try {
    mount(probe)
    unmount(probe)
    return true
  } catch {
    return false
  } finally {
    rmSync(probe, { recursive: true, force: true })
  }
}

const mountable = canMount()

describe.runIf(mountable)('the backup on a full disk (a real 64 KB tmpfs)', () => {
  let disk = ''
  beforeAll(() => {
    disk = mkdtempSync(join(tmpdir(), 'switchboard-full-disk-'))
    mount(disk)
  })
  afterAll(() => {
    // The app of the test is closed by then (onTestFinished runs before afterAll).
    try {
      unmount(disk)
    } finally {
      rmSync(disk, { recursive: true, force: true })
    }
  })

  it('never replaces a good backup with a truncated one, and says so until a write fits again', async () => {
    const file = join(disk, 'backup.json')
    const { app } = await buildTestApp({ BACKEND_BACKUP_FILE: file })
    const stats = async () => (await app.inject({ method: 'GET', url: '/api/admin/stats' })).json().backup
    const failures = async () => {
      const body = (await app.inject({ method: 'GET', url: '/metrics' })).body
      return Number(/^switchboard_backup_write_failures_total (\d+)$/m.exec(body)?.[1])
    }
    // ~1.4 KB of backup per provider: the file stops fitting beside its copy after a score of them.
    const models = Array.from(
      { length: 40 },
      (_, i) => `model-with-a-long-name-${String(i).padStart(4, '0')}`,
    )
    const ids: number[] = []
    let good = Buffer.alloc(0)
    for (let i = 1; i <= 60 && (await stats()).failed_writes === 0; i++) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/providers',
        payload: { name: `p${i}`, base_url: 'http://127.0.0.1:9/v1', models },
      })
      expect(res.statusCode).toBe(201) // the change stands whatever the disk does
      ids.push(res.json().id)
      const now = readFileSync(file)
      if ((await stats()).failed_writes === 0) {
        expect(JSON.parse(now.toString('utf8')).providers).toHaveLength(ids.length)
        good = now
      } else {
        expect(now.equals(good)).toBe(true) // the last good file, byte for byte
      }
    }
    const failed = await stats()
    expect(failed.failed_writes).toBe(1)
    expect(failed.last_error.message).toMatch(/ENOSPC|only \d+ of \d+ bytes/)
    expect(await failures()).toBe(1)
    expect(readdirSync(disk)).toEqual(['backup.json'])
    expect(JSON.parse(readFileSync(file, 'utf8')).providers).toHaveLength(ids.length - 1)

    // Deleting providers shrinks the file until the new one fits beside the old: the error clears.
    while ((await stats()).last_error !== null && ids.length > 0) {
      const res = await app.inject({ method: 'DELETE', url: `/api/providers/${ids.pop()}` })
      expect(res.statusCode).toBe(204)
      expect(JSON.parse(readFileSync(file, 'utf8')).providers.length).toBeGreaterThan(0)
    }
    expect((await stats()).last_error).toBeNull()
    const names = JSON.parse(readFileSync(file, 'utf8')).providers.map((p: { name: string }) => p.name)
    expect(names).toEqual(ids.map((_, i) => `p${i + 1}`))
    expect(readdirSync(disk)).toEqual(['backup.json'])
  })
})
