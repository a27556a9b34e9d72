/**
 * pino for the whole process (DESIGN.md §9): JSON lines to BACKEND_LOG_DIR/app.log (rotated by size,
 * classical app.log.1 … app.log.N), readable plain lines on the console, and a bounded ring of the
 * recent lines for GET /api/admin/logs, preloaded from the files after a restart.
 *
 * Line shape: {"level":"INFO","timestamp":"…Z","logger":"switchboard.http", …fields, "message":"…"}.
 * Name a logger once with a `logger` binding: `core.log.child({ logger: 'switchboard.health' })`;
 * lines of a logger without one say "switchboard".
 *
 * One sink receives every serialised line and fans it out: the file write is asynchronous (a
 * Writable that buffers while a write is in flight), the console goes through an asynchronous
 * SonicBoom, and the ring (log-store.ts) copies the raw lines into one buffer, parsed only when read.
 */
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import pino, { type Logger } from 'pino'
import { createStream, type RotatingFileStream } from 'rotating-file-stream'
import type { Settings } from '../settings.js'
import { ensurePrivateDir, type NarrowedFile, narrowToPrivate, PRIVATE_FILE_MODE } from './file-modes.js'
import { createRing, LOG_FILE, LOG_RING_SIZE, type LogStore, readLogTail } from './log-store.js'
import { mayHoldSecret, redactLogObject, redactString, serializeError } from './redact.js'

export { LOG_RING_SIZE, type LogEntry, type LogStore } from './log-store.js'

export type LogLevelName = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR'

/** pino's levels in the original's four names; trace folds into DEBUG and fatal into ERROR. */
const LEVEL_NAMES: Record<string, LogLevelName> = {
  trace: 'DEBUG',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARNING',
  error: 'ERROR',
  fatal: 'ERROR',
}

export interface LogSink extends LogStore {
  /** Resolves once every line written so far is in the file (tests grep after this). */
  flush(): Promise<void>
  /** Flushes and closes the file; later lines are dropped. */
  close(): Promise<void>
}

/** Past this much unwritten data the file write falls behind; lines are dropped rather than hoarded. */
const MAX_PENDING_BYTES = 32 * 1024 * 1024
/** How long a line may wait to be written with the lines after it (the ring has it at once). */
const FLUSH_INTERVAL_MS = 20

const sinks = new WeakMap<Logger, LogSink>()

/** The sink behind a logger made by createLogger (absent for a logger made elsewhere, e.g. in tests). */
export function logSinkOf(log: Logger): LogSink | undefined {
  return sinks.get(log)
}

/**
 * The store /api/admin/logs reads: the live sink of this process's logger, or, for a logger made
 * elsewhere, the tail of the files on disk as they were when the app started.
 */
export function logStoreFor(log: Logger, logDir: string): LogStore {
  return logSinkOf(log) ?? createRing(readLogTail(logDir, LOG_RING_SIZE, 1))
}

/**
 * One readable console line from a JSON line. Every request writes a line, so this is on the
 * gateway's path: one loop over the fields, no intermediate arrays (5.3 → 3.4 µs a line, issue 18).
 */
export function formatConsoleLine(line: string): string {
  let o: Record<string, unknown>
  try {
    o = JSON.parse(line) as Record<string, unknown>
  } catch {
    return line
  }
  const { timestamp, level, logger, message } = o
  const time = typeof timestamp === 'string' ? timestamp.replace('T', ' ').replace('Z', '') : ''
  let text = `${time} ${String(level).padEnd(7)} ${String(logger ?? 'switchboard')}: ${String(message ?? '')}`
  let separator = '  '
  for (const key in o) {
    if (key === 'timestamp' || key === 'level' || key === 'logger' || key === 'message') continue
    const value = o[key]
    text += `${separator}${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`
    separator = ' '
  }
  return `${text}\n`
}

let isoSecond = Number.NaN
let isoSecondText = ''

