#!/usr/bin/env node
// Runs the browser tests: builds what is missing (backend/dist, frontend/dist), then Vitest with the
// e2e config, whose global setup starts the real backend and a fake provider.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const frontendDir = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const repoRoot = resolve(frontendDir, '..')
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'

function run(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, stdio: 'inherit' })
  if (result.status !== 0) process.exit(result.status ?? 1)
}

const chromium = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium'
if (!existsSync(chromium)) {
  console.error(`e2e: ${chromium} not found. Install it (apt-get install -y chromium) or set E2E_CHROMIUM.`)
  process.exit(1)
}

const rebuild = process.env.E2E_BUILD === '1'
if (rebuild || !existsSync(join(repoRoot, 'backend', 'dist', 'main.js')))
  run(npm, ['run', 'build', '-w', 'backend'], repoRoot)
if (rebuild || !existsSync(join(frontendDir, 'dist', 'index.html')))
  run(npm, ['run', 'build', '-w', 'frontend'], repoRoot)

run(
  process.execPath,
  [
    join(repoRoot, 'node_modules', 'vitest', 'vitest.mjs'),
    'run',
    '--config',
    'vitest.e2e.config.ts',
    ...process.argv.slice(2),
  ],
  frontendDir,
)
