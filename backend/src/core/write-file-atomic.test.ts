import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/helpers.js'
import {
  type AtomicWriteFs,
  realFs,
  removeAtomicLeftovers,
  ShortWriteError,
  type WritableFile,
  writeFileAtomic,
} from './write-file-atomic.js'

type Write = WritableFile['write']

/**
 * The real file system, except that writes to the temporary file go through `write` (given the real
 * handle's write): a disk that takes fewer bytes than asked, or fails.
 */
function fsWithWrites(write: (real: Write, ...args: Parameters<Write>) => ReturnType<Write>): AtomicWriteFs {
  return {
    ...realFs,
    async open(path, flags, mode) {
      const handle = await realFs.open(path, flags, mode)
      if (flags === 'r') return handle
      return {
        write: (...args) => write(handle.write.bind(handle), ...args),
        sync: () => handle.sync(),
        close: () => handle.close(),
      }
    },
  }
}

const enospc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })

function goodFile(dir: string): { file: string; before: Buffer } {
  const file = join(dir, 'backup.json')
  writeFileSync(file, '{"good": true}\n')
  return { file, before: readFileSync(file) }
}

describe('writeFileAtomic', () => {
  it('writes every byte when the disk takes them a few at a time', async () => {
    const dir = tempDir()
    const content = 'x'.repeat(100_000)
    let calls = 0
    const fs = fsWithWrites((real, buffer, offset, length, position) => {
      calls += 1
      return real(buffer, offset, Math.min(length, 4096), position)
    })
    await writeFileAtomic(join(dir, 'f.json'), content, { fs })
    expect(readFileSync(join(dir, 'f.json'), 'utf8')).toBe(content)
    expect(calls).toBeGreaterThan(20)
  })

  it('keeps the old file byte for byte when the disk fills up halfway (a short write, then ENOSPC)', async () => {
    const dir = tempDir()
    const { file, before } = goodFile(dir)
    let calls = 0
    const fs = fsWithWrites((real, buffer, offset, length, position) => {
      calls += 1
      if (calls === 1) return real(buffer, offset, Math.floor(length / 2), position)
      return Promise.reject(enospc())
    })
    await expect(writeFileAtomic(file, 'y'.repeat(65_000), { fs })).rejects.toMatchObject({ code: 'ENOSPC' })
    expect(readFileSync(file).equals(before)).toBe(true)
    expect(readdirSync(dir)).toEqual(['backup.json'])
  })

  it('fails instead of renaming when a write makes no progress', async () => {
    const dir = tempDir()
    const { file, before } = goodFile(dir)
    const fs = fsWithWrites(async () => ({ bytesWritten: 0 }))
    const failure = writeFileAtomic(file, 'z'.repeat(1000), { fs })
    await expect(failure).rejects.toBeInstanceOf(ShortWriteError)
    await expect(failure).rejects.toThrow(/only 0 of 1000 bytes/)
    expect(readFileSync(file).equals(before)).toBe(true)
    expect(readdirSync(dir)).toEqual(['backup.json'])
  })

  it('keeps the old file when the fsync fails', async () => {
    const dir = tempDir()
    const { file, before } = goodFile(dir)
    const fs: AtomicWriteFs = {
      ...realFs,
      async open(path, flags, mode) {
        const handle = await realFs.open(path, flags, mode)
        return {
          write: handle.write.bind(handle),
          sync: () => Promise.reject(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' })),
          close: () => handle.close(),
        }
      },
    }
    await expect(writeFileAtomic(file, '{"new": true}', { fs })).rejects.toMatchObject({ code: 'EIO' })
    expect(readFileSync(file).equals(before)).toBe(true)
    expect(readdirSync(dir)).toEqual(['backup.json'])
  })

  it('creates the file 0600 and the folders it makes 0700, and leaves an existing folder as it is', async () => {
    const dir = tempDir()
    const made = join(dir, 'new', 'nested')
    await writeFileAtomic(join(made, 'backup.json'), '{}')
    expect(statSync(join(made, 'backup.json')).mode & 0o777).toBe(0o600)
    expect(statSync(join(dir, 'new')).mode & 0o777).toBe(0o700)
    expect(statSync(made).mode & 0o777).toBe(0o700)

    const existing = join(dir, 'shared')
    mkdirSync(existing, { mode: 0o755 })
    await writeFileAtomic(join(existing, 'backup.json'), '{}')
    expect(statSync(existing).mode & 0o777).toBe(0o755)
    expect(statSync(join(existing, 'backup.json')).mode & 0o777).toBe(0o600)
  })

  it('lets the event loop run while the fsync waits', async () => {
    const dir = tempDir()
    let release = () => {}
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    let syncing = false
    const fs: AtomicWriteFs = {
      ...realFs,
      async open(path, flags, mode) {
        const handle = await realFs.open(path, flags, mode)
        return {
          write: handle.write.bind(handle),
          async sync() {
            syncing = true
            await gate
            await handle.sync()
          },
          close: () => handle.close(),
        }
      },
    }
    const writing = writeFileAtomic(join(dir, 'f.json'), 'content', { fs })
    const deadline = Date.now() + 5000
    while (!syncing && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 1))
    // Timers fire while the file's fsync is outstanding: nothing waits on it synchronously.
    expect(syncing).toBe(true)
    expect(readdirSync(dir)).toHaveLength(1) // only the temporary file so far
    release()
    await writing
    expect(readdirSync(dir)).toEqual(['f.json'])
    expect(readFileSync(join(dir, 'f.json'), 'utf8')).toBe('content')
  })
})

describe('removeAtomicLeftovers', () => {
  it('removes the temporary files a crash left beside the file, and nothing else', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'backup.json'), '{}')
    writeFileSync(join(dir, 'backup.json.tmp-123-456-1'), '{"torn')
    writeFileSync(join(dir, 'backup.json.bak'), '{}')
    writeFileSync(join(dir, 'other.json.tmp-1-2-3'), '{}')
    await removeAtomicLeftovers(join(dir, 'backup.json'))
    expect(readdirSync(dir).sort()).toEqual(['backup.json', 'backup.json.bak', 'other.json.tmp-1-2-3'])
  })
})
