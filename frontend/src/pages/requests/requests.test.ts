import { describe, expect, it } from 'vitest'
import type { RequestAttempt } from '../../api/types'
import { attemptReason, emptyFilter, refusalReason, timelineOf, tokensOf, toRequestFilter } from './requests'

const attempt = (over: Partial<RequestAttempt>): RequestAttempt => ({
  provider_id: 1,
  provider: 'one',
  outcome: 'success',
  status: 200,
  duration_ms: 100,
  ...over,
})

describe('toRequestFilter', () => {
  const now = Date.parse('2026-12-03T10:00:00.000Z')

  it('sends only the filters set, and the time range as from', () => {
    expect(toRequestFilter(emptyFilter(), now)).toEqual({ filter: { from: '2026-12-02T10:00:00.000Z' } })
    const form = {
      keyId: 3,
      route: 'chat',
      providerId: 2,
      model: ' gpt-4o ',
      status: '502',
      since: 'all' as const,
    }
    expect(toRequestFilter(form, now)).toEqual({
      filter: { key_id: 3, route: 'chat', provider_id: 2, model: 'gpt-4o', status: 502 },
    })
  })

  it('names the status field when it is not a status code', () => {
    for (const status of ['abc', '42', '600', '50.5'])
      expect(toRequestFilter({ ...emptyFilter(), status }, now)).toMatchObject({ field: 'status' })
  })
})

describe('timelineOf', () => {
  it('lays the attempts end to end and says why each failed', () => {
    const steps = timelineOf({
      attempts: [
        attempt({ provider: 'down', outcome: 'connection_error', status: null, duration_ms: 3 }),
        attempt({ provider: 'busy', outcome: 'rate_limited', status: 429, duration_ms: 20 }),
        attempt({ provider: 'up', duration_ms: 250 }),
      ],
    })
    expect(steps.map((s) => [s.index, s.provider, s.tone, s.startMs, s.durationMs])).toEqual([
      [1, 'down', 'error', 0, 3],
      [2, 'busy', 'warning', 3, 20],
      [3, 'up', 'success', 23, 250],
    ])
    expect(steps[0]?.reason).toMatch(/Could not reach the provider/)
    expect(steps[1]?.reason).toMatch(/Rate limited by the provider 429/)
    expect(steps[2]?.reason).toBe('Answered 200')
  })

  it('words every outcome the gateway records', () => {
    expect(attemptReason(attempt({ outcome: 'server_error', status: 502 }))).toBe(
      'The provider failed 502 (server error)',
    )
    expect(attemptReason(attempt({ outcome: 'timeout', status: null }))).toMatch(/too late/)
    expect(attemptReason(attempt({ outcome: 'stream_error' }))).toMatch(/stream broke/)
    expect(attemptReason(attempt({ outcome: 'aborted' }))).toMatch(/client went away/)
    expect(attemptReason(attempt({ outcome: 'client_error', status: 400 }))).toMatch(
      /refused the request 400/,
    )
  })
})

describe('a request refused before any attempt', () => {
  it('says so with its status and code', () => {
    expect(refusalReason({ status: 404, error_code: 'model_not_found', attempts: [] })).toBe(
      'Refused by the gateway before any provider was tried: 404 (model_not_found)',
    )
    expect(refusalReason({ status: 200, error_code: null, attempts: [attempt({})] })).toBeNull()
  })
})

describe('tokensOf', () => {
  const usage = { input_tokens: 5, output_tokens: 2, cached_input_tokens: null, reasoning_tokens: null }
  it('shows input → output, or a dash without usage', () => {
    expect(tokensOf({ usage })).toBe('5 → 2')
    expect(tokensOf({ usage: { ...usage, input_tokens: null, output_tokens: null } })).toBe('—')
  })
})
