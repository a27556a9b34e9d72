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
  type DocumentProblem,
  summarizeChanges,
} from '../domain/backup-document.js'
import { originOf } from '../domain/url-policy.js'

export interface ParseOptions {
  /** CLI `--bind-legacy-keys`: re-seal the document's v1 keys as v2 for its own base_urls. */
  bindLegacyKeys?: boolean
}

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

  /**
   * Parses and validates a document (shape, the API's rules, keys that open for their origins);
   * every problem is a 422 with field errors, and nothing is changed.
   */
  async function parseDocument(value: unknown, opts: ParseOptions = {}): Promise<BackupDocument> {
    const checked = checkBackupDocument(value)
    if (checked.doc === null) {
      const first = checked.problems[0]
      throw new ValidationError(
        `the backup is not a valid Switchboard backup: ${first?.field} ${first?.message}`,
        checked.problems,
      )
    }
    return sealedKeysChecked(checked.doc, opts)
  }

  /**
   * A sealed key only ever goes to the origin it was sealed for. A v2 value must open for the origin
   * of the provider's base_url in the document. A legacy v1 value opens for any origin, so the
   * document alone cannot say where it belongs: it is accepted where this database already holds
   * that very value for a provider of the same origin (the key does not move), or — CLI only,
   * `--bind-legacy-keys` — re-sealed as v2 for the document's origin on the operator's word.
   */
  async function sealedKeysChecked(doc: BackupDocument, opts: ParseOptions): Promise<BackupDocument> {
    const legacyHeld = new Set<string>()
    if (
      doc.providers.some((p) => p.api_key_encrypted !== null && deps.keyBox.isLegacy(p.api_key_encrypted))
    ) {
      for (const p of (await deps.config.read()).providers) {
        if (p.api_key_encrypted !== null) legacyHeld.add(`${originOf(p.base_url)} ${p.api_key_encrypted}`)
      }
    }
    const problems: DocumentProblem[] = []
    const providers = doc.providers.map((p, i) => {
      const sealed = p.api_key_encrypted
      if (sealed === null) return p
      const origin = originOf(p.base_url) ?? ''
      const field = `providers[${i}].api_key_encrypted`
      if (!deps.keyBox.canOpen(sealed, origin)) {
        problems.push({
          field,
          message: `cannot be decrypted for ${origin} with BACKEND_API_KEY_SECRET or BACKEND_API_KEY_SECRET_PREVIOUS (a key opens only for the origin it was saved for)`,
        })
      } else if (deps.keyBox.isLegacy(sealed)) {
        if (opts.bindLegacyKeys) {
          return { ...p, api_key_encrypted: deps.keyBox.seal(deps.keyBox.open(sealed, origin), origin) }
        }
        if (!legacyHeld.has(`${origin} ${sealed}`)) {
          problems.push({
            field,
            message: `is a legacy v1 key, bound to no host, and this database does not hold it for ${origin}: run switchboard rotate-secret before exporting, set the key again after restoring, or, for a file you trust, restore it with the CLI and --bind-legacy-keys`,
          })
        }
      }
      return p
    })
    const first = problems[0]
    if (first) {
      const index = Number(/\d+/.exec(first.field)?.[0])
      const name = JSON.stringify(doc.providers[index]?.name)
      throw new ValidationError(
        `the backup's API key of providers[${index}] (${name}) ${first.message}`,
        problems,
      )
    }
    return { ...doc, providers }
  }

  async function readFileDocument(file: string, opts: ParseOptions = {}): Promise<BackupDocument> {
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
    return parseDocument(parsed, opts)
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
