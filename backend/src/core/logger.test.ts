import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import pino, { type Logger } from 'pino'
import { describe, expect, it, onTestFinished } from 'vitest'
import { tempDir } from '../../test/helpers.js'
import {
  createLogger,
  formatConsoleLine,
  isoTimestamp,
  LOG_RING_SIZE,
  logSinkOf,
  logStoreFor,
} from './logger.js'
import { redactLogObject, redactString } from './redact.js'

const KEY = 'sk-live-0123456789abcdefXYZ'

function fileLogger(
  dir: string,
  extra: Partial<{ logMaxBytes: number; logMaxFiles: number; logLevel: 'debug' | 'info' }> = {},
) {
  const log = createLogger(
    {
      logDir: dir,
      logLevel: extra.logLevel ?? 'debug',
      logMaxBytes: extra.logMaxBytes ?? 10 * 1024 * 1024,
      logMaxFiles: extra.logMaxFiles ?? 10,
    },
    { console: false },
  )
  const sink = logSinkOf(log)
  if (!sink) throw new Error('createLogger made no sink')
  onTestFinished(() => sink.close())
  return { log, sink }
}

async function fileLines(log: Logger, dir: string): Promise<Array<Record<string, unknown>>> {
  await logSinkOf(log)?.flush()
  return readFileSync(join(dir, 'app.log'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>)
}

describe('log lines', () => {
  it('writes JSON with an ISO timestamp, the original level names, a logger name and the message', async () => {
    const dir = tempDir()
    const { log } = fileLogger(dir)
    log.debug('d')
    log.info({ status_code: 200 }, 'i')
    log.warn('w')
    log.error('e')
    log.fatal('f')
    log.child({ logger: 'switchboard.health' }).info('probe')
    const lines = await fileLines(log, dir)
    expect(lines.map((l) => l.level)).toEqual(['DEBUG', 'INFO', 'WARNING', 'ERROR', 'ERROR', 'INFO'])
    for (const line of lines) expect(line.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    expect(lines[1]).toMatchObject({ logger: 'switchboard', message: 'i', status_code: 200 })
    expect(lines[5]).toMatchObject({ logger: 'switchboard.health', message: 'probe' })
  })

  it('keeps one logger key when a named logger names a child again', async () => {
    const dir = tempDir()
    const { log } = fileLogger(dir)
    log
      .child({ logger: 'switchboard.http', request_id: 'r1' })
      .child({ logger: 'switchboard.gateway' })
      .info('x')
    await logSinkOf(log)?.flush()
    const raw = readFileSync(join(dir, 'app.log'), 'utf8').trim()
    expect(raw.match(/"logger":/g)).toHaveLength(1)
    expect(JSON.parse(raw)).toMatchObject({ logger: 'switchboard.gateway', request_id: 'r1' })
  })

  it('prints readable plain lines for the console', () => {
    const line = formatConsoleLine(
      '{"level":"INFO","timestamp":"2024-01-15T10:30:00.000Z","logger":"switchboard.http","request_id":"abc","status_code":200,"message":"request completed"}\n',
    )
    expect(line).toBe(
      '2024-01-15 10:30:00.000 INFO    switchboard.http: request completed  request_id=abc status_code=200\n',
    )
  })
})

describe('line pieces', () => {
  it('writes the same time as toISOString, millisecond by millisecond across seconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), (ms) => {
        expect(isoTimestamp(ms)).toBe(new Date(ms).toISOString())
        expect(isoTimestamp(ms + 1)).toBe(new Date(ms + 1).toISOString())
      }),
    )
  })

  it('prints every field of a line, in order, after the message', () => {
    const value = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.double({ noNaN: true }),
      fc.boolean(),
      fc.constant(null),
    )
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1 }), fc.oneof(value, fc.array(value))), (fields) => {
        const line = {
          level: 'INFO',
          timestamp: '2024-01-15T10:30:00.000Z',
          logger: 'x',
          ...fields,
          message: 'm',
        }
        const rest = Object.entries(line).filter(
          ([k]) => !['level', 'timestamp', 'logger', 'message'].includes(k),
        )
        const expected = rest
          .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
          .join(' ')
        const { level, logger, message } = line
        expect(formatConsoleLine(JSON.stringify(line))).toBe(
          `2024-01-15 10:30:00.000 ${String(level).padEnd(7)} ${String(logger)}: ${String(message)}${expected ? `  ${expected}` : ''}\n`,
        )
      }),
    )
  })
})

