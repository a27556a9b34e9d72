/** A provider key echoed back by an upstream never reaches the client, nor the log file. */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { chunk, completionBody, rawPost, startGateway, unauthorizedEcho } from '../../../test/fake-openai.js'
import { fakeUpstream, type Handler, waitFor } from '../../../test/fake-upstream.js'
import { tempDir } from '../../../test/helpers.js'
import { createLogger } from '../../core/logger.js'

const PROVIDER_KEY = 'sk-live-very-secret-provider-key-0042'
/** With a `/`, which PHP's json_encode (and others) write as `\/`. */
const SLASH_KEY = 'sk-proj/very+secret/provider-key-0042'

/** The key as it may read inside a JSON string: every `/` as `\/`, its first letters as `\uXXXX`. */
function escapedKey(key: string): string {
  const hex = (i: number) => key.charCodeAt(i).toString(16).padStart(4, '0')
  return `\\u${hex(0)}\\u${hex(1).toUpperCase()}${key.slice(2).replaceAll('/', '\\/')}`
}

/** JSON text of `value` with the string `KEY` inside it replaced by `spelling` (already JSON-escaped). */
function jsonWith(value: unknown, spelling: string): string {
  return JSON.stringify(value).replace('KEY', () => spelling)
}

function keyOf(req: { headers: { authorization?: string } }): string {
  return String(req.headers.authorization).replace('Bearer ', '')
}

function readLogs(dir: string): string {
  return readdirSync(dir)
    .filter((name) => name.startsWith('app.log'))
    .map((name) => readFileSync(join(dir, name), 'utf8'))
    .join('')
}

describe('provider keys in upstream answers', () => {
  it('removes a key echoed in an upstream 401 from the answer and keeps it out of the log file', async () => {
    const dir = tempDir()
    const logDir = join(dir, 'logs')
    const logger = createLogger(
      { logDir, logLevel: 'debug', logMaxBytes: 10 * 1024 * 1024, logMaxFiles: 2 },
      { console: false },
    )
    const gw = await startGateway({ BACKEND_LOG_DIR: logDir }, { logger })
    const fake = await fakeUpstream(unauthorizedEcho)
    await gw.addProvider(fake, { apiKey: PROVIDER_KEY })
    const res = await rawPost(
      gw,
      '/chat/completions',
      { model: 'gpt-test', messages: [] },
      { 'x-request-id': 'echo-1' },
    )
    expect(res.status).toBe(401)
    expect(res.text).not.toContain(PROVIDER_KEY)
    // the mask is as long as the key: a passed-through Content-Length stays true
    expect(JSON.parse(res.text)).toMatchObject({
      error: { code: 'invalid_api_key', message: `Incorrect API key provided: [REDACTED]${'*'.repeat(27)}` },
    })
    expect(fake.requests[0]?.headers.authorization).toBe(`Bearer ${PROVIDER_KEY}`)
    await waitFor(() => readLogs(logDir).includes('echo-1'), 5000, 'the request in the log file')
    expect(readLogs(logDir)).not.toContain(PROVIDER_KEY)
  })

  it('removes a key echoed in a stream error event before and after the commit', async () => {
    const echoLate: Handler = (req, res) => {
      const key = String(req.headers.authorization).replace('Bearer ', '')
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.write(
        `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'x' }, finish_reason: null }] })}\n\n`,
      )
      res.end(
        `data: ${JSON.stringify({ error: { message: `bad key ${key}`, code: 'invalid_api_key' } })}\n\n`,
      )
    }
    const gw = await startGateway()
    const fake = await fakeUpstream(echoLate)
    await gw.addProvider(fake, { apiKey: PROVIDER_KEY })
    const res = await rawPost(gw, '/chat/completions', { model: 'gpt-test', messages: [], stream: true })
    expect(res.text).toContain('bad key [REDACTED]')
    expect(res.text).not.toContain(PROVIDER_KEY)

    const echoEarly: Handler = (req, res) => {
      const key = String(req.headers.authorization).replace('Bearer ', '')
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.end(
        `data: ${JSON.stringify({ error: { message: `bad key ${key}`, code: 'invalid_api_key' } })}\n\n`,
      )
    }
    fake.setHandler(echoEarly)
    const early = await rawPost(gw, '/chat/completions', { model: 'gpt-test', messages: [], stream: true })
    expect(early.text).toContain('bad key [REDACTED]')
    expect(early.text).not.toContain(PROVIDER_KEY)
  })
})

