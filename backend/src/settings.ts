/**
 * The only reader of process.env. Parses every BACKEND_* variable once (optionally from the
 * repository's `.env`), validates it, and returns a frozen, typed object. A bad value raises a
 * SettingsError naming the variable and what it accepts; main.ts and cli.ts print it and exit.
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, isAbsolute, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse as parseDotenv } from 'dotenv'

/** backend/src (or backend/dist) → the repository root: relative paths are resolved against it. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

export const DEFAULT_SECRET = 'change-me'

export type DatabaseConfig =
  | { engine: 'sqlite'; path: string /* ':memory:' or an absolute file path */ }
  | { engine: 'postgres'; url: string }

export interface Settings {
  databaseUrl: string
  database: DatabaseConfig
  apiKeySecret: string
  apiKeySecretPrevious: string | null
  backupFile: string
  requestTimeoutSeconds: number
  healthCheckEnabled: boolean
  healthCheckIntervalSeconds: number
  healthCheckTimeoutSeconds: number
  healthCheckFailureThreshold: number
  /** Days a Responses response id stays bound to the provider that made it. */
  responseBindingRetentionDays: number
  /** Session affinity: how long a session stays bound to a node after its last successful answer. */
  affinityTtlSeconds: number
  /** Session affinity: bindings kept in memory at most (least recently used go first). */
  affinityMaxBindings: number
  host: string
  port: number
  adminToken: string | null
  logDir: string
  logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent'
  /** Rotation size of app.log in bytes (10 MB); BACKEND_LOG_MAX_BYTES exists for tests. */
  logMaxBytes: number
  logMaxFiles: number
  gatewayTimeoutSeconds: number
  gatewayFirstTokenTimeoutSeconds: number
  gatewayStreamIdleTimeoutSeconds: number
  /** Longest one upstream attempt (a stream above all) may last, request to last byte; 0: no limit. */
  gatewayStreamMaxDurationSeconds: number
  gatewayMaxAttempts: number
  /** `first_token_timeout: "adaptive"`: wait this many times a node's observed p99 to first token… */
  gatewayAdaptiveFirstTokenMultiplier: number
  /** …but never less than this (the ceiling is the route's maximum or the global first-token timeout). */
  gatewayAdaptiveFirstTokenFloorSeconds: number
  /** The circuit breaker (docs/health.md): each provider's, per process. */
  circuit: {
    failures: number
    errorRatio: number
    windowSeconds: number
    minRequests: number
    coolOffSeconds: number
    successes: number
    slowStartSeconds: number
  }
  /** Request log records (and their rollups) older than this many days are deleted. */
  requestLogRetentionDays: number
  /** Whether gateway requests are written to the request log (and its usage rollups). */
  requestLog: boolean
  /** /metrics: token and cost counters with a key_id label too (one series per client key). */
  metricsPerKey: boolean
  apiBodyLimitBytes: number
  gatewayBodyLimitBytes: number
  /** Replicas on one database: how often to look for changes made by the others (and their health). */
  syncIntervalSeconds: number
  /** SIGTERM: how long in-flight requests and streams may take before the process exits anyway. */
  shutdownGraceSeconds: number
  /** A request's headers must have arrived within this, counted from its first byte. */
  headersTimeoutSeconds: number
  /** A request's headers and body must have arrived within this (the answer is not bounded). */
  requestBodyTimeoutSeconds: number
  /** Open client connections at most; more are closed at once (descriptors stay for upstreams). */
  maxConnections: number
  /** Host names served besides the loopback ones (lower case, no port); `*` serves any. */
  allowedHosts: readonly string[]
}

