/**
 * The JSON backup: rewritten atomically after every configuration change (temporary file in the same
 * folder, fsync, rename, fsync of the folder, mode 0600), read and validated whole before a restore.
 */
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import type { Logger } from 'pino'
import { nowIso } from '../core/clock.js'
import type { KeyBox } from '../core/crypto.js'
import { ValidationError } from '../core/errors.js'
import type { ConfigRepo } from '../db/config.repo.js'
import {
  BACKUP_LIMITS,
  BACKUP_VERSION,
  type BackupDocument,
  type ChangeSummary,
  checkBackupDocument,
  summarizeChanges,
} from '../domain/backup-document.js'

export interface RestoreSummary {
  dry_run: boolean
  providers: ChangeSummary
  routes: ChangeSummary
  keys: ChangeSummary
}

const TMP_MARK = '.tmp-'

export function writeFileAtomic(file: string, content: string): void {
  const dir = dirname(file)
  mkdirSync(dir, { recursive: true })
  const tmp = join(dir, `${basename(file)}${TMP_MARK}${process.pid}-${Date.now()}`)
  try {
    const fd = openSync(tmp, 'w', 0o600)
    try {
      writeSync(fd, content)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(tmp, file)
  } catch (error) {
    try {
      unlinkSync(tmp)
    } catch {}
    throw error
  }
  const dirFd = openSync(dir, 'r')
  try {
    fsyncSync(dirFd)
  } finally {
    closeSync(dirFd)
  }
}

/** Removes temporary files a crash left beside the backup. */
export function removeBackupLeftovers(file: string): void {
  const dir = dirname(file)
  const prefix = `${basename(file)}${TMP_MARK}`
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return
  }
  for (const name of names) {
    if (name.startsWith(prefix)) {
      try {
        unlinkSync(join(dir, name))
      } catch {}
    }
  }
}

export function createBackup(deps: { file: string; config: ConfigRepo; keyBox: KeyBox; log: Logger }) {
  async function exportDocument(): Promise<BackupDocument> {
    const config = await deps.config.read()
    return { version: BACKUP_VERSION, exported_at: nowIso(), ...config }
  }

  async function writeTo(file: string): Promise<BackupDocument> {
    const doc = await exportDocument()
    writeFileAtomic(file, `${JSON.stringify(doc, null, 2)}\n`)
    return doc
  }

  /** Parses and validates a document; every problem is a 422 with field errors, nothing is changed. */
  function parseDocument(value: unknown): BackupDocument {
    const problems = checkBackupDocument(value)
    if (problems.length > 0) {
      throw new ValidationError(
        `the backup is not a valid Switchboard backup: ${problems[0]?.field} ${problems[0]?.message}`,
        problems,
      )
    }
    const doc = value as BackupDocument
    const undecryptable = doc.providers
      .map((p, i) => ({ p, i }))
      .filter(({ p }) => p.api_key_encrypted !== null && !deps.keyBox.canOpen(p.api_key_encrypted))
    if (undecryptable.length > 0) {
      const names = undecryptable.map(({ p }) => JSON.stringify(p.name)).join(', ')
      throw new ValidationError(
        `the API keys of ${names} cannot be decrypted with BACKEND_API_KEY_SECRET or BACKEND_API_KEY_SECRET_PREVIOUS`,
        undecryptable.map(({ i }) => ({
          field: `providers[${i}].api_key_encrypted`,
          message: 'cannot be decrypted',
        })),
      )
    }
    return doc
  }

  async function readFileDocument(file: string): Promise<BackupDocument> {
    let size: number
    try {
      size = (await stat(file)).size
    } catch {
      throw new ValidationError(`the backup file ${file} does not exist or cannot be read`, [
        { field: 'file', message: 'not found' },
      ])
    }
    if (size > BACKUP_LIMITS.bytes) {
      throw new ValidationError(
        `the backup file is ${size} bytes; at most ${BACKUP_LIMITS.bytes} are accepted`,
        [{ field: 'file', message: `larger than ${BACKUP_LIMITS.bytes} bytes` }],
      )
    }
    let parsed: unknown
    try {
      parsed = JSON.parse(await readFile(file, 'utf8'))
    } catch {
      throw new ValidationError(`the backup file ${file} is not valid JSON`, [
        { field: 'file', message: 'not JSON' },
      ])
    }
    return parseDocument(parsed)
  }

  async function summarize(doc: BackupDocument, dryRun: boolean): Promise<RestoreSummary> {
    const current = await deps.config.read()
    const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)
    const providerView = (p: BackupDocument['providers'][number]) => ({
      name: p.name,
      v: [
        p.base_url,
        p.api_key_encrypted,
        p.models,
        p.is_active,
        p.health_check_path ?? '/models',
        p.health_override ?? null,
      ],
    })
    const routeView = (r: NonNullable<BackupDocument['routes']>[number]) => ({
      name: r.name,
      v: [r.mode, r.is_active, r.config, r.nodes],
    })
    const keyView = (k: NonNullable<BackupDocument['client_keys']>[number]) => ({
      name: `${k.name} (${k.prefix})`,
      v: k.key_hash,
    })
    return {
      dry_run: dryRun,
      providers: summarizeChanges(
        current.providers.map(providerView),
        doc.providers.map(providerView),
        (a, b) => same(a.v, b.v),
      ),
      routes: summarizeChanges(current.routes.map(routeView), (doc.routes ?? []).map(routeView), (a, b) =>
        same(a.v, b.v),
      ),
      keys: summarizeChanges(current.client_keys.map(keyView), (doc.client_keys ?? []).map(keyView), (a, b) =>
        same(a.v, b.v),
      ),
    }
  }

  let writing: Promise<void> = Promise.resolve()

  return {
    exportDocument,
    writeTo,
    parseDocument,
    readFileDocument,

    /**
     * After every configuration change. A failure (disk full) is logged, not thrown: the change stands.
     * One write at a time, each reading the configuration when it starts: two changes close together
     * (on PostgreSQL, reads on different pooled connections) could otherwise finish their reads out
     * of order and leave the older configuration in the file.
     */
    write(): Promise<void> {
      const run = writing.then(async () => {
        try {
          await writeTo(deps.file)
        } catch (error) {
          deps.log.error(
            { err: error, file: deps.file },
            'backup write failed; it is retried at the next change',
          )
        }
      })
      writing = run
      return run
    },

    /** Validated first, then applied in one transaction; `dryRun` only answers what would change. */
    async restore(doc: BackupDocument, opts: { dryRun: boolean }): Promise<RestoreSummary> {
      const summary = await summarize(doc, opts.dryRun)
      if (!opts.dryRun) await deps.config.replace(doc)
      return summary
    },
  }
}

export type Backup = ReturnType<typeof createBackup>
