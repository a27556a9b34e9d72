/**
 * What GET /api/admin/logs reads: a bounded ring of the newest raw JSON lines (filled by the logger's
 * sink, preloaded from the end of the log files after a restart) and their API shape.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs'
import { join } from 'node:path'

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
  /**
   * Every other field of the line as app.log has it (already redacted when written): the provider
   * of a health change, an attempt's provider and upstream status, an error, …
   */
  fields?: Record<string, unknown>
}

/** Narrows what GET /api/admin/logs returns; every part is optional. */
export interface LogFilter {
  /** The lowest level shown: `WARNING` shows WARNING and ERROR. */
  level?: LogLevel
  /** Case-insensitive text searched in the message, logger, request fields and every other field. */
  q?: string
  /** Only the lines of this request. */
  request_id?: string
}

export type LogLevel = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR'
const LEVEL_RANK: Record<string, number> = { DEBUG: 0, INFO: 1, WARNING: 2, ERROR: 3 }

export interface LogStore {
  /** The newest `limit` entries matching `filter`, newest first, and how many the store holds. */
  recent(limit: number, filter?: LogFilter): { logs: LogEntry[]; total: number; matched: number }
}

/** Fields shown at the entry's top level, and pino's own that say nothing to an operator. */
const TOP_LEVEL = new Set([
  'timestamp',
  'level',
  'logger',
  'message',
  'msg',
  'time',
  'request_id',
  'method',
  'path',
  'status_code',
  'duration_ms',
  'pid',
  'hostname',
])

function matches(entry: LogEntry, line: string, filter: LogFilter): boolean {
  if (filter.level && (LEVEL_RANK[entry.level] ?? 1) < (LEVEL_RANK[filter.level] ?? 0)) return false
  if (filter.request_id !== undefined && entry.request_id !== filter.request_id) return false
  if (filter.q) {
    const needle = filter.q.toLowerCase()
    // the raw line holds every field; the level as shown (WARNING) is in the entry
    if (!line.toLowerCase().includes(needle) && !entry.level.toLowerCase().includes(needle)) return false
  }
  return true
}

export const LOG_RING_SIZE = 1000
export const LOG_FILE = 'app.log'

/** Bytes the ring may hold: 1000 lines of ~1 KB. A line longer than this is not kept in the ring. */
const LOG_RING_BYTES = 1024 * 1024

/**
 * The newest LOG_RING_SIZE raw JSON lines, oldest dropped first, their bytes copied into one
 * preallocated buffer. Kept as strings, every line would live ~1000 requests and be promoted to V8's
 * old space, which then grows by the log's volume between full collections (~40 MB of RSS under
 * load); copied, the string dies young.
 */
export function createRing(initial: string[]) {
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
    recent(limit: number, filter: LogFilter = {}) {
      const logs: LogEntry[] = []
      let matched = 0
      for (let back = 1; back <= size; back++) {
        const line = lineAt(back)
        const entry = toLogEntry(line)
        if (!entry || !matches(entry, line, filter)) continue
        matched++
        if (logs.length < limit) logs.push(entry)
      }
      return { logs, total: size, matched }
    },
  }
}

/** A JSON line as the logs API shows it; null for a line that is not one of ours. */
function toLogEntry(line: string): LogEntry | null {
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
  const rest = Object.entries(o).filter(([key]) => !TOP_LEVEL.has(key))
  if (rest.length > 0) entry.fields = Object.fromEntries(rest)
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
