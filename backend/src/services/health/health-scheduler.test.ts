import { Writable } from 'node:stream'
import pino from 'pino'
import { describe, expect, it } from 'vitest'
import { fakeUpstream, hang, json, waitFor } from '../../../test/fake-upstream.js'
import { buildTestApp } from '../../../test/helpers.js'
import { nowIso } from '../../core/clock.js'
import type { ProbeCandidate } from '../../db/health.repo.js'
import { createHealthScheduler } from './health-scheduler.js'

const silent = pino({ level: 'silent' })

function errorLogger() {
  const errors: string[] = []
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line) errors.push(line)
      done()
    },
  })
  return { logger: pino({ level: 'error' }, stream), errors }
}

const candidates = (n: number): ProbeCandidate[] =>
  Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    name: `p${i + 1}`,
    kind: 'openai',
    base_url: 'http://127.0.0.1:1',
    api_key_sealed: null,
    health_check_path: '/models',
  }))

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('health scheduler', () => {
  it('probes active providers on schedule, skips inactive ones, and stops cleanly with the app', async () => {
    const active = await fakeUpstream(json(200, { data: [] }))
    const inactive = await fakeUpstream(json(200, { data: [] }))
    const { logger, errors } = errorLogger()
    const { app } = await buildTestApp(
      { BACKEND_HEALTH_CHECK_ENABLED: 'true', BACKEND_HEALTH_CHECK_INTERVAL_SECONDS: '0.05' },
      { logger },
    )
    for (const [name, fake, is_active] of [
      ['on', active, true],
      ['off', inactive, false],
    ] as const) {
      await app.inject({
        method: 'POST',
        url: '/api/providers',
        payload: { name, base_url: fake.url, is_active },
      })
    }
    await waitFor(() => active.requests.length >= 3, 10_000, 'three scheduled probes')
    const checks = (await app.inject({ method: 'GET', url: '/api/providers/1/checks' })).json().checks
    expect(checks.length).toBeGreaterThanOrEqual(2)
    expect((await app.inject({ method: 'GET', url: '/api/providers/1' })).json()).toMatchObject({
      status: 'online',
    })
    expect(inactive.requests).toHaveLength(0)

    await app.close()
    expect(app.core.healthScheduler.isCycleRunning()).toBe(false)
    const seen = active.requests.length
    // A negative check needs some wait: six intervals is plenty for a scheduler that kept running.
    await delay(300)
    expect(active.requests.length).toBe(seen)
    expect(errors).toEqual([])
  })

  it('aborts a hanging probe on close at once and writes nothing after the database closes', async () => {
    const fake = await fakeUpstream(hang)
    const { logger, errors } = errorLogger()
    const { app } = await buildTestApp(
      {
        BACKEND_HEALTH_CHECK_ENABLED: 'true',
        BACKEND_HEALTH_CHECK_INTERVAL_SECONDS: '0.05',
        BACKEND_HEALTH_CHECK_TIMEOUT_SECONDS: '30',
      },
      { logger },
    )
    await app.inject({ method: 'POST', url: '/api/providers', payload: { name: 'slow', base_url: fake.url } })
    await waitFor(() => fake.requests.length >= 1, 10_000, 'a probe in flight')
    const started = Date.now()
    await app.close()
    expect(Date.now() - started).toBeLessThan(10_000)
    expect(errors).toEqual([])
  })

  it('never overlaps cycles, even when a cycle outlasts the interval', async () => {
    let running = 0
    let maxRunning = 0
    let cycles = 0
    const scheduler = createHealthScheduler({
      intervalMs: 5,
      timeoutMs: 1000,
      listCandidates: async () => {
        running += 1
        maxRunning = Math.max(maxRunning, running)
        return candidates(2)
      },
      probeOne: () => delay(30),
      afterCycle: async () => {
        running -= 1
        cycles += 1
      },
      log: silent,
    })
    scheduler.start()
    await scheduler.runOnce()
    await waitFor(() => cycles >= 4, 10_000, 'four cycles')
    await scheduler.stop()
    expect(maxRunning).toBe(1)
  })

  it('starts at most 16 fresh probes at once', async () => {
    let inFlight = 0
    let maxInFlight = 0
    const scheduler = createHealthScheduler({
      intervalMs: 60_000,
      timeoutMs: 10_000, // slow after 500 ms: these 20 ms probes always hold their slot
      listCandidates: async () => candidates(100),
      probeOne: async () => {
        inFlight += 1
        maxInFlight = Math.max(maxInFlight, inFlight)
        await delay(20)
        inFlight -= 1
      },
      log: silent,
    })
    const report = await scheduler.runOnce()
    expect(report).toMatchObject({ ran: true, probed: 100 })
    expect(maxInFlight).toBe(16)
  })

  it('skips a cycle when shouldRunCycle says another replica probes', async () => {
    let listed = 0
    const scheduler = createHealthScheduler({
      intervalMs: 60_000,
      timeoutMs: 1000,
      listCandidates: async () => {
        listed += 1
        return []
      },
      probeOne: async () => {},
      shouldRunCycle: async () => false,
      log: silent,
    })
    expect(await scheduler.runOnce()).toMatchObject({ ran: false })
    expect(listed).toBe(0)
  })

  it('finishes a cycle of 200 providers, a quarter hanging, in about one probe timeout', async () => {
    const ok = await fakeUpstream(json(200, { data: [] }))
    const stuck = await fakeUpstream(hang)
    const timeoutMs = 1500
    const { app } = await buildTestApp({ BACKEND_HEALTH_CHECK_TIMEOUT_SECONDS: String(timeoutMs / 1000) })
    const now = nowIso()
    await app.core.db.kysely
      .insertInto('providers')
      .values(
        Array.from({ length: 200 }, (_, i) => ({
          name: `p${i}`,
          base_url: i % 4 === 0 ? stuck.url : ok.url,
          models: '[]',
          is_active: 1,
          health_check_path: '/models',
          consecutive_failures: 0,
          is_healthy: 1,
          created_at: now,
          updated_at: now,
        })),
      )
      .execute()
    const report = await app.core.healthScheduler.runOnce()
    expect(report.probed).toBe(200)
    // 50 hanging probes 16 at a time would take 4 timeouts; this takes about one.
    expect(report.durationMs).toBeLessThan(4 * timeoutMs)
    const rows = await app.core.db.kysely.selectFrom('providers').select(['base_url', 'status']).execute()
    const stuckRows = rows.filter((r) => r.base_url === stuck.url)
    const okRows = rows.filter((r) => r.base_url === ok.url)
    expect(stuckRows.every((r) => r.status === 'timeout')).toBe(true)
    // The fakes share this test's event loop; on a loaded machine a few quick answers can come late.
    expect(okRows.filter((r) => r.status === 'online').length).toBeGreaterThanOrEqual(135)
    console.info(
      `health cycle, 200 providers, 50 hanging, timeout ${timeoutMs} ms: ${Math.round(report.durationMs)} ms`,
    )
  })
})
