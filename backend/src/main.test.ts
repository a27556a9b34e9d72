import { describe, expect, it } from 'vitest'
import { connectionCapWarning } from './main.js'

const limits = (soft: number) =>
  `Limit                     Soft Limit           Hard Limit           Units\nMax open files            ${soft}                 ${soft}                 files\n`

describe('connectionCapWarning', () => {
  it('warns when two descriptors per connection would not fit the open-files limit', () => {
    expect(connectionCapWarning(1000, limits(1024))).toBe(
      'BACKEND_MAX_CONNECTIONS=1000 may need 2064 file descriptors, more than this process may open (1024): lower it to 480 or raise ulimit -n',
    )
  })

  it('says nothing when they fit, or when the limit cannot be read', () => {
    expect(connectionCapWarning(1000, limits(65536))).toBeNull()
    expect(connectionCapWarning(480, limits(1024))).toBeNull()
    expect(connectionCapWarning(1000, null)).toBeNull()
  })
})
