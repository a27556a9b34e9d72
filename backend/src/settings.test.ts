import { describe, expect, it } from 'vitest'
import {
  loadSettings,
  parseDatabaseUrl,
  repoRoot,
  SettingsError,
  startupRefusal,
  weakSecretWarning,
} from './settings.js'

describe('loadSettings', () => {
  it('uses the documented defaults, paths resolved against the repository root', () => {
    const s = loadSettings({})
    expect(s.database).toEqual({ engine: 'sqlite', path: `${repoRoot}/backend/data/providers.db` })
    expect(s.backupFile).toBe(`${repoRoot}/backend/config_backup.json`)
    expect(s).toMatchObject({
      apiKeySecret: 'change-me',
      requestTimeoutSeconds: 10,
      healthCheckEnabled: true,
      healthCheckIntervalSeconds: 60,
      healthCheckTimeoutSeconds: 5,
      healthCheckFailureThreshold: 3,
      host: '127.0.0.1',
      port: 8000,
      adminToken: null,
      logLevel: 'info',
      gatewayTimeoutSeconds: 60,
      gatewayFirstTokenTimeoutSeconds: 60,
      gatewayStreamIdleTimeoutSeconds: 30,
      gatewayMaxAttempts: 3,
    })
    expect(Object.isFrozen(s)).toBe(true)
  })

  it('reads values from the environment', () => {
    const s = loadSettings({
      BACKEND_PORT: '9001',
      BACKEND_HEALTH_CHECK_ENABLED: 'false',
      BACKEND_REQUEST_TIMEOUT_SECONDS: '2.5',
      BACKEND_ADMIN_TOKEN: 'tok',
    })
    expect(s).toMatchObject({
      port: 9001,
      healthCheckEnabled: false,
      requestTimeoutSeconds: 2.5,
      adminToken: 'tok',
    })
  })

  it('names every bad variable and what it accepts', () => {
    try {
      loadSettings({
        BACKEND_PORT: 'eighty',
        BACKEND_HEALTH_CHECK_ENABLED: 'maybe',
        BACKEND_DATABASE_URL: 'mysql://x',
      })
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(SettingsError)
      const problems = (error as SettingsError).problems.join('\n')
      expect(problems).toContain('BACKEND_PORT=eighty: expected an integer')
      expect(problems).toContain('BACKEND_HEALTH_CHECK_ENABLED=maybe: expected true or false')
      expect(problems).toContain('BACKEND_DATABASE_URL')
    }
  })

  it('refuses a failure threshold below one', () => {
    expect(() => loadSettings({ BACKEND_HEALTH_CHECK_FAILURE_THRESHOLD: '0' })).toThrow(SettingsError)
  })

  it('has no maximum stream duration by default, and reads one in seconds', () => {
    expect(loadSettings({}).gatewayStreamMaxDurationSeconds).toBe(0)
    expect(
      loadSettings({ BACKEND_GATEWAY_STREAM_MAX_DURATION_SECONDS: '900' }).gatewayStreamMaxDurationSeconds,
    ).toBe(900)
    expect(() => loadSettings({ BACKEND_GATEWAY_STREAM_MAX_DURATION_SECONDS: '-1' })).toThrow(
      'BACKEND_GATEWAY_STREAM_MAX_DURATION_SECONDS=-1: expected a number from 0 to 604800',
    )
  })
})

describe('parseDatabaseUrl', () => {
  it.each([
    ['sqlite:///./backend/data/x.db', { engine: 'sqlite', path: `${repoRoot}/backend/data/x.db` }],
    ['sqlite:./x.db', { engine: 'sqlite', path: `${repoRoot}/x.db` }],
    ['sqlite:/abs/x.db', { engine: 'sqlite', path: '/abs/x.db' }],
    ['sqlite:////abs/x.db', { engine: 'sqlite', path: '/abs/x.db' }],
    ['sqlite::memory:', { engine: 'sqlite', path: ':memory:' }],
    ['postgres://u@h/db', { engine: 'postgres', url: 'postgres://u@h/db' }],
    ['postgresql://u@h/db', { engine: 'postgres', url: 'postgresql://u@h/db' }],
  ])('understands %s', (url, expected) => {
    expect(parseDatabaseUrl(url)).toEqual(expected)
  })

  it.each(['mysql://x', 'sqlite:', 'file.db'])('rejects %s', (url) => {
    expect(parseDatabaseUrl(url)).toBeNull()
  })
})

describe('startupRefusal', () => {
  it('allows development mode on a loopback host', () => {
    expect(startupRefusal(loadSettings({}))).toBeNull()
  })

  it('refuses a public host without an admin token', () => {
    expect(startupRefusal(loadSettings({ BACKEND_HOST: '0.0.0.0' }))).toContain('BACKEND_ADMIN_TOKEN')
  })

  it('refuses a public host with the default secret', () => {
    const s = loadSettings({ BACKEND_HOST: '0.0.0.0', BACKEND_ADMIN_TOKEN: 't' })
    expect(startupRefusal(s)).toContain('BACKEND_API_KEY_SECRET')
  })

  it('allows a public host with a token and a real secret', () => {
    const s = loadSettings({
      BACKEND_HOST: '0.0.0.0',
      BACKEND_ADMIN_TOKEN: 't',
      BACKEND_API_KEY_SECRET: 'a-strong-secret-of-32-characters',
    })
    expect(startupRefusal(s)).toBeNull()
    expect(weakSecretWarning(s)).toBeNull()
  })

  it('refuses a public host with a secret shorter than 32 characters, without showing it', () => {
    const s = loadSettings({
      BACKEND_HOST: '0.0.0.0',
      BACKEND_ADMIN_TOKEN: 't',
      BACKEND_API_KEY_SECRET: 'short-secret-31-characters-long',
    })
    const refusal = startupRefusal(s)
    expect(refusal).toContain('BACKEND_API_KEY_SECRET has 31 characters, at least 32 are needed')
    expect(refusal).not.toContain('short-secret-31')
  })

  it('warns about a short secret on loopback, and about the default one', () => {
    const short = loadSettings({ BACKEND_API_KEY_SECRET: 'tiny-secret' })
    expect(startupRefusal(short)).toBeNull()
    expect(weakSecretWarning(short)).toContain('BACKEND_API_KEY_SECRET has 11 characters: use at least 32')
    expect(weakSecretWarning(short)).not.toContain('tiny-secret')
    expect(weakSecretWarning(loadSettings({}))).toContain('"change-me"')
  })
})
