/**
 * Replaces a file atomically and durably, without blocking the event loop: a temporary file in the
 * same folder (created exclusively, mode 0600), every byte written, fsync, rename over the target,
 * fsync of the folder. A crash or a failure at any step leaves the old file as it was (the temporary
 * file is removed, or found by removeAtomicLeftovers at the next start).
 *
 * Hand-written rather than npm's write-file-atomic (v7): that package issues one `write` and ignores
 * how many bytes it wrote — a full disk then renames a truncated file over the good one, the very
 * failure this exists to prevent — it does not fsync the folder, so the rename itself may not survive
 * a power cut, and its temporary names (`file.<hash>`) cannot be told apart from a user's files when
 * leftovers are cleaned up. The callers serialise their writes themselves (services/config/backup.ts).
 */
import * as nodeFs from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './file-modes.js'

/** What a write needs of an open file; node's FileHandle has it. */
export interface WritableFile {
  write(
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number,
  ): Promise<{ bytesWritten: number }>
  sync(): Promise<void>
  close(): Promise<void>
}

/** The part of node:fs/promises a write uses; tests pass one whose writes come up short or fail. */
export interface AtomicWriteFs {
  mkdir(path: string, options: { recursive: true; mode: number }): Promise<unknown>
  open(path: string, flags: string, mode?: number): Promise<WritableFile>
  rename(from: string, to: string): Promise<void>
  unlink(path: string): Promise<void>
  readdir(path: string): Promise<string[]>
}

export const realFs: AtomicWriteFs = nodeFs

const TMP_MARK = '.tmp-'
let sequence = 0

/** A write that stopped short: the disk (or a quota, or RLIMIT_FSIZE) took fewer bytes than given. */
export class ShortWriteError extends Error {
  readonly code = 'ESHORTWRITE'
  constructor(file: string, written: number, total: number) {
    super(`only ${written} of ${total} bytes could be written to ${file} (is the disk full?)`)
    this.name = 'ShortWriteError'
  }
}

/** Writes all of `bytes` from position 0: `write` may take fewer bytes than asked, so loop. */
async function writeAll(handle: WritableFile, bytes: Uint8Array, file: string): Promise<void> {
  let offset = 0
  while (offset < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset, offset)
    // No progress and no error: nothing says the next try would do better, and looping would spin.
    if (bytesWritten <= 0) throw new ShortWriteError(file, offset, bytes.length)
    offset += bytesWritten
  }
}

export interface AtomicWriteOptions {
  /** Mode of the new file (default 0600); created folders are 0700 whatever this is. */
  mode?: number
  fs?: AtomicWriteFs
}

export async function writeFileAtomic(
  file: string,
  content: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const fs = options.fs ?? realFs
  const dir = dirname(file)
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content
  await fs.mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE })
  sequence += 1
  const tmp = join(dir, `${basename(file)}${TMP_MARK}${process.pid}-${Date.now()}-${sequence}`)
  try {
    // 'wx': never reuse (or follow a link planted at) an existing name.
    const handle = await fs.open(tmp, 'wx', options.mode ?? PRIVATE_FILE_MODE)
    try {
      await writeAll(handle, bytes, tmp)
      await handle.sync()
    } catch (error) {
      await handle.close().catch(() => {})
      throw error
    }
    await handle.close()
    await fs.rename(tmp, file)
  } catch (error) {
    await fs.unlink(tmp).catch(() => {})
    throw error
  }
  // The rename is in the folder's entries: without this fsync a power cut may bring the old file back.
  const dirHandle = await fs.open(dir, 'r')
  try {
    await dirHandle.sync()
  } finally {
    await dirHandle.close()
  }
}

/** Removes temporary files that a crash during writeFileAtomic(file) left beside `file`. */
export async function removeAtomicLeftovers(file: string, fs: AtomicWriteFs = realFs): Promise<void> {
  const dir = dirname(file)
  const prefix = `${basename(file)}${TMP_MARK}`
  let names: string[]
  try {
    names = await fs.readdir(dir)
  } catch {
    return
  }
  await Promise.all(
    names.filter((name) => name.startsWith(prefix)).map((name) => fs.unlink(join(dir, name)).catch(() => {})),
  )
}
