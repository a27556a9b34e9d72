import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import DevModeBanner from './DevModeBanner.vue'

describe('DevModeBanner', () => {
  it('says what development mode leaves open and how to close it', () => {
    const wrapper = mount(DevModeBanner)
    const banner = wrapper.get('[aria-label="Development mode"]')
    expect(banner.text()).toContain('admin API are open to anyone on this machine')
    expect(banner.text()).toContain('requests that send no key')
    expect(banner.text()).toContain('client key still has it checked')
    expect(banner.text()).toContain('BACKEND_ADMIN_TOKEN')
  })
})