describe('redaction', () => {
  it('redacts sensitive keys in any case and at any depth, in headers and bodies', async () => {
    const dir = tempDir()
    const { log } = fileLogger(dir)
    log.info(
      {
        headers: { Authorization: `Bearer ${KEY}`, 'X-API-KEY': KEY, 'proxy-authorization': KEY },
        body: {
          provider: { Api_Key: KEY, apiKey: KEY, name: 'kept' },
          list: [{ deep: { deeper: { PASSWORD: KEY, client_secret: KEY, access_token: KEY } } }],
          max_tokens: 5,
          has_api_key: true,
        },
        token: KEY,
      },
      'with secrets',
    )
    const [line] = await fileLines(log, dir)
    expect(JSON.stringify(line)).not.toContain(KEY)
    expect(line).toMatchObject({
      headers: {
        Authorization: '[REDACTED]',
        'X-API-KEY': '[REDACTED]',
        'proxy-authorization': '[REDACTED]',
      },
      body: {
        provider: { Api_Key: '[REDACTED]', apiKey: '[REDACTED]', name: 'kept' },
        list: [
          {
            deep: {
              deeper: { PASSWORD: '[REDACTED]', client_secret: '[REDACTED]', access_token: '[REDACTED]' },
            },
          },
        ],
        max_tokens: 5,
        has_api_key: true,
      },
      token: '[REDACTED]',
    })
  })

  it('redacts secrets held in a Map: under a sensitive key, and key-shaped text in any value', async () => {
    const dir = tempDir()
    const { log } = fileLogger(dir)
    const headers = new Map<string, unknown>([
      ['authorization', `Bearer ${KEY}`],
      ['x-api-key', KEY],
      ['x-note', `forwarded Bearer ${KEY}`],
      [
        'nested',
        new Map([
          ['api_key', KEY],
          ['model', 'kept'],
        ]),
      ],
      ['accept', 'application/json'],
    ])
    log.info({ headers }, 'with a map')
    const [line] = await fileLines(log, dir)
    expect(JSON.stringify(line)).not.toContain(KEY)
    expect(line).toMatchObject({
      headers: {
        authorization: '[REDACTED]',
        'x-api-key': '[REDACTED]',
        'x-note': 'forwarded Bearer [REDACTED]',
        nested: { api_key: '[REDACTED]', model: 'kept' },
        accept: 'application/json',
      },
    })
  })

  it('redacts errors: their fields, their message and a bearer token in the message text', async () => {
    const dir = tempDir()
    const { log } = fileLogger(dir)
    const error = Object.assign(new Error(`upstream refused ${KEY}`), {
      request: { headers: { authorization: `Bearer ${KEY}` } },
    })
    log.error({ err: error }, `call with Authorization: Bearer ${KEY} failed`)
    log.error(error)
    log.warn({ cause: new Error(`nested ${KEY}`) }, 'nested error')
    const lines = await fileLines(log, dir)
    expect(lines).toHaveLength(3)
    expect(JSON.stringify(lines)).not.toContain(KEY)
    expect(lines[0]).toMatchObject({
      message: 'call with Authorization: Bearer [REDACTED] failed',
      err: {
        type: 'Error',
        message: 'upstream refused [REDACTED]',
        request: { headers: { authorization: '[REDACTED]' } },
      },
    })
    expect(lines[1]?.message).toBe('upstream refused [REDACTED]')
  })

  it('redacts bindings of child loggers', async () => {
    const dir = tempDir()
    const { log } = fileLogger(dir)
    log.child({ secret: KEY, nested: { Token: KEY } }).info('child')
    const [line] = await fileLines(log, dir)
    expect(line).toMatchObject({ secret: '[REDACTED]', nested: { Token: '[REDACTED]' } })
  })

  it('leaves objects without secrets untouched (no copy)', () => {
    const object = { a: 1, b: { c: 'text', d: [1, 2, { e: null }] } }
    expect(redactLogObject(object)).toBe(object)
    expect(redactString('nothing to see')).toBe('nothing to see')
  })

  it('survives circular and very deep objects', async () => {
    const dir = tempDir()
    const { log } = fileLogger(dir)
    const circular: Record<string, unknown> = { name: 'loop' }
    circular.self = circular
    let deep: Record<string, unknown> = { api_key: KEY }
    for (let i = 0; i < 50; i++) deep = { next: deep }
    log.info({ circular, deep }, 'odd shapes')
    const raw = (await fileLines(log, dir)).map((l) => JSON.stringify(l)).join('')
    expect(raw).toContain('odd shapes')
    expect(raw).not.toContain(KEY)
  })
})

