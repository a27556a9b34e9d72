import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { providersApi } from '../../api/providers'
import type { HealthEvent, Provider } from '../../api/types'
import HealthTimeline from './HealthTimeline.vue'
import { eventLook } from './health-timeline'

const provider = {
  id: 7,
  name: 'primary',
  last_tested_at: null,
  is_healthy: true,
  health_override: null,
} as Provider

function event(fields: Partial<HealthEvent>): HealthEvent {
  return {
    id: 1,
    at: '2026-12-03T10:00:00.000+00:00',
    kind: 'circuit',
    state: 'open',
    reason: '5 consecutive failures',
    model: null,
    until: null,
    actor: null,
    ...fields,
  }
}

afterEach(() => vi.restoreAllMocks())

describe('health timeline', () => {
  it('lists the events newest first with their reason, a cooldown with its end, an override with who', async () => {
    const events = [
      event({
        id: 3,
        kind: 'override',
        state: 'released',
        reason: 'override released',
        actor: 'admin_token',
      }),
      event({
        id: 2,
        kind: 'cooldown',
        state: 'cooling',
        reason: '429 from the provider',
        model: 'gpt-4o',
        until: '2026-12-03T10:01:00.000+00:00',
      }),
      event({ id: 1 }),
    ]
    const spy = vi.spyOn(providersApi, 'events').mockResolvedValue(events)
    const wrapper = mount(HealthTimeline, { props: { provider } })
    await flushPromises()
    expect(spy).toHaveBeenCalledWith(7)
    const items = wrapper.findAll('[data-testid="health-event"]')
    expect(items.map((i) => i.find('.n-timeline-item-content__title').text())).toEqual([
      'Override: released',
      'Cooldown: cooling down',
      'Circuit: open',
    ])
    expect(items[0]?.text()).toContain('override released (by the admin token)')
    expect(items[1]?.text()).toContain('429 from the provider (until')
    expect(items[2]?.text()).toContain('5 consecutive failures')
  })

  it('says so when nothing changed yet', async () => {
    vi.spyOn(providersApi, 'events').mockResolvedValue([])
    const wrapper = mount(HealthTimeline, { props: { provider } })
    await flushPromises()
    expect(wrapper.text()).toContain('No changes of state yet.')
  })

  it('colours a state by what it means', () => {
    const time = (iso: string) => iso
    expect(eventLook(event({ state: 'closed' }), time).tone).toBe('success')
    expect(eventLook(event({ state: 'open' }), time).tone).toBe('error')
    expect(eventLook(event({ state: 'half_open' }), time)).toMatchObject({
      tone: 'warning',
      title: 'Circuit: half-open',
    })
  })
})
