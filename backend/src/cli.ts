/**
 * The `switchboard` command: parses arguments and calls services; no SQL, no HTTP handlers.
 * Exit codes: 0 success, 1 the operation was refused (bad backup, undecryptable keys), 2 bad settings.
 */
import { readFileSync } from 'node:fs'
import { Command } from 'commander'
import pino from 'pino'
import { createCore } from './app.js'
import { AppError } from './core/errors.js'
import { createLogger } from './core/logger.js'
import { startServer } from './main.js'
import { rotateSecret } from './services/config/secrets.js'
import { loadSettings, resolvePath, SettingsError } from './settings.js'

class CliFailure extends Error {}

function settingsOrExit() {
  try {
    return loadSettings()
  } catch (error) {
    if (error instanceof SettingsError) {
      for (const problem of error.problems) console.error(`switchboard: ${problem}`)
      process.exit(2)
    }
    throw error
  }
}

/** Runs one operation on the services with a logger that writes to app.log only, then closes. */
async function withCore<T>(run: (core: Awaited<ReturnType<typeof createCore>>) => Promise<T>): Promise<T> {
  const settings = settingsOrExit()
  const log = process.env.VITEST ? pino({ level: 'silent' }) : createLogger(settings, { console: false })
  const core = await createCore(settings, log)
  try {
    return await run(core)
  } finally {
    core.snapshot.stop()
    await core.db.close()
  }
}

function describeChanges(
  label: string,
  c: { added: string[]; removed: string[]; changed: string[] },
): string {
  const list = (names: string[]) => (names.length > 0 ? ` (${names.join(', ')})` : '')
  return `${label}: ${c.added.length} added${list(c.added)}, ${c.removed.length} removed${list(c.removed)}, ${c.changed.length} changed${list(c.changed)}`
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string
  }
  return pkg.version
}

const program = new Command()
  .name('switchboard')
  .description('Switchboard: manage LLM providers and route OpenAI-compatible traffic across them')
  .version(packageVersion())
  .showHelpAfterError()

program
  .command('serve')
  .description('start the server (API, gateway and UI) with the settings from the environment or .env')
  .action(async () => {
    await startServer()
  })

program
  .command('export')
  .description('write the configuration backup (keys stay encrypted)')
  .option('-f, --file <path>', 'where to write it (default: BACKEND_BACKUP_FILE)')
  .action(async (opts: { file?: string }) => {
    await withCore(async (core) => {
      const file = opts.file ? resolvePath(opts.file) : core.settings.backupFile
      const doc = await core.backup.writeTo(file)
      const routes = doc.routes?.length ?? 0
      const keys = doc.client_keys?.length ?? 0
      console.log(
        `exported ${doc.providers.length} providers, ${routes} routes, ${keys} client keys to ${file}`,
      )
    })
  })

program
  .command('restore')
  .description('replace the configuration with a backup file, validated whole first')
  .option('-f, --file <path>', 'the backup to read (default: BACKEND_BACKUP_FILE)')
  .option('--dry-run', 'validate and show what would change, change nothing')
  .option('--if-empty', 'restore only when the database has no providers (first start of a container)')
  .option(
    '--bind-legacy-keys',
    "re-seal the file's legacy v1 keys for the origin of their provider's base_url in the file (only for a file you trust)",
  )
  .action(async (opts: { file?: string; dryRun?: boolean; ifEmpty?: boolean; bindLegacyKeys?: boolean }) => {
    await withCore(async (core) => {
      const file = opts.file ? resolvePath(opts.file) : core.settings.backupFile
      if (opts.ifEmpty) {
        if ((await core.repos.providers.count()) > 0) {
          console.log('the database already has providers; nothing restored')
          return
        }
        try {
          readFileSync(file)
        } catch {
          console.log(`no backup at ${file}; starting empty`)
          return
        }
      }
      const doc = await core.backup.readFileDocument(file, { bindLegacyKeys: opts.bindLegacyKeys === true })
      const summary = await core.backup.restore(doc, { dryRun: opts.dryRun === true })
      if (!opts.dryRun) await core.changes.configChanged()
      console.log(`${opts.dryRun ? 'dry run, nothing changed' : 'restored'} from ${file}`)
      console.log(describeChanges('providers', summary.providers))
      console.log(describeChanges('routes', summary.routes))
      console.log(describeChanges('client keys', summary.keys))
    })
  })

program
  .command('rotate-secret')
  .description('re-encrypt every provider key from BACKEND_API_KEY_SECRET_PREVIOUS to BACKEND_API_KEY_SECRET')
  .action(async () => {
    await withCore(async (core) => {
      const result = await rotateSecret({
        providers: core.repos.providers,
        keyBox: core.keyBox,
        changes: core.changes,
      })
      console.log(
        `re-encrypted ${result.resealed} keys; ${result.alreadyCurrent} already used the current secret`,
      )
    })
  })

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof AppError || error instanceof CliFailure) {
    console.error(`switchboard: ${error.message}`)
    process.exit(1)
  }
  console.error(`switchboard: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
