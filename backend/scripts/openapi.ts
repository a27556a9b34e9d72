/**
 * Prints the OpenAPI document of the real app without a running server: buildApp on an in-memory
 * SQLite database with an admin token (so every /api operation documents its 401), then
 * `app.swagger()`. The frontend's API types are generated from this output (frontend/scripts/gen-api.mjs).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { buildApp } from '../src/app.js'
import { loadSettings } from '../src/settings.js'

export async function openApiDocument(): Promise<unknown> {
  // The backup file and log folder are never written (nothing changes), but the paths must exist.
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-openapi-'))
  try {
    const settings = loadSettings({
      BACKEND_DATABASE_URL: 'sqlite::memory:',
      BACKEND_ADMIN_TOKEN: 'openapi-generation',
      BACKEND_API_KEY_SECRET: 'openapi-generation-secret',
      BACKEND_BACKUP_FILE: join(dir, 'backup.json'),
      BACKEND_LOG_DIR: join(dir, 'logs'),
      BACKEND_HEALTH_CHECK_ENABLED: 'false',
    })
    const app = await buildApp(settings, { logger: pino({ level: 'silent' }) })
    try {
      await app.ready()
      return app.swagger()
    } finally {
      await app.close()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

process.stdout.write(`${JSON.stringify(await openApiDocument(), null, 2)}\n`)
