import { describe, expect, it } from 'vitest'
import { classifyErrorRate, formatMs, formatUptime } from './format'

describe('format', () => {
  it('renders uptime the way a person reads it', () => {
    expect(formatUptime(42)).toBe('42s')
    expect(formatUptime(3 * 60 + 5)).toBe('3m 5s')
    expect(formatUptime(2 * 3600 + 7 * 60)).toBe('2h 7m')
    expect(formatUptime(3 * 86_400 + 3600)).toBe('3d 1h 0m')
  })

  it('classifies the error rate with the dashboard thresholds', () => {
    expect(classifyErrorRate(0)).toBe('healthy')
    expect(classifyErrorRate(4.99)).toBe('healthy')
    expect(classifyErrorRate(5)).toBe('degraded')
    expect(classifyErrorRate(20)).toBe('degraded')
    expect(classifyErrorRate(20.1)).toBe('warning')
  })

  it('shows a dash for an unknown latency', () => {
    expect(formatMs(null)).toBe('—')
    expect(formatMs(1500)).toBe('1.50 s')
    expect(formatMs(42.4)).toBe('42 ms')
  })
})
