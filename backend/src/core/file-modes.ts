/**
 * Modes of the files Switchboard writes (the SQLite database and its -wal/-shm, app.log and its
 * rotations, the backup): they hold encrypted provider keys and client-key hashes, so they are
 * 0600 and the folders Switchboard creates for them 0700.
 *
 * A folder that already exists is never changed: it may be the user's (a home directory, a mounted
 * volume shared with a backup agent), and the files inside are protected by their own mode. A file
 * of ours that an older version created 0644 is narrowed to 0600, and the caller logs that it was.
 */
import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs'

export const PRIVATE_FILE_MODE = 0o600
export const PRIVATE_DIR_MODE = 0o700

/** Creates `dir` and its missing parents 0700; an existing folder is left as it is. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE })
}

/** Creates an empty file 0600 unless it exists (SQLite then opens it and copies its mode to -wal/-shm). */
export function createPrivateFile(file: string): void {
  try {
    closeSync(openSync(file, 'wx', PRIVATE_FILE_MODE))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  }
}

export interface NarrowedFile {
  file: string
  /** The mode it had, as octal text (`0644`). */
  from: string
  /** Why it could not be changed (another owner): the caller warns, nothing stops. */
  error?: string
}

/**
 * Takes group and other permissions away from each existing file that has any; answers the files it
 * changed or failed to change. A missing file is skipped.
 */
export function narrowToPrivate(files: string[]): NarrowedFile[] {
  const changed: NarrowedFile[] = []
  for (const file of files) {
    let mode: number
    try {
      mode = statSync(file).mode & 0o777
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue
      throw error
    }
    if ((mode & 0o077) === 0) continue
    const from = `0${mode.toString(8)}`
    try {
      chmodSync(file, mode & 0o700)
      changed.push({ file, from })
    } catch (error) {
      changed.push({ file, from, error: error instanceof Error ? error.message : String(error) })
    }
  }
  return changed
}
