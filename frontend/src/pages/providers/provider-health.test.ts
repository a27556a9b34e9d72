import { describe, expect, it } from 'vitest'
import type { Provider } from '../../api/types'
import { healthLook, healthSummary } from './provider-health'

const base: Provider = {
  id: 1,
  name: 'p',
  base_url: 'https://api.example.com/v1',
  kind: 'openai',
  endpoints: null,
  continuation: null,
  models: [],
  is_active: true,
  health_check_path: '/models',
  status: 'online',
  latency_ms: 12,
  last_tested_at: '2024-01-01T00:00:00Z',
  consecutive_failures: 0,
  is_healthy: true,
  health_override: null,
  has_api_key: false,
  api_key_hint: null,
  created_at: '2024-01-01T00:00:00Z',
  updated_at: '2024-01-01T00:00:00Z',
}

describe('healthLook', () => {
  it('says what routing does: an online provider held unhealthy reads "held unhealthy" in red, not "online"', () => {
    const look = healthLook({ ...base, health_override: 'unhealthy', is_healthy: false })
    expect(look).toMatchObject({ label: 'held unhealthy', type: 'error' })
    expect(look.hint).toContain('last check online')
  })

  it('tells healthy, failing below the threshold, unhealthy, never checked and inactive apart', () => {
    expect(healthLook(base)).toMatchObject({ label: 'healthy', type: 'success' })
    expect(healthLook({ ...base, status: 'timeout', consecutive_failures: 1 })).toMatchObject({
      label: 'failing',
      type: 'warning',
    })
    expect(
      healthLook({ ...base, status: 'error', consecutive_failures: 3, is_healthy: false }),
    ).toMatchObject({ label: 'unhealthy', type: 'error', hint: '3 failures in a row: routing skips it.' })
    expect(healthLook({ ...base, status: null, latency_ms: null })).toMatchObject({ label: 'not checked' })
    expect(healthLook({ ...base, is_active: false })).toMatchObject({ label: 'inactive', type: 'default' })
    expect(healthLook({ ...base, health_override: 'healthy', status: 'error' })).toMatchObject({
      label: 'held healthy',
      type: 'info',
    })
  })
})

describe('healthSummary', () => {
  it('counts only verdicts some provider has: no green "0" chip', () => {
    const summary = healthSummary([
      { ...base, status: null },
      { ...base, health_override: 'unhealthy', is_healthy: false },
    ])
    expect(summary).toEqual([
      { label: 'held unhealthy', type: 'error', count: 1 },
      { label: 'not checked', type: 'default', count: 1 },
    ])
  })
})
