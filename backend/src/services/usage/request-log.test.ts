import pino from 'pino'
import { describe, expect, it } from 'vitest'
import type { RequestsRepo } from '../../db/requests.repo.js'
import type { RequestDetail } from '../gateway/observer.js'
import { createRequestLog, QUEUE_LIMIT } from './request-log.js'

function detail(n: number): RequestDetail {
  return {
    at: Date.now(),
    requestId: `r${n}`,
    clientKeyId: null,
    endpoint: 'chat/completions',
    model: 'm',
    route: null,
    providerId: 1,
    providerName: 'p',
    servedModel: 'm',
    errorCode: null,
    attempts: [],
    ttftMs: null,
    usage: null,
  }
}

describe('request log writer', () => {
  it('keeps its queue bounded while the database hangs, counting what it drops', async () => {
    let release: () => void = () => {}
    const hanging = new Promise<void>((resolve) => {
      release = resolve
    })
    let batches = 0
    // a database that never answers: the writer must not grow without bound nor make callers wait
    const repo = {
      insertBatch: () => {
        batches += 1
        return hanging
      },
    } as unknown as RequestsRepo
    const log = createRequestLog({
      repo,
      log: pino({ level: 'silent' }),
      retentionDays: 30,
      priceOf: () => undefined,
    })
    log.rejected(detail(0), 404, 1)
    const first = log.flushNow()
    for (let i = 1; i <= QUEUE_LIMIT + 25; i++) log.rejected(detail(i), 404, 1)
    expect(log.stats().queued).toBe(QUEUE_LIMIT)
    expect(log.stats().dropped.queue_full).toBe(25)
    expect(batches).toBe(1)
    release()
    await first
    await log.close()
    expect(log.stats().queued).toBe(0)
    expect(log.stats().written).toBe(QUEUE_LIMIT + 1)
  })
})
