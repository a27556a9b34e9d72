import { describe, expect, it } from 'vitest'
import type { ClientKey } from '../../api/types'
import { consumptionBars, keyStateOf, limitFieldOf, limitsFormOf, patchOf } from './key-limits'

const key: ClientKey = {
  id: 1,
  name: 'ci',
  prefix: 'sb-abcdefg',
  created_at: '2026-12-01T00:00:00Z',
  last_used_at: null,
  allowed_models: null,
  requests_per_minute: null,
  tokens_per_minute: null,
  max_concurrent: null,
  budget: null,
  budget_period: 'month',
  expires_at: null,
  disabled: false,
  usage: { requests_this_minute: 0, tokens_this_minute: 0, in_flight: 0, spend_this_period: 0 },
}

describe('the key limits form', () => {
  it('round-trips a policy through the form', () => {
    const limited: ClientKey = {
      ...key,
      allowed_models: ['gpt-4o', 'claude-*'],
      requests_per_minute: 60,
      budget: 12.5,
      budget_period: 'day',
      expires_at: '2027-01-31T12:30:00.000Z',
    }
    const form = limitsFormOf(limited)
    expect(form).toMatchObject({
      allowed_models: 'gpt-4o\nclaude-*',
      requests_per_minute: '60',
      expires_at: '2027-01-31T12:30',
    })
    expect(patchOf(form).patch).toEqual({
      allowed_models: ['gpt-4o', 'claude-*'],
      requests_per_minute: 60,
      tokens_per_minute: null,
      max_concurrent: null,
      budget: 12.5,
      budget_period: 'day',
      expires_at: '2027-01-31T12:30:00.000Z',
      disabled: false,
    })
  })

  it('empty fields lift the limits; bad ones are named', () => {
    expect(patchOf(limitsFormOf(key)).patch).toMatchObject({
      allowed_models: null,
      requests_per_minute: null,
    })
    const bad = patchOf({
      ...limitsFormOf(key),
      requests_per_minute: '0',
      budget: '-2',
      max_concurrent: '1.5',
      expires_at: 'soon',
    })
    expect(bad.patch).toBeNull()
    expect(Object.keys(bad.errors).sort()).toEqual([
      'budget',
      'expires_at',
      'max_concurrent',
      'requests_per_minute',
    ])
  })

  it('places server errors on their fields', () => {
    expect(limitFieldOf('allowed_models[3]')).toBe('allowed_models')
    expect(limitFieldOf('budget')).toBe('budget')
    expect(limitFieldOf('name')).toBeUndefined()
  })
})

describe('the consumption bars', () => {
  it('shows one bar per limit, capped at 100 %', () => {
    const bars = consumptionBars({
      ...key,
      requests_per_minute: 60,
      budget: 10,
      usage: { requests_this_minute: 15, tokens_this_minute: 99, in_flight: 1, spend_this_period: 12.345 },
    })
    expect(bars.map((b) => [b.label, b.percent, b.text])).toEqual([
      ['Requests', 25, '15 / 60 requests this minute'],
      ['Budget', 100, '12.35 / 10 spent this month'],
    ])
    expect(consumptionBars(key)).toEqual([])
  })

  it('says when a key is disabled or expired', () => {
    expect(keyStateOf(key)).toBeNull()
    expect(keyStateOf({ ...key, disabled: true })).toBe('Disabled')
    expect(keyStateOf({ ...key, expires_at: '2020-01-01T00:00:00Z' })).toBe('Expired')
  })
})
