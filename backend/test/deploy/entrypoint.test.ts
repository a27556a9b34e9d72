/**
 * deploy/backend-entrypoint.sh run for real (`init`: what the container does before serving), with
 * the CLI from the TypeScript sources: the first start on an empty database restores the backup,
 * a database that holds providers is left alone.
 */
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import pino from 'pino'
import { describe, expect, it } from 'vitest'
import { buildApp } from '../../src/app.js'
import { loadSettings, repoRoot } from '../../src/settings.js'
import { buildTestApp, tempDir, testEnv } from '../helpers.js'

const script = join(repoRoot, 'deploy', 'backend-entrypoint.sh')
const cli = `node --import tsx ${join(repoRoot, 'backend', 'src', 'cli.ts')}`

async function runEntrypoint(env: Record<string, string>, command = 'init') {
  return promisify(execFile)('sh', [script, command], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      ...env,
      SWITCHBOARD_HOME: repoRoot,
      SWITCHBOARD_CLI: cli,
    },
    timeout: 60_000,
  })
}

/** A backup file holding one provider, written by a real app as after any change. */
async function backupWithProvider(name: string): Promise<string> {
  const { app, settings } = await buildTestApp()
  const res = await app.inject({
    method: 'POST',
    url: '/api/providers',
    payload: { name, base_url: 'http://127.0.0.1:9/v1', api_key: 'sk-entrypoint-0000', models: ['m'] },
  })
  expect(res.statusCode).toBe(201)
  expect(existsSync(settings.backupFile)).toBe(true)
  return settings.backupFile
}

/** The providers in the entrypoint's database, read through the app with the same settings. */
async function providerNames(env: Record<string, string>): Promise<string[]> {
  const app = await buildApp(loadSettings(env), { logger: pino({ level: 'silent' }) })
  try {
    const res = await app.inject({ method: 'GET', url: '/api/providers' })
    return (res.json() as { name: string }[]).map((p) => p.name)
  } finally {
    await app.close()
  }
}

// Each run starts the CLI through tsx: seconds apiece on a busy machine.
describe('deploy/backend-entrypoint.sh', { timeout: 90_000 }, () => {
  it('restores the backup into an empty database on first start, and never over existing providers', async () => {
    const first = await backupWithProvider('From Backup')
    const dir = tempDir()
    const env = await testEnv(dir, { BACKEND_BACKUP_FILE: first })
    const run = await runEntrypoint(env)
    expect(run.stdout).toContain('restored')
    expect(await providerNames(env)).toEqual(['From Backup'])

    const other = await backupWithProvider('Other Backup')
    const again = await runEntrypoint({ ...env, BACKEND_BACKUP_FILE: other })
    expect(again.stdout).toContain('nothing restored')
    expect(await providerNames(env)).toEqual(['From Backup'])
  })

  it('starts empty, with the database created, when there is no backup yet', async () => {
    const dir = tempDir()
    const env = await testEnv(dir, { BACKEND_BACKUP_FILE: join(dir, 'none', 'backup.json') })
    await runEntrypoint(env)
    expect(existsSync(join(dir, 'switchboard.db'))).toBe(true)
    expect(await providerNames(env)).toEqual([])
  })

  it('stops with an error when the backup cannot be restored', async () => {
    const first = await backupWithProvider('Sealed')
    const dir = tempDir()
    // Another secret cannot decrypt the stored key: starting empty would later overwrite the backup.
    const env = await testEnv(dir, {
      BACKEND_BACKUP_FILE: first,
      BACKEND_API_KEY_SECRET: 'another-secret-0123456789',
    })
    await expect(runEntrypoint(env)).rejects.toMatchObject({ code: 1 })
  })
})
