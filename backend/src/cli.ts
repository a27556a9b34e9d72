/**
 * The `switchboard` command: parses arguments and calls services; no SQL, no HTTP handlers.
 * Exit codes: 0 success, 1 the operation was refused (bad backup, undecryptable keys), 2 bad settings.
 *
 * `runCli(argv, io)` runs one command and answers its exit code; it writes only through `io` and
 * never exits the process, so tests run it in-process. bin/switchboard.js (and this file run as a
 * script) call it with the process's streams and environment.
 */
import { readFileSync } from 'node:fs'
import { Command, CommanderError } from 'commander'
import type { Logger } from 'pino'
import { type ConfigCore, createConfigCore } from './composition.js'
import { isEntryPoint } from './core/entry-point.js'
import { createLogger, logSinkOf } from './core/logger.js'
import { startServer } from './main.js'
import { runningServers } from './services/config/replica-registry.js'
import { rotateSecret } from './services/config/secrets.js'
import { type Env, loadSettings, resolvePath, SettingsError } from './settings.js'

export interface CliIo {
  /** One line for stdout / stderr (without its newline). */
  out(line: string): void
  err(line: string): void
  /** The environment the settings are read from (default: `.env` under the process environment). */
  env?: Env
  /** A logger to use instead of one writing to app.log (tests pass a silent one); not closed here. */
  logger?: Logger
}

/** Thrown by an action to end with an exit code after it has said why. */
class CliExit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`)
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

function buildProgram(io: CliIo): Command {
  /**
   * Runs one operation on the database and configuration services (no gateway, no health, no
   * timers), with a logger that writes to app.log only; closes everything it opened.
   */
  async function withCore(run: (core: ConfigCore) => Promise<void>): Promise<void> {
    let settings: ReturnType<typeof loadSettings>
    try {
      settings = io.env ? loadSettings(io.env) : loadSettings()
    } catch (error) {
      if (!(error instanceof SettingsError)) throw error
      for (const problem of error.problems) io.err(`switchboard: ${problem}`)
      throw new CliExit(2)
    }
    const log = io.logger ?? createLogger(settings, { console: false })
    try {
      const core = await createConfigCore(settings, log)
      try {
        await run(core)
      } finally {
        await core.close()
      }
    } finally {
      if (!io.logger) await logSinkOf(log)?.close()
    }
  }

  const program = new Command()
    .name('switchboard')
    .description('Switchboard: manage LLM providers and route OpenAI-compatible traffic across them')
    .version(packageVersion())
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.out(text.replace(/\n$/, '')),
      writeErr: (text) => io.err(text.replace(/\n$/, '')),
    })

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
        io.out(`exported ${doc.providers.length} providers, ${routes} routes, ${keys} client keys to ${file}`)
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
    .action(
      async (opts: { file?: string; dryRun?: boolean; ifEmpty?: boolean; bindLegacyKeys?: boolean }) => {
        await withCore(async (core) => {
          const file = opts.file ? resolvePath(opts.file) : core.settings.backupFile
          if (opts.ifEmpty) {
            if ((await core.repos.providers.count()) > 0) {
              io.out('the database already has providers; nothing restored')
              return
            }
            try {
              readFileSync(file)
            } catch {
              io.out(`no backup at ${file}; starting empty`)
              return
            }
          }
          const doc = await core.backup.readFileDocument(file, {
            bindLegacyKeys: opts.bindLegacyKeys === true,
          })
          const summary = await core.backup.restore(doc, { dryRun: opts.dryRun === true })
          if (!opts.dryRun) await core.changes.configChanged()
          io.out(`${opts.dryRun ? 'dry run, nothing changed' : 'restored'} from ${file}`)
          io.out(describeChanges('providers', summary.providers))
          io.out(describeChanges('routes', summary.routes))
          io.out(describeChanges('client keys', summary.keys))
        })
      },
    )

  program
    .command('rotate-secret')
    .description(
      're-encrypt every provider key from BACKEND_API_KEY_SECRET_PREVIOUS to BACKEND_API_KEY_SECRET',
    )
    .option('--force', 'rotate even though servers that do not know the new secret run on this database')
    .action(async (opts: { force?: boolean }) => {
      await withCore(async (core) => {
        const { apiKeySecret, apiKeySecretPrevious } = core.settings
        // A server that does not open keys with the new secret answers every gateway request with
        // 502 provider_misconfigured from the moment the keys are re-encrypted (issue 19 item 11).
        const cutOff = (await runningServers(core.repos.replicas, apiKeySecret)).filter((s) => !s.knowsSecret)
        if (cutOff.length > 0) {
          const list = cutOff.map((s) => `${s.hostname} (pid ${s.pid}, up since ${s.started_at})`).join(', ')
          io.err(
            `switchboard: warning: ${cutOff.length} server(s) running on this database do not know the new BACKEND_API_KEY_SECRET: ${list}. ` +
              'Once the keys are re-encrypted they can no longer open them, and every gateway request they serve fails (502 provider_misconfigured).',
          )
          io.err(
            'switchboard: to roll without an outage: restart every server with BACKEND_API_KEY_SECRET=<new> and BACKEND_API_KEY_SECRET_PREVIOUS=<old> first, then run rotate-secret, then drop BACKEND_API_KEY_SECRET_PREVIOUS at the next restart.',
          )
          if (!opts.force) {
            io.err('switchboard: nothing was changed (run with --force to rotate anyway)')
            throw new CliExit(1)
          }
        }
        let result: Awaited<ReturnType<typeof rotateSecret>>
        try {
          result = await rotateSecret({
            providers: core.repos.providers,
            keyBox: core.keyBox,
            changes: core.changes,
          })
        } catch (error) {
          if (apiKeySecretPrevious !== null) throw error
          io.err(
            'switchboard: BACKEND_API_KEY_SECRET_PREVIOUS is not set: rotate-secret re-encrypts from it. ' +
              'Set it to the secret the keys are sealed with now, and BACKEND_API_KEY_SECRET to the new one; nothing was changed.',
          )
          throw new CliExit(1)
        }
        io.out(
          `re-encrypted ${result.resealed} keys; ${result.alreadyCurrent} already used the current secret`,
        )
        if (apiKeySecretPrevious === null && result.resealed === 0) {
          io.out(
            'note: BACKEND_API_KEY_SECRET_PREVIOUS is not set, so there was nothing to re-encrypt from (set it to the old secret to rotate)',
          )
        }
      })
    })

  return program
}

/** Runs the command in `argv` (as `process.argv`: node, script, arguments); answers its exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    await buildProgram(io).parseAsync([...argv])
    return 0
  } catch (error) {
    if (error instanceof CliExit) return error.code
    // --help and --version end with code 0; a usage error, 1 (commander printed it already)
    if (error instanceof CommanderError) return error.exitCode
    io.err(`switchboard: ${error instanceof Error ? error.message : String(error)}`)
    return 1
  }
}

/** The process's own streams and environment. */
export function processIo(): CliIo {
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  }
}

if (isEntryPoint(import.meta.url)) {
  runCli(process.argv, processIo()).then((code) => {
    process.exitCode = code
  })
}
