/**
 * Micro-benchmark of `health.recordOutcome()`, which the gateway calls once per attempt on its hot
 * path: µs per call when every call changes the state (failure, success, failure, …) and when none
 * does (successes at zero failures). The state writes it queues go to a throw-away SQLite database
 * off the measured loop. The bound this used to be asserted against in a unit test: well under 20 µs.
 *
 * Run from the repository root: `npx tsx bench/health-record.ts [calls, default 200000]`
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { buildApp } from '../backend/src/app.js'
import { loadSettings } from '../backend/src/settings.js'

const calls = Number(process.argv[2] ?? 200_000)

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-bench-'))
  const settings = loadSettings({
    BACKEND_DATABASE_URL: `sqlite:${join(dir, 'bench.db')}`,
    BACKEND_API_KEY_SECRET: 'bench-secret-0123456789abcdef',
    BACKEND_BACKUP_FILE: join(dir, 'backup.json'),
    BACKEND_LOG_DIR: join(dir, 'logs'),
    BACKEND_HEALTH_CHECK_ENABLED: 'false',
    BACKEND_HOST: '127.0.0.1',
    BACKEND_PORT: '0',
  })
  const app = await buildApp(settings, { logger: pino({ level: 'silent' }) })
  try {
    const created = await app.inject({
      method: 'POST',
      url: '/api/providers',
      payload: { name: 'bench', base_url: 'http://bench.invalid/v1', api_key: 'sk-bench-0123456789' },
    })
    if (created.statusCode !== 201) throw new Error(`creating the provider answered ${created.statusCode}`)
    const id = (created.json() as { id: number }).id
    const { health } = app.core
    const measure = (name: string, outcome: (i: number) => 'success' | 'failure') => {
      for (let i = 0; i < 10_000; i++) health.recordOutcome(id, outcome(i)) // warm-up
      const started = performance.now()
      for (let i = 0; i < calls; i++) health.recordOutcome(id, outcome(i))
      const us = ((performance.now() - started) * 1000) / calls
      return { case: name, calls: calls.toLocaleString('en'), 'µs/call': us.toFixed(3) }
    }
    const rows = [
      measure('every call changes the state', (i) => (i % 2 === 0 ? 'failure' : 'success')),
      measure('no call changes the state (successes)', () => 'success'),
    ]
    console.table(rows)
  } finally {
    await app.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