/**
 * `new Date().toISOString()` for every line, with the text up to the second made once a second
 * (a Date and its formatting per line: 1.4 µs; now 0.12).
 */
export function isoTimestamp(nowMs: number = Date.now()): string {
  const second = Math.floor(nowMs / 1000)
  if (second !== isoSecond) {
    isoSecond = second
    isoSecondText = new Date(second * 1000).toISOString().slice(0, 19)
  }
  const ms = Math.floor(nowMs - second * 1000)
  return `${isoSecondText}.${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z`
}

const LOGGER_KEY = '"logger":'

/** A line with two `logger` keys (a named child of a named logger) keeps the innermost name only. */
function dedupeLoggerKey(line: string): string {
  const first = line.indexOf(LOGGER_KEY)
  if (first < 0 || line.indexOf(LOGGER_KEY, first + LOGGER_KEY.length) < 0) return line
  try {
    return `${JSON.stringify(JSON.parse(line))}\n`
  } catch {
    return line
  }
}

/** app.log and its rotations (app.log.1 …) as an older version may have left them: 0600 from now on. */
function narrowLogFiles(logDir: string): NarrowedFile[] {
  const isLogFile = (name: string) =>
    name === LOG_FILE || (name.startsWith(`${LOG_FILE}.`) && /^\d+$/.test(name.slice(LOG_FILE.length + 1)))
  return narrowToPrivate(
    readdirSync(logDir)
      .filter(isLogFile)
      .map((name) => join(logDir, name)),
  )
}

function createSink(settings: Pick<Settings, 'logDir' | 'logMaxBytes' | 'logMaxFiles'>, toConsole: boolean) {
  const ring = createRing(readLogTail(settings.logDir, LOG_RING_SIZE, settings.logMaxFiles))
  const file: RotatingFileStream = createStream(LOG_FILE, {
    path: settings.logDir,
    size: `${settings.logMaxBytes}B`,
    rotate: settings.logMaxFiles,
    mode: PRIVATE_FILE_MODE,
  })
  let broken = false
  let closed = false
  let dropped = 0
  file.on('error', (error) => {
    if (broken) return
    broken = true
    process.stderr.write(`switchboard: cannot write ${join(settings.logDir, LOG_FILE)}: ${error.message}\n`)
  })
  const consoleOut = toConsole ? pino.destination({ dest: 1, sync: false }) : null

  // Lines are batched for up to FLUSH_INTERVAL_MS: one file write and one console write for all the
  // lines of that window. Both writes are asynchronous, so each costs a trip through libuv's thread
  // pool (a thread wake-up and a completion back to the loop) that a CPU profile of the main thread
  // does not show; batching per event-loop turn still meant a write or two for every few requests
  // under load, about a fifth of a gateway request's CPU. A batch is written early once it holds
  // this much, so a file overshoots its rotation size by at most one small batch.
  const batchBytes = Math.min(64 * 1024, Math.max(256, Math.floor(settings.logMaxBytes / 8)))
  let fileBatch: string[] = []
  let fileBatchBytes = 0
  let consoleBatch: string[] = []
  let timer: NodeJS.Timeout | null = null

  function drain(): void {
    if (timer) {
      clearTimeout(timer)
      timer = null
    }
    writeConsole()
    writeFile()
  }

  function writeConsole(): void {
    if (consoleOut && consoleBatch.length > 0) {
      const lines = consoleBatch
      consoleBatch = []
      let text = ''
      for (const line of lines) text += formatConsoleLine(line)
      consoleOut.write(text)
    }
  }

  function writeFile(): void {
    if (fileBatch.length === 0) return
    const lines = fileBatch
    fileBatch = []
    fileBatchBytes = 0
    if (broken) return
    if (file.writableLength > MAX_PENDING_BYTES) {
      dropped += lines.length
      return
    }
    let text = ''
    if (dropped > 0) {
      text = `{"level":"WARNING","timestamp":"${new Date().toISOString()}","logger":"switchboard","message":"${dropped} log lines dropped: the log file could not keep up"}\n`
      dropped = 0
    }
    file.write(text + lines.join(''))
  }

  const sink: LogSink & { write(line: string): void } = {
    write(raw: string) {
      if (closed) return
      const line = dedupeLoggerKey(raw)
      ring.push(line)
      if (consoleOut) consoleBatch.push(line)
      fileBatch.push(line)
      fileBatchBytes += line.length
      if (fileBatchBytes >= batchBytes) writeFile()
      timer ??= setTimeout(drain, FLUSH_INTERVAL_MS)
    },
    recent: (limit, filter) => ring.recent(limit, filter),
    async flush() {
      drain()
      const deadline = Date.now() + 5000
      while (file.writableLength > 0 && !broken && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 2))
      }
      consoleOut?.flush()
    },
    async close() {
      if (closed) return
      await sink.flush()
      closed = true
      drain() // lines logged while the flush waited
      if (consoleOut) {
        try {
          consoleOut.flushSync()
        } catch {
          // stdout went away; nothing to save
        }
      }
      if (broken) return
      await new Promise<void>((resolve) => {
        file.end(() => resolve())
      })
    },
  }
  return sink
}

