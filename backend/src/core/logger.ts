/**
 * pino for the whole process: JSON lines to BACKEND_LOG_DIR/app.log, readable lines on the console.
 * Secrets are redacted wherever they appear under a known name.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import pino, { type Logger } from 'pino'
import type { Settings } from '../settings.js'

export const REDACT_PATHS = [
  'api_key',
  '*.api_key',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'password',
  '*.password',
  'token',
  '*.token',
  'secret',
  '*.secret',
]

export function createLogger(
  settings: Pick<Settings, 'logDir' | 'logLevel'>,
  opts: { console?: boolean } = {},
): Logger {
  mkdirSync(settings.logDir, { recursive: true })
  const streams: pino.StreamEntry[] = [
    {
      level: settings.logLevel === 'silent' ? 'fatal' : settings.logLevel,
      stream: pino.destination({ dest: join(settings.logDir, 'app.log'), sync: false, mkdir: true }),
    },
  ]
  if (opts.console !== false)
    streams.push({
      level: settings.logLevel === 'silent' ? 'fatal' : settings.logLevel,
      stream: pino.destination(1),
    })
  return pino(
    {
      level: settings.logLevel,
      base: { logger: 'switchboard' },
      messageKey: 'message',
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    },
    pino.multistream(streams),
  )
}