describe('rotation and the recent-entries ring', () => {
  it('rotates app.log past the configured size and keeps at most the configured number of files', async () => {
    const dir = tempDir()
    const { log, sink } = fileLogger(dir, { logMaxBytes: 2048, logMaxFiles: 3 })
    for (let i = 0; i < 200; i++) log.info({ i, padding: 'x'.repeat(100) }, 'filling the log')
    await sink.flush()
    const files = readdirSync(dir).filter((f) => f.startsWith('app.log'))
    expect(files.sort()).toEqual(['app.log', 'app.log.1', 'app.log.2', 'app.log.3'])
    for (const f of files) expect(statSync(join(dir, f)).size).toBeLessThan(2048 + 400)
    // the newest lines are in app.log (or app.log.1 when the last write just filled it and rotated)
    const newest = ['app.log', 'app.log.1']
      .map((f) => readFileSync(join(dir, f), 'utf8').trim())
      .find((text) => text !== '')
    expect(JSON.parse(newest?.split('\n').pop() ?? '{}').i).toBe(199)
  })

  it('keeps the newest long lines whole when the ring wraps its byte buffer', async () => {
    const dir = tempDir()
    const { log, sink } = fileLogger(dir)
    for (let i = 0; i < 1500; i++)
      log.info({ request_id: `r${i}`, padding: 'é'.repeat(900 + (i % 7)) }, `long ${i}`)
    const { logs, total } = sink.recent(1000)
    // ~2 KB a line: the 1 MiB ring holds the newest ~500, each intact, newest first
    expect(total).toBeGreaterThan(400)
    expect(total).toBeLessThan(600)
    expect(logs).toHaveLength(total)
    expect(logs.map((l) => l.message).slice(0, 3)).toEqual(['long 1499', 'long 1498', 'long 1497'])
    expect(logs.at(-1)?.message).toBe(`long ${1500 - total}`)
  })

  it('answers the newest entries first from a bounded ring', async () => {
    const dir = tempDir()
    const { log, sink } = fileLogger(dir)
    for (let i = 0; i < LOG_RING_SIZE + 20; i++) log.info({ request_id: `r${i}` }, `line ${i}`)
    const { logs, total } = sink.recent(3)
    expect(total).toBe(LOG_RING_SIZE)
    expect(logs.map((l) => l.message)).toEqual([
      `line ${LOG_RING_SIZE + 19}`,
      `line ${LOG_RING_SIZE + 18}`,
      `line ${LOG_RING_SIZE + 17}`,
    ])
    expect(logs[0]).toEqual({
      timestamp: expect.any(String),
      level: 'INFO',
      logger: 'switchboard',
      message: `line ${LOG_RING_SIZE + 19}`,
      request_id: `r${LOG_RING_SIZE + 19}`,
    })
  })

  it('reads the tail of the files after a restart', async () => {
    const dir = tempDir()
    const first = fileLogger(dir, { logMaxBytes: 4096, logMaxFiles: 5 })
    for (let i = 0; i < 100; i++) first.log.info(`before restart ${i}`)
    await first.sink.close()

    const second = fileLogger(dir, { logMaxBytes: 4096, logMaxFiles: 5 })
    second.log.info('after restart')
    const { logs, total } = second.sink.recent(1000)
    expect(logs[0]?.message).toBe('after restart')
    expect(logs[1]?.message).toBe('before restart 99')
    // the lines kept on disk (app.log and its rotations) all came back, in order
    const kept = logs.slice(1).map((l) => Number(l.message.split(' ').pop()))
    expect(kept).toEqual([...kept].sort((a, b) => b - a))
    expect(kept.length).toBeGreaterThan(20)
    expect(total).toBe(logs.length)
    // a logger made elsewhere (tests) still gets the disk tail
    const store = logStoreFor(pino({ level: 'silent' }), dir)
    expect(store.recent(1).logs[0]?.message).toBe('before restart 99')
  })
})

describe('log file modes', () => {
  const modeOf = (path: string) => statSync(path).mode & 0o777

  it('creates app.log and its rotations 0600 in a folder created 0700', async () => {
    const dir = join(tempDir(), 'logs', 'here')
    const { log, sink } = fileLogger(dir, { logMaxBytes: 2048, logMaxFiles: 3 })
    for (let i = 0; i < 200; i++) log.info({ i }, `a line long enough to fill the small files quickly ${i}`)
    await sink.flush()
    const deadline = Date.now() + 5000
    while (!readdirSync(dir).includes('app.log.2') && Date.now() < deadline) {
      log.info('more')
      await sink.flush()
    }
    const names = readdirSync(dir).sort()
    expect(names).toEqual(expect.arrayContaining(['app.log', 'app.log.1', 'app.log.2']))
    for (const name of names) expect(modeOf(join(dir, name)), name).toBe(0o600)
    expect(modeOf(dir)).toBe(0o700)
    expect(modeOf(join(dir, '..'))).toBe(0o700)
  })

  it('narrows app.log and app.log.N that an older version left 0644, logs it, and leaves the folder alone', async () => {
    const dir = tempDir()
    chmodSync(dir, 0o755)
    for (const name of ['app.log', 'app.log.1', 'app.log.10', 'notes.txt']) {
      writeFileSync(join(dir, name), '')
      chmodSync(join(dir, name), 0o644)
    }
    const { log } = fileLogger(dir)
    for (const name of ['app.log', 'app.log.1', 'app.log.10'])
      expect(modeOf(join(dir, name)), name).toBe(0o600)
    expect(modeOf(join(dir, 'notes.txt'))).toBe(0o644)
    expect(modeOf(dir)).toBe(0o755)
    const narrowed = (await fileLines(log, dir)).filter(
      (l) => l.message === 'narrowed the mode of a log file',
    )
    expect(narrowed.map((l) => l.file).sort()).toEqual(
      ['app.log', 'app.log.1', 'app.log.10'].map((n) => join(dir, n)).sort(),
    )
  })
})
