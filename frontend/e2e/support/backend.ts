import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { copyFileSync, createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const repoRoot = resolve(import.meta.dirname, '..', '..', '..')
export const artifactsDir = resolve(import.meta.dirname, '..', 'artifacts')

export interface RunningBackend {
  baseURL: string
  adminToken: string
  logFile: string
  /** BACKEND_BACKUP_FILE of the server, for the tests that break and repair it. */
  backupFile: string
  stop: () => Promise<void>
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolvePort(port))
    })
  })
}

async function waitForPing(baseURL: string, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`backend exited with ${child.exitCode}:\n${readFileSync(logFile, 'utf8').slice(-4000)}`)
    }
    try {
      const res = await fetch(`${baseURL}/ping`)
      if (res.ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`backend did not answer /ping within 30 s:\n${readFileSync(logFile, 'utf8').slice(-4000)}`)
}

/** The real server (backend/dist/main.js) on a free port, a temporary SQLite file and an admin token. */
export async function startBackend(): Promise<RunningBackend> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-e2e-'))
  const port = await freePort()
  const adminToken = randomBytes(24).toString('hex')
  const logFile = join(dir, 'server.out')
  const backupFile = join(dir, 'backup.json')
  const out = createWriteStream(logFile)
  const child = spawn(process.execPath, [join(repoRoot, 'backend', 'dist', 'main.js')], {
    cwd: repoRoot,
    env: {
      ...process.env,
      BACKEND_HOST: '127.0.0.1',
      BACKEND_PORT: String(port),
      BACKEND_DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}`,
      BACKEND_BACKUP_FILE: backupFile,
      BACKEND_LOG_DIR: join(dir, 'logs'),
      BACKEND_ADMIN_TOKEN: adminToken,
      BACKEND_API_KEY_SECRET: randomBytes(24).toString('hex'),
      BACKEND_HEALTH_CHECK_ENABLED: 'false',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout?.pipe(out)
  child.stderr?.pipe(out)
  const baseURL = `http://127.0.0.1:${port}`
  await waitForPing(baseURL, child, logFile)
  return {
    baseURL,
    adminToken,
    logFile,
    backupFile,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r))
        child.kill('SIGTERM')
        await exited
      }
      // Keep the server's output beside the screenshots for a failed run to be read.
      mkdirSync(artifactsDir, { recursive: true })
      copyFileSync(logFile, join(artifactsDir, 'server.log'))
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