export interface LoggerOptions {
  /** Readable lines on stdout too (default true); the CLI and tests turn it off. */
  console?: boolean
}

export function createLogger(
  settings: Pick<Settings, 'logDir' | 'logLevel' | 'logMaxBytes' | 'logMaxFiles'>,
  opts: LoggerOptions = {},
): Logger {
  // The lines hold request paths, provider names and errors: the file is 0600 (its rotations are
  // renames of it and keep that mode), the folder 0700 when this creates it.
  ensurePrivateDir(settings.logDir)
  const narrowed = narrowLogFiles(settings.logDir)
  const sink = createSink(settings, opts.console !== false)
  const chindings = pino.symbols.chindingsSym
  const log = pino(
    {
      level: settings.logLevel,
      base: null,
      messageKey: 'message',
      timestamp: () => `,"timestamp":"${isoTimestamp()}"`,
      formatters: {
        level: (label) => ({ level: LEVEL_NAMES[label] ?? label.toUpperCase() }),
        bindings: (bindings) => redactLogObject(bindings),
        log: (object) => redactLogObject(object),
      },
      // Errors are turned into plain objects by the redaction walk; one reaching here directly
      // (a logger.error(err) call) is serialised the same way.
      serializers: { err: (value: unknown) => (value instanceof Error ? serializeError(value) : value) },
      // pino applies `formatters.bindings` to the root only; a child's bindings are checked here.
      onChild: (child) => {
        const own = (child as unknown as Record<symbol, unknown>)[chindings]
        if (typeof own === 'string' && mayHoldSecret(own)) {
          const body = JSON.stringify(redactLogObject(child.bindings())).slice(1, -1)
          ;(child as unknown as Record<symbol, unknown>)[chindings] = body ? `,${body}` : ''
        }
      },
      mixin: (_object, _level, logger) =>
        String((logger as unknown as Record<symbol, unknown>)[chindings] ?? '').includes(LOGGER_KEY)
          ? {}
          : { logger: 'switchboard' },
      hooks: {
        // A bearer token inside a message string is masked as it would be inside a field.
        logMethod(args, method) {
          // log.error(err) alone: pino would take err.message as the message, past this hook.
          const [first] = args as unknown[]
          if (first instanceof Error && args.length === 1) (args as unknown[]).push(first.message)
          for (let i = 0; i < args.length; i++) {
            const arg: unknown = args[i]
            if (typeof arg === 'string') args[i] = redactString(arg)
          }
          return method.apply(this, args as Parameters<typeof method>)
        },
      },
    },
    sink,
  )
  sinks.set(log, sink)
  for (const { file, from, error } of narrowed) {
    if (error)
      log.warn({ file, mode: from, error }, 'a log file is readable by others and could not be made 0600')
    else log.warn({ file, from, to: '0600' }, 'narrowed the mode of a log file')
  }
  return log
}
