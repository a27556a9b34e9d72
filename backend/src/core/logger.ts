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
 * SonicBoom, and the ring keeps the raw strings (parsed only when someone reads them).
 */
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs'
import { join } from 'node:path'
import pino, { type Logger } from 'pino'
import { createStream, type RotatingFileStream } from 'rotating-file-stream'
import type { Settings } from '../settings.js'
import { mayHoldSecret, redactLogObject, redactString, serializeError } from './redact.js'

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

/** One entry of GET /api/admin/logs. */
export interface LogEntry {
  timestamp: string
  level: string
  logger: string
  message: string
  request_id?: string
  method?: string
  path?: string
  status_code?: number
  duration_ms?: number
}

export interface LogStore {
  /** The newest `limit` entries, newest first, and how many the store holds. */
  recent(limit: number): { logs: LogEntry[]; total: number }
}

export interface LogSink extends LogStore {
  /** Resolves once every line written so far is in the file (tests grep after this). */
  flush(): Promise<void>
  /** Flushes and closes the file; later lines are dropped. */
  close(): Promise<void>
}

export const LOG_RING_SIZE = 1000
export const LOG_FILE = 'app.log'
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

/** Bytes the ring may hold: 1000 lines of ~1 KB. A line longer than this is not kept in the ring. */
const LOG_RING_BYTES = 1024 * 1024

/**
 * The newest LOG_RING_SIZE raw JSON lines, oldest dropped first, their bytes copied into one
 * preallocated buffer. Kept as strings, every line would live ~1000 requests and be promoted to V8's
 * old space, which then grows by the log's volume between full collections (~40 MB of RSS under
 * load); copied, the string dies young.
 */
function createRing(initial: string[]) {
  const buffer = Buffer.alloc(LOG_RING_BYTES)
  const starts = new Int32Array(LOG_RING_SIZE)
  const lengths = new Int32Array(LOG_RING_SIZE)
  let next = 0 // slot of the next line
  let size = 0 // lines held
  let head = 0 // byte offset of the next line
  let usedBytes = 0

  const slot = (back: number) => (next - back + LOG_RING_SIZE) % LOG_RING_SIZE

  function push(line: string): void {
    const bytes = Buffer.from(line, 'utf8')
    if (bytes.length > LOG_RING_BYTES) return
    // the line is stored circularly: its tail may continue at offset 0
    const first = Math.min(bytes.length, LOG_RING_BYTES - head)
    bytes.copy(buffer, head, 0, first)
    if (first < bytes.length) bytes.copy(buffer, 0, first)
    if (size === LOG_RING_SIZE) usedBytes -= lengths[slot(size)] ?? 0
    else size++
    starts[next] = head
    lengths[next] = bytes.length
    next = (next + 1) % LOG_RING_SIZE
    head = (head + bytes.length) % LOG_RING_BYTES
    usedBytes += bytes.length
    while (usedBytes > LOG_RING_BYTES && size > 1) {
      usedBytes -= lengths[slot(size)] ?? 0
      size--
    }
  }

  function lineAt(back: number): string {
    const i = slot(back)
    const start = starts[i] ?? 0
    const length = lengths[i] ?? 0
    if (start + length <= LOG_RING_BYTES) return buffer.toString('utf8', start, start + length)
    const tail = buffer.subarray(start)
    return Buffer.concat([tail, buffer.subarray(0, length - tail.length)]).toString('utf8')
  }

  for (const line of initial.slice(-LOG_RING_SIZE)) push(line)
  return {
    push,
    recent(limit: number) {
      const logs: LogEntry[] = []
      for (let back = 1; back <= size && logs.length < limit; back++) {
        const entry = toLogEntry(lineAt(back))
        if (entry) logs.push(entry)
      }
      return { logs, total: size }
    },
  }
}

/** A JSON line as the logs API shows it; null for a line that is not one of ours. */
export function toLogEntry(line: string): LogEntry | null {
  let parsed: unknown
  try {
    parsed = JSON.parse(line)
  } catch {
    return null
  }
  if (!parsed || typeof parsed !== 'object') return null
  const o = parsed as Record<string, unknown>
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined)
  const num = (v: unknown) => (typeof v === 'number' ? v : undefined)
  const entry: LogEntry = {
    timestamp: text(o.timestamp) ?? '',
    level: text(o.level) ?? 'INFO',
    logger: text(o.logger) ?? 'switchboard',
    message: text(o.message) ?? '',
  }
  const requestId = text(o.request_id)
  if (requestId !== undefined) entry.request_id = requestId
  const method = text(o.method)
  if (method !== undefined) entry.method = method
  const path = text(o.path)
  if (path !== undefined) entry.path = path
  const status = num(o.status_code)
  if (status !== undefined) entry.status_code = status
  const duration = num(o.duration_ms)
  if (duration !== undefined) entry.duration_ms = duration
  return entry
}

/** The last `max` lines of app.log, continued from app.log.1 … when app.log alone has fewer. */
export function readLogTail(logDir: string, max: number, maxFiles: number): string[] {
  let lines: string[] = []
  for (let i = 0; i <= maxFiles && lines.length < max; i++) {
    const file = join(logDir, i === 0 ? LOG_FILE : `${LOG_FILE}.${i}`)
    if (!existsSync(file)) {
      if (i === 0) continue
      break
    }
    lines = [...readLastLines(file, max - lines.length), ...lines]
  }
  return lines
}

function readLastLines(file: string, max: number): string[] {
  const size = statSync(file).size
  // Lines are a few hundred bytes; 2 KB each leaves room without reading a 10 MB file whole.
  const length = Math.min(size, max * 2048)
  const buffer = Buffer.alloc(length)
  const fd = openSync(file, 'r')
  try {
    readSync(fd, buffer, 0, length, size - length)
  } finally {
    closeSync(fd)
  }
  const lines = buffer.toString('utf8').split('\n')
  if (length < size) lines.shift() // the first one is cut
  return lines.filter((l) => l.startsWith('{')).slice(-max)
}

/** One readable console line from a JSON line. */
export function formatConsoleLine(line: string): string {
  let o: Record<string, unknown>
  try {
    o = JSON.parse(line) as Record<string, unknown>
  } catch {
    return line
  }
  const { timestamp, level, logger, message, ...rest } = o
  const time = typeof timestamp === 'string' ? timestamp.replace('T', ' ').replace('Z', '') : ''
  const fields = Object.entries(rest)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ')
  return `${time} ${String(level).padEnd(7)} ${String(logger ?? 'switchboard')}: ${String(message ?? '')}${fields ? `  ${fields}` : ''}\n`
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

function createSink(settings: Pick<Settings, 'logDir' | 'logMaxBytes' | 'logMaxFiles'>, toConsole: boolean) {
  mkdirSync(settings.logDir, { recursive: true })
  const ring = createRing(readLogTail(settings.logDir, LOG_RING_SIZE, settings.logMaxFiles))
  const file: RotatingFileStream = createStream(LOG_FILE, {
    path: settings.logDir,
    size: `${settings.logMaxBytes}B`,
    rotate: settings.logMaxFiles,
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
    recent: (limit) => ring.recent(limit),
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
  const sink = createSink(settings, opts.console !== false)
  const chindings = pino.symbols.chindingsSym
  const log = pino(
    {
      level: settings.logLevel,
      base: null,
      messageKey: 'message',
      timestamp: () => `,"timestamp":"${new Date().toISOString()}"`,
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
  return log
}
