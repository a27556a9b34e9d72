/**
 * The JSON backup: rewritten atomically after every configuration change (core/write-file-atomic.ts:
 * temporary file in the same folder, every byte written, fsync, rename, fsync of the folder, mode
 * 0600), checked against the database at start-up, read and validated whole before a restore.
 */
import { readFile, stat } from 'node:fs/promises'
import type { Logger } from 'pino'
import { nowIso } from '../../core/clock.js'
import type { KeyBox } from '../../core/crypto.js'
import { invalidFields, validationFailed } from '../../core/errors.js'
import { type AtomicWriteFs, removeAtomicLeftovers, writeFileAtomic } from '../../core/write-file-atomic.js'
import type { ConfigRepo } from '../../db/config.repo.js'
import {
  BACKUP_LIMITS,
  BACKUP_VERSION,
  type BackupDocument,
  type BackupStatus,
  checkBackupDocument,
  type DocumentProblem,
  type RestoreSummary,
  summarizeChanges,
} from '../../domain/backup-document.js'
import { policyOf } from '../../domain/key-policy.js'
import { originOf } from '../../domain/url-policy.js'

export interface ParseOptions {
  /** CLI `--bind-legacy-keys`: re-seal the document's v1 keys as v2 for its own base_urls. */
  bindLegacyKeys?: boolean
}

/** Removes temporary files a crash left beside the backup. */
export const removeBackupLeftovers = (file: string): Promise<void> => removeAtomicLeftovers(file)

/** The same configuration, whenever it was exported. */
function sameConfiguration(onDisk: unknown, doc: BackupDocument): boolean {
  if (typeof onDisk !== 'object' || onDisk === null) return false
  return JSON.stringify({ ...onDisk, exported_at: null }) === JSON.stringify({ ...doc, exported_at: null })
}

function isEmptyConfiguration(doc: BackupDocument): boolean {
  return doc.providers.length === 0 && (doc.routes ?? []).length === 0 && (doc.client_keys ?? []).length === 0
}

export function createBackup(deps: {
  file: string
  config: ConfigRepo
  keyBox: KeyBox
  log: Logger
  /** The file system the writes go through (tests inject short writes and ENOSPC). */
  fs?: AtomicWriteFs
}) {
  async function exportDocument(): Promise<BackupDocument> {
    const config = await deps.config.read()
    return { version: BACKUP_VERSION, exported_at: nowIso(), ...config }
  }

  async function writeTo(file: string): Promise<BackupDocument> {
    const doc = await exportDocument()
    await writeFileAtomic(file, `${JSON.stringify(doc, null, 2)}\n`, { fs: deps.fs })
    return doc
  }

  /**
   * Parses and validates a document (shape, the API's rules, keys that open for their origins);
   * every problem is a 422 with field errors, and nothing is changed.
   */
  async function parseDocument(value: unknown, opts: ParseOptions = {}): Promise<BackupDocument> {
    const checked = checkBackupDocument(value)
    if (checked.doc === null) {
      throw invalidFields('the backup is not a valid Switchboard backup: ', checked.problems)
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
      throw validationFailed(
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
      throw validationFailed(`the backup file ${file} does not exist or cannot be read`, [
        { field: 'file', message: 'not found' },
      ])
    }
    if (size > BACKUP_LIMITS.bytes) {
      throw validationFailed(
        `the backup file is ${size} bytes; at most ${BACKUP_LIMITS.bytes} are accepted`,
        [{ field: 'file', message: `larger than ${BACKUP_LIMITS.bytes} bytes` }],
      )
    }
    let parsed: unknown
    try {
      parsed = JSON.parse(await readFile(file, 'utf8'))
    } catch {
      throw validationFailed(`the backup file ${file} is not valid JSON`, [
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
        p.kind ?? 'openai',
        p.endpoints ?? null,
        p.continuation ?? null,
        p.api_key_encrypted,
        p.models,
        p.is_active,
        p.health_check_path ?? '/models',
        p.health_override ?? null,
      ],
    })
    const routeView = (r: NonNullable<BackupDocument['routes']>[number]) => ({
      name: r.name,
      // nodes in a fixed field order: a parsed file and the database list the fields differently
      v: [
        r.mode,
        r.is_active,
        r.config,
        r.nodes.map((n) => [
          n.api_id,
          n.models,
          n.strategy ?? null,
          n.priority,
          n.weight ?? 1,
          n.metadata ?? {},
        ]),
      ],
    })
    const keyView = (k: NonNullable<BackupDocument['client_keys']>[number]) => ({
      name: `${k.name} (${k.prefix})`,
      v: [k.key_hash, policyOf(k.policy)],
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

  const status: BackupStatus = { file: deps.file, last_written_at: null, last_error: null, failed_writes: 0 }

  /** One write of deps.file; a failure (disk full) is recorded and logged, never thrown: the change stands. */
  async function writeRecorded(): Promise<void> {
    try {
      await writeTo(deps.file)
      status.last_written_at = nowIso()
      status.last_error = null
    } catch (error) {
      status.failed_writes += 1
      status.last_error = { message: error instanceof Error ? error.message : String(error), at: nowIso() }
      deps.log.error(
        { err: error, file: deps.file },
        'backup write failed; the file keeps its previous content and is written again at the next change',
      )
    }
  }

  // One write at a time, each reading the configuration when it starts: two changes close together
  // (on PostgreSQL, reads on different pooled connections) could otherwise finish their reads out of
  // order and leave the older configuration in the file. A change that arrives while a write runs
  // waits for one more write; changes that arrive while that one waits share it, since it has not
  // read the configuration yet.
  let tail: Promise<void> = Promise.resolve()
  let waiting: Promise<void> | null = null

  function write(): Promise<void> {
    if (waiting) return waiting
    const next = tail.then(() => {
      waiting = null
      return writeRecorded()
    })
    waiting = next
    tail = next
    return next
  }

  return {
    exportDocument,
    writeTo,
    parseDocument,
    readFileDocument,

    /** After every configuration change; resolves once a write that read this change is done. */
    write,

    status(): BackupStatus {
      return { ...status, last_error: status.last_error && { ...status.last_error } }
    },

    /** Resolves when no write is running or waiting (before the database closes). */
    idle(): Promise<void> {
      return tail
    },

    /**
     * At start-up: rewrites the file when it does not hold what the database holds (a crash between
     * a commit and its backup write left it stale; a missing or damaged file). An empty database never
     * replaces a backup that exists: that is a new or lost database, and the file is what restores it.
     */
    async reconcile(): Promise<void> {
      const doc = await exportDocument()
      let onDisk: unknown
      let exists = true
      try {
        onDisk = JSON.parse(await readFile(deps.file, 'utf8'))
      } catch (error) {
        exists = (error as NodeJS.ErrnoException).code !== 'ENOENT'
      }
      if (sameConfiguration(onDisk, doc)) return
      if (isEmptyConfiguration(doc)) {
        if (exists) {
          deps.log.warn(
            { file: deps.file },
            'the database holds no configuration but the backup file does: the file is kept (switchboard restore brings it back; the next change overwrites it)',
          )
        }
        return
      }
      if (exists) {
        deps.log.warn(
          { file: deps.file },
          'the backup file does not match the database (a crash between a change and its backup?): rewriting it',
        )
      } else {
        deps.log.info({ file: deps.file }, 'no backup file yet: writing it')
      }
      await write()
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
