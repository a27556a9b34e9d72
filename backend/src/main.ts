/** Process entry: loadSettings → buildApp → listen; graceful close on SIGTERM and SIGINT. */
import { readFileSync } from 'node:fs'
import { setFlagsFromString } from 'node:v8'
import { buildApp } from './app.js'
import { isEntryPoint } from './core/entry-point.js'
import { startIdleCollector } from './core/idle-gc.js'
import { isLoopbackHost, loadSettings, SettingsError, startupRefusal, weakSecretWarning } from './settings.js'

/**
 * V8 lets the old generation grow to several times its live size between full collections; under
 * gateway load that is garbage from finished requests (live heap ~30 MB, RSS ~200 MB). Growing it by
 * at most half keeps RSS under 150 MB for a few more, cheap, mark-compacts (docs/performance.md).
 * Set here, not as a node flag, so `npm start`, `switchboard serve` and the image all get it.
 */
export const V8_FLAGS = '--heap-growing-percent=50'

/**
 * A warning when BACKEND_MAX_CONNECTIONS could exhaust the open-files limit before the cap is
 * reached: a gateway request holds a client socket and an upstream socket, and the database, logs
 * and listener need a few more. `limits` is the text of /proc/self/limits (Linux; null elsewhere).
 */
export function connectionCapWarning(maxConnections: number, limits: string | null): string | null {
  const match = limits && /^Max open files\s+(\d+)/m.exec(limits)
  if (!match?.[1]) return null
  const openFiles = Number(match[1])
  const needed = 2 * maxConnections + 64
  if (needed <= openFiles) return null
  return `BACKEND_MAX_CONNECTIONS=${maxConnections} may need ${needed} file descriptors, more than this process may open (${openFiles}): lower it to ${Math.max(1, Math.floor((openFiles - 64) / 2))} or raise ulimit -n`
}

function readProcessLimits(): string | null {
  try {
    return readFileSync('/proc/self/limits', 'utf8')
  } catch {
    return null
  }
}

export async function startServer(): Promise<void> {
  setFlagsFromString(V8_FLAGS)
  let settings: ReturnType<typeof loadSettings>
  try {
    settings = loadSettings()
  } catch (error) {
    if (error instanceof SettingsError) {
      for (const problem of error.problems) console.error(`switchboard: ${problem}`)
      process.exit(2)
    }
    throw error
  }
  const refusal = startupRefusal(settings)
  if (refusal) {
    console.error(`switchboard: refusing to start: ${refusal}`)
    process.exit(2)
  }
  const app = await buildApp(settings)
  const secretWarning = weakSecretWarning(settings)
  if (secretWarning) app.log.warn(secretWarning)
  if (!settings.adminToken && isLoopbackHost(settings.host)) {
    app.log.warn(
      'development mode: no BACKEND_ADMIN_TOKEN, so /api and /v1 are open to anyone on this machine',
    )
  }
  const capWarning = connectionCapWarning(settings.maxConnections, readProcessLimits())
  if (capWarning) app.log.warn(capWarning)
  let closing = false
  let stopIdleCollector = () => {}
  // Graceful: stop accepting connections, let requests and streams in flight finish (app.close()
  // waits for every open connection, hijacked gateway streams included), then the onClose hooks stop
  // the scheduler and close the database. Bounded: past the grace period the process exits anyway.
  const close = async (signal: string) => {
    if (closing) return
    closing = true
    stopIdleCollector()
    const graceMs = settings.shutdownGraceSeconds * 1000
    app.log.info({ signal, grace_seconds: settings.shutdownGraceSeconds }, 'shutting down')
    const deadline = setTimeout(() => {
      console.error(`switchboard: requests still running after ${settings.shutdownGraceSeconds} s; exiting`)
      process.exit(1)
    }, graceMs)
    // server.close() drops the connections idle at that moment only; a keep-alive connection whose
    // request ends later would hold the close open until its keep-alive timeout (72 s in Fastify).
    const sweep = setInterval(() => app.server.closeIdleConnections(), 200)
    try {
      await app.close()
    } catch (error) {
      console.error(`switchboard: shutdown failed: ${error instanceof Error ? error.message : String(error)}`)
      process.exit(1)
    }
    clearInterval(sweep)
    clearTimeout(deadline)
    process.exit(0)
  }
  process.on('SIGTERM', () => void close('SIGTERM'))
  process.on('SIGINT', () => void close('SIGINT'))
  await app.listen({ host: settings.host, port: settings.port })
  stopIdleCollector = startIdleCollector()
}

if (isEntryPoint(import.meta.url)) {
  startServer().catch((error: unknown) => {
    console.error(`switchboard: failed to start: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  })
}
