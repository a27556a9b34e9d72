import { flushPromises, mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import { h } from 'vue'
import { ApiError } from '../api/client'
import { useResource } from '../composables/useResource'
import ResourceTable from './ResourceTable.vue'

interface Row {
  id: number
  name: string
}

function mountTable(load: () => Promise<Row[]>) {
  const resource = useResource(load)
  const wrapper = mount(ResourceTable<Row>, {
    props: {
      resource,
      columns: [{ title: 'Name', key: 'name' }],
      rowKey: (row: Row) => row.id,
      label: 'Things',
      emptyText: 'No things yet.',
    },
    slots: { 'empty-action': () => h('button', 'Add a thing') },
    attachTo: document.body,
  })
  return { resource, wrapper }
}

describe('ResourceTable', () => {
  it('shows a spinner until the first answer, then the rows', async () => {
    let answer: (rows: Row[]) => void = () => {}
    const { resource, wrapper } = mountTable(() => new Promise((resolve) => (answer = resolve)))
    const loading = resource.reload()
    await flushPromises()
    expect(wrapper.find('[aria-busy="true"]').exists()).toBe(true)
    answer([{ id: 1, name: 'first' }])
    await loading
    await flushPromises()
    expect(wrapper.find('[aria-busy="true"]').exists()).toBe(false)
    expect(wrapper.find('table').text()).toContain('first')
  })

  it('shows the empty state with its next step', async () => {
    const { resource, wrapper } = mountTable(async () => [])
    await resource.reload()
    await flushPromises()
    expect(wrapper.text()).toContain('No things yet.')
    expect(wrapper.find('button').text()).toBe('Add a thing')
  })

  it('says why a load failed, and Retry loads again', async () => {
    let calls = 0
    const { resource, wrapper } = mountTable(async () => {
      calls += 1
      if (calls === 1) throw new ApiError(500, { detail: 'database is locked' }, 'x')
      return [{ id: 2, name: 'second' }]
    })
    await resource.reload()
    await flushPromises()
    const alert = wrapper.find('[role="alert"]')
    expect(alert.text()).toContain('Database is locked.')
    await alert.find('button').trigger('click')
    await flushPromises()
    expect(calls).toBe(2)
    expect(wrapper.find('[role="alert"]').exists()).toBe(false)
    expect(wrapper.find('table').text()).toContain('second')
  })
})