describe('provider keys anywhere in an upstream answer', () => {
  it('masks a key in an SSE error event answered to a stream: false request', async () => {
    const gw = await startGateway()
    const fake = await fakeUpstream((req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.end(`data: ${JSON.stringify({ error: { message: `bad key ${keyOf(req)}` } })}\n\n`)
    })
    await gw.addProvider(fake, { apiKey: PROVIDER_KEY })
    const res = await rawPost(gw, '/chat/completions', { model: 'gpt-test', messages: [] })
    expect(res.status).toBe(200)
    expect(res.text).toContain('bad key [REDACTED]')
    expect(res.text).not.toContain(PROVIDER_KEY)
  })

  it('masks a JSON-escaped key in an error body, so parsing the body does not restore it', async () => {
    const gw = await startGateway({ BACKEND_GATEWAY_MAX_ATTEMPTS: '1' })
    const fake = await fakeUpstream((req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' })
      res.end(
        `{"error":{"message":"Incorrect API key provided: ${escapedKey(keyOf(req))}","code":"invalid_api_key"}}`,
      )
    })
    await gw.addProvider(fake, { apiKey: SLASH_KEY })
    const res = await rawPost(gw, '/chat/completions', { model: 'gpt-test', messages: [] })
    expect(res.status).toBe(401)
    const parsed = JSON.parse(res.text) as { error: { message: string; code: string } }
    expect(parsed.error.code).toBe('invalid_api_key')
    expect(parsed.error.message).toMatch(/^Incorrect API key provided: \[REDACTED\]\**$/)
    expect(res.text).not.toContain(SLASH_KEY)
  })

  it('masks a key in a 2xx JSON body and keeps its Content-Length true', async () => {
    const gw = await startGateway()
    const fake = await fakeUpstream((req, res) => {
      const text = jsonWith(
        completionBody('gpt-test', `your key is KEY and ${keyOf(req)}`),
        escapedKey(keyOf(req)),
      )
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
      res.end(text)
    })
    await gw.addProvider(fake, { apiKey: SLASH_KEY })
    const res = await rawPost(gw, '/chat/completions', { model: 'gpt-test', messages: [] })
    expect(res.status).toBe(200)
    expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(res.text))
    const content = (JSON.parse(res.text) as { choices: { message: { content: string } }[] }).choices[0]
      ?.message.content
    expect(content).toMatch(/^your key is \[REDACTED\]\** and \[REDACTED\]\**$/)
    expect(res.text).not.toContain(SLASH_KEY)
  })

  it('masks a key in streamed content, escaped or not, also when it is split between upstream writes', async () => {
    const gw = await startGateway()
    const fake = await fakeUpstream((req, res) => {
      const key = keyOf(req)
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.write(chunk('gpt-test', { role: 'assistant', content: '' }))
      const escaped = `data: ${jsonWith({ choices: [{ index: 0, delta: { content: 'escaped KEY' } }] }, escapedKey(key))}\n\n`
      const bytes = Buffer.from(chunk('gpt-test', { content: `raw ${key} ` }) + escaped)
      const cut = bytes.indexOf(key) + 10
      res.write(bytes.subarray(0, cut), () => {
        res.write(bytes.subarray(cut, -30), () =>
          res.end(Buffer.concat([bytes.subarray(-30), Buffer.from(chunk('gpt-test', {}, 'stop'))])),
        )
      })
    })
    await gw.addProvider(fake, { apiKey: SLASH_KEY })
    const stream = await gw.client.chat.completions.create({ model: 'gpt-test', messages: [], stream: true })
    let content = ''
    for await (const part of stream) content += part.choices[0]?.delta.content ?? ''
    expect(content).toMatch(/^raw \[REDACTED\]\** escaped \[REDACTED\]\**$/)
    expect(content).not.toContain(SLASH_KEY)
  })

  it('asks upstreams for identity and refuses a compressed answer from a provider with a key', async () => {
    const gw = await startGateway({ BACKEND_GATEWAY_MAX_ATTEMPTS: '1' })
    const fake = await fakeUpstream((req, res) => {
      const body = gzipSync(JSON.stringify(completionBody('gpt-test', `key ${keyOf(req)}`)))
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' })
      res.end(body)
    })
    await gw.addProvider(fake, { apiKey: PROVIDER_KEY })
    const res = await rawPost(gw, '/chat/completions', { model: 'gpt-test', messages: [] })
    expect(fake.requests[0]?.headers['accept-encoding']).toBe('identity')
    expect(res.status).toBe(502)
    expect(JSON.parse(res.text)).toMatchObject({ error: { code: 'upstream_encoding_refused' } })
    expect(res.text).not.toContain(PROVIDER_KEY)
  })
})