export class SettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid settings: ${problems.join('; ')}`)
    this.name = 'SettingsError'
  }
}

export type Env = Record<string, string | undefined>

class Reader {
  readonly problems: string[] = []
  constructor(private readonly env: Env) {}

  raw(name: string): string | undefined {
    const value = this.env[name]
    return value === undefined || value.trim() === '' ? undefined : value.trim()
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback
  }

  number(name: string, fallback: number, opts: { min: number; max?: number; integer?: boolean }): number {
    const text = this.raw(name)
    if (text === undefined) return fallback
    const value = Number(text)
    const max = opts.max ?? Number.MAX_SAFE_INTEGER
    if (
      !Number.isFinite(value) ||
      value < opts.min ||
      value > max ||
      (opts.integer && !Number.isInteger(value))
    ) {
      const kind = opts.integer ? 'an integer' : 'a number'
      this.problems.push(`${name}=${text}: expected ${kind} from ${opts.min} to ${max}`)
      return fallback
    }
    return value
  }

  boolean(name: string, fallback: boolean): boolean {
    const text = this.raw(name)?.toLowerCase()
    if (text === undefined) return fallback
    if (['true', '1', 'yes', 'on'].includes(text)) return true
    if (['false', '0', 'no', 'off'].includes(text)) return false
    this.problems.push(`${name}=${text}: expected true or false`)
    return fallback
  }

  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
    const text = this.raw(name)?.toLowerCase()
    if (text === undefined) return fallback
    if ((allowed as readonly string[]).includes(text)) return text as T
    this.problems.push(`${name}=${text}: expected one of ${allowed.join(', ')}`)
    return fallback
  }
}

export function resolvePath(path: string): string {
  return isAbsolute(path) ? path : resolve(repoRoot, path)
}

/** `sqlite:///./x.db`, `sqlite:./x.db`, `sqlite:/abs/x.db`, `sqlite::memory:`, `postgres(ql)://…`. */
export function parseDatabaseUrl(url: string): DatabaseConfig | null {
  if (/^postgres(ql)?:\/\//i.test(url)) return { engine: 'postgres', url }
  const match = /^sqlite:(.*)$/i.exec(url)
  if (!match) return null
  let rest = match[1] ?? ''
  if (rest === ':memory:' || rest === '///:memory:') return { engine: 'sqlite', path: ':memory:' }
  // SQLAlchemy style: sqlite:///relative, sqlite:////absolute
  if (rest.startsWith('///')) rest = rest.slice(3)
  else if (rest.startsWith('//')) return null
  if (rest === '') return null
  return { engine: 'sqlite', path: resolvePath(rest) }
}

/** Reads `.env` at the repository root; variables already in the environment win. */
function readDotenv(root = repoRoot): Env {
  const file = resolve(root, '.env')
  return existsSync(file) ? parseDotenv(readFileSync(file)) : {}
}

export function loadSettings(env: Env = { ...readDotenv(), ...process.env }): Readonly<Settings> {
  const r = new Reader(env)
  const databaseUrl = r.string('BACKEND_DATABASE_URL', 'sqlite:///./backend/data/providers.db')
  const database = parseDatabaseUrl(databaseUrl)
  if (!database) {
    r.problems.push(
      'BACKEND_DATABASE_URL: expected sqlite:///./path, sqlite:./path, sqlite::memory: or postgres://user@host/db',
    )
  }
  const settings: Settings = {
    databaseUrl,
    database: database ?? { engine: 'sqlite', path: ':memory:' },
    apiKeySecret: r.string('BACKEND_API_KEY_SECRET', DEFAULT_SECRET),
    apiKeySecretPrevious: r.raw('BACKEND_API_KEY_SECRET_PREVIOUS') ?? null,
    backupFile: resolvePath(r.string('BACKEND_BACKUP_FILE', 'backend/config_backup.json')),
    requestTimeoutSeconds: r.number('BACKEND_REQUEST_TIMEOUT_SECONDS', 10, { min: 0.1, max: 600 }),
    healthCheckEnabled: r.boolean('BACKEND_HEALTH_CHECK_ENABLED', true),
    healthCheckIntervalSeconds: r.number('BACKEND_HEALTH_CHECK_INTERVAL_SECONDS', 60, {
      min: 0.05,
      max: 86400,
    }),
    healthCheckTimeoutSeconds: r.number('BACKEND_HEALTH_CHECK_TIMEOUT_SECONDS', 5, { min: 0.05, max: 600 }),
    healthCheckFailureThreshold: r.number('BACKEND_HEALTH_CHECK_FAILURE_THRESHOLD', 3, {
      min: 1,
      max: 1000,
      integer: true,
    }),
    responseBindingRetentionDays: r.number('BACKEND_RESPONSE_BINDING_RETENTION_DAYS', 30, {
      min: 0.0001,
      max: 3650,
    }),
    affinityTtlSeconds: r.number('BACKEND_AFFINITY_TTL_SECONDS', 300, { min: 1, max: 86400 }),
    affinityMaxBindings: r.number('BACKEND_AFFINITY_MAX_BINDINGS', 100_000, {
      min: 1,
      max: 10_000_000,
      integer: true,
    }),
    host: r.string('BACKEND_HOST', '127.0.0.1'),
    port: r.number('BACKEND_PORT', 8000, { min: 0, max: 65535, integer: true }),
    adminToken: r.raw('BACKEND_ADMIN_TOKEN') ?? null,
    logDir: resolvePath(r.string('BACKEND_LOG_DIR', 'backend/logs')),
    logLevel: r.oneOf('BACKEND_LOG_LEVEL', 'info', [
      'trace',
      'debug',
      'info',
      'warn',
      'error',
      'fatal',
      'silent',
    ]),
    logMaxBytes: r.number('BACKEND_LOG_MAX_BYTES', 10 * 1024 * 1024, { min: 1024, integer: true }),
    logMaxFiles: r.number('BACKEND_LOG_MAX_FILES', 10, { min: 1, max: 1000, integer: true }),
    gatewayTimeoutSeconds: r.number('BACKEND_GATEWAY_TIMEOUT_SECONDS', 60, { min: 0.05, max: 3600 }),
    gatewayFirstTokenTimeoutSeconds: r.number('BACKEND_GATEWAY_FIRST_TOKEN_TIMEOUT_SECONDS', 60, {
      min: 0.05,
      max: 3600,
    }),
    gatewayStreamIdleTimeoutSeconds: r.number('BACKEND_GATEWAY_STREAM_IDLE_TIMEOUT_SECONDS', 30, {
      min: 0.05,
      max: 3600,
    }),
    gatewayStreamMaxDurationSeconds: r.number('BACKEND_GATEWAY_STREAM_MAX_DURATION_SECONDS', 0, {
      min: 0,
      max: 604_800,
    }),
    gatewayMaxAttempts: r.number('BACKEND_GATEWAY_MAX_ATTEMPTS', 3, { min: 1, max: 20, integer: true }),
    gatewayAdaptiveFirstTokenMultiplier: r.number('BACKEND_GATEWAY_ADAPTIVE_FIRST_TOKEN_MULTIPLIER', 4, {
      min: 1,
      max: 100,
    }),
    gatewayAdaptiveFirstTokenFloorSeconds: r.number('BACKEND_GATEWAY_ADAPTIVE_FIRST_TOKEN_FLOOR_SECONDS', 2, {
      min: 0.05,
      max: 3600,
    }),
    circuit: {
      failures: r.number('BACKEND_CIRCUIT_FAILURES', 5, { min: 0, max: 1000, integer: true }),
      errorRatio: r.number('BACKEND_CIRCUIT_ERROR_RATIO', 0.5, { min: 0, max: 1 }),
      windowSeconds: r.number('BACKEND_CIRCUIT_WINDOW_SECONDS', 60, { min: 1, max: 3600 }),
      minRequests: r.number('BACKEND_CIRCUIT_MIN_REQUESTS', 10, { min: 1, max: 100_000, integer: true }),
      coolOffSeconds: r.number('BACKEND_CIRCUIT_COOL_OFF_SECONDS', 30, { min: 0.05, max: 3600 }),
      successes: r.number('BACKEND_CIRCUIT_SUCCESSES', 2, { min: 1, max: 100, integer: true }),
      slowStartSeconds: r.number('BACKEND_CIRCUIT_SLOW_START_SECONDS', 30, { min: 0, max: 3600 }),
    },
    requestLogRetentionDays: r.number('BACKEND_REQUEST_LOG_RETENTION_DAYS', 30, {
      min: 1,
      max: 3650,
      integer: true,
    }),
    requestLog: r.boolean('BACKEND_REQUEST_LOG', true),
    metricsPerKey: r.boolean('BACKEND_METRICS_PER_KEY', false),
    syncIntervalSeconds: r.number('BACKEND_SYNC_INTERVAL_SECONDS', 1, { min: 0.05, max: 3600 }),
    shutdownGraceSeconds: r.number('BACKEND_SHUTDOWN_GRACE_SECONDS', 30, { min: 0, max: 3600 }),
    apiBodyLimitBytes: r.number('BACKEND_API_BODY_LIMIT_BYTES', 1024 * 1024, { min: 1024, integer: true }),
    gatewayBodyLimitBytes: r.number('BACKEND_GATEWAY_BODY_LIMIT_BYTES', 10 * 1024 * 1024, {
      min: 1024,
      integer: true,
    }),
    headersTimeoutSeconds: r.number('BACKEND_HEADERS_TIMEOUT_SECONDS', 10, { min: 0.1, max: 3600 }),
    requestBodyTimeoutSeconds: r.number('BACKEND_REQUEST_BODY_TIMEOUT_SECONDS', 60, {
      min: 0.1,
      max: 86400,
    }),
    maxConnections: r.number('BACKEND_MAX_CONNECTIONS', 1000, { min: 1, max: 1_000_000, integer: true }),
    allowedHosts: Object.freeze(readAllowedHosts(r)),
  }
  if (settings.headersTimeoutSeconds > settings.requestBodyTimeoutSeconds) {
    r.problems.push(
      `BACKEND_HEADERS_TIMEOUT_SECONDS=${settings.headersTimeoutSeconds}: must not be longer than BACKEND_REQUEST_BODY_TIMEOUT_SECONDS (${settings.requestBodyTimeoutSeconds}), which bounds headers and body together`,
    )
  }
  if (r.problems.length > 0) throw new SettingsError(r.problems)
  return Object.freeze(settings)
}

function isIpv6(text: string): boolean {
  return /^[0-9a-f:.]+$/.test(text) && (text.match(/:/g)?.length ?? 0) >= 2
}

const LABEL = '[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?'
const HOST_NAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`)

/** A DNS name or IPv4 address without a port, lower case, without a trailing dot; else null. */
function bareHostName(text: string): string | null {
  const host = text.toLowerCase().replace(/\.$/, '')
  return host.length <= 253 && HOST_NAME.test(host) ? host : null
}

/**
 * The host a Host header names, normalised: lower case, without the port, the brackets of an
 * IPv6 address or a trailing dot. Null when it is not a host name.
 */
export function hostNameOf(header: string): string | null {
  const text = header.trim().toLowerCase()
  const bracketed = /^\[([^\]]*)\](?::\d{1,5})?$/.exec(text)
  if (bracketed) return isIpv6(bracketed[1] ?? '') ? (bracketed[1] ?? null) : null
  const withPort = /^([^:]*)(?::\d{1,5})?$/.exec(text)
  return withPort ? bareHostName(withPort[1] ?? '') : null
}

/** BACKEND_ALLOWED_HOSTS: comma-separated names or addresses, without ports; `*` for any. */
function readAllowedHosts(r: Reader): string[] {
  const text = r.raw('BACKEND_ALLOWED_HOSTS')
  if (text === undefined) return []
  const hosts: string[] = []
  for (const entry of text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const bare = entry.toLowerCase().replace(/^\[(.*)\]$/, '$1')
    const name = entry === '*' ? '*' : isIpv6(bare) ? bare : bareHostName(bare)
    if (name === null) {
      r.problems.push(
        `BACKEND_ALLOWED_HOSTS: "${entry}" is not a host name; expected names or addresses such as switchboard.example.com or 10.0.0.5, comma-separated, without a port (* allows any)`,
      )
      continue
    }
    hosts.push(name)
  }
  return hosts
}

export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '')
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h)
}

/** DESIGN.md §7: refuse to serve a non-loopback host without a token or with the default secret. */
export function startupRefusal(settings: Settings): string | null {
  if (isLoopbackHost(settings.host)) return null
  if (!settings.adminToken) {
    return `BACKEND_HOST=${settings.host} is not a loopback address: set BACKEND_ADMIN_TOKEN before exposing the API`
  }
  if (settings.apiKeySecret === DEFAULT_SECRET) {
    return `BACKEND_HOST=${settings.host} is not a loopback address: set BACKEND_API_KEY_SECRET to a strong secret (it is still the default "change-me")`
  }
  if (settings.apiKeySecret.length < MIN_SECRET_LENGTH) {
    return `BACKEND_HOST=${settings.host} is not a loopback address: BACKEND_API_KEY_SECRET has ${settings.apiKeySecret.length} characters, at least ${MIN_SECRET_LENGTH} are needed (e.g. openssl rand -base64 32)`
  }
  return null
}

/** A secret this short is warned about at start-up, and refused on a non-loopback host. */
export const MIN_SECRET_LENGTH = 32

/** The start-up warning about a weak BACKEND_API_KEY_SECRET, or null; never the secret itself. */
export function weakSecretWarning(settings: Settings): string | null {
  if (settings.apiKeySecret === DEFAULT_SECRET) {
    return 'BACKEND_API_KEY_SECRET is the default "change-me": set a strong secret before storing real keys'
  }
  if (settings.apiKeySecret.length < MIN_SECRET_LENGTH) {
    return `BACKEND_API_KEY_SECRET has ${settings.apiKeySecret.length} characters: use at least ${MIN_SECRET_LENGTH} (e.g. openssl rand -base64 32); a non-loopback BACKEND_HOST refuses it`
  }
  return null
}
