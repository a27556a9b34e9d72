#!/usr/bin/env node
/**
 * Idle memory of the built server (issue 18 item 3): starts `backend/dist/main.js` as the gateway
 * bench does (a temporary SQLite file, or BACKEND_DATABASE_URL when set; an admin token, health
 * checks off), waits for /ping, then prints its RSS, file-backed and anonymous parts from
 * /proc/<pid>/status after `--seconds` idle. Nothing is forced from outside: this is the RSS a user
 * sees. Run `npm run build -w backend` first.
 *
 *   node bench/idle-memory.mjs [--seconds 30] [--node-args "--max-semi-space-size=8"]
 *   BACKEND_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node bench/idle-memory.mjs
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { flag, freePort, root } from './cli.mjs'

const seconds = Number(flag('seconds', '30'))
const nodeArgs = flag('node-args', '').split(' ').filter(Boolean)

function statusMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const mb = (key) => Math.round(Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 102.4) / 10
  return {
    rss: mb('VmRSS'),
    file: mb('RssFile'),
    anon: mb('RssAnon'),
    threads: Number(/Threads:\s+(\d+)/.exec(status)?.[1]),
  }
}

const dir = mkdtempSync(join(tmpdir(), 'switchboard-idle-'))
const port = await freePort()
const child = spawn(process.execPath, [...nodeArgs, join(root, 'backend', 'dist', 'main.js')], {
  env: {
    ...process.env,
    BACKEND_DATABASE_URL: process.env.BACKEND_DATABASE_URL ?? `sqlite:${join(dir, 'idle.db')}`,
    BACKEND_API_KEY_SECRET: 'bench-secret-0123456789abcdef',
    BACKEND_BACKUP_FILE: join(dir, 'backup.json'),
    BACKEND_LOG_DIR: join(dir, 'logs'),
    BACKEND_HEALTH_CHECK_ENABLED: 'false',
    BACKEND_ADMIN_TOKEN: 'bench-admin-token-0123456789',
    BACKEND_HOST: '127.0.0.1',
    BACKEND_PORT: String(port),
  },
  stdio: ['ignore', 'ignore', 'inherit'],
})
try {
  const deadline = Date.now() + 30_000
  for (;;) {
    const ready = await fetch(`http://127.0.0.1:${port}/ping`).then(
      (res) => res.ok,
      () => false,
    )
    if (ready) break
    if (Date.now() > deadline) throw new Error('the server did not answer /ping within 30 s')
    await new Promise((resolveWait) => setTimeout(resolveWait, 100))
  }
  const ready = statusMb(child.pid)
  await new Promise((resolveWait) => setTimeout(resolveWait, seconds * 1000))
  const idle = statusMb(child.pid)
  console.log(
    `${process.env.BACKEND_DATABASE_URL?.startsWith('postgres') ? 'PostgreSQL' : 'SQLite'}, node ${process.version}${nodeArgs.length ? ` ${nodeArgs.join(' ')}` : ''}: ready ${ready.rss} MB; after ${seconds} s idle ${idle.rss} MB (file-backed ${idle.file}, anonymous ${idle.anon}, ${idle.threads} threads)`,
  )
} finally {
  child.kill('SIGTERM')
  rmSync(dir, { recursive: true, force: true })
}
