/** A provider key echoed back by an upstream never reaches the client, nor the log file. */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { rawPost, startGateway, unauthorizedEcho } from '../../../test/fake-openai.js'
import { fakeUpstream, type Handler, waitFor } from '../../../test/fake-upstream.js'
import { tempDir } from '../../../test/helpers.js'
import { createLogger } from '../../core/logger.js'

const PROVIDER_KEY = 'sk-live-very-secret-provider-key-0042'

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
    expect(JSON.parse(res.text)).toMatchObject({
      error: { code: 'invalid_api_key', message: 'Incorrect API key provided: [REDACTED]' },
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
