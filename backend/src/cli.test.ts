import { execFile, spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import pino from 'pino'
import { describe, expect, it } from 'vitest'
import { waitFor } from '../test/fake-upstream.js'
import { sampleProvider, TEST_SECRET, tempDir, testEnv } from '../test/helpers.js'
import { buildApp } from './app.js'
import { runCli } from './cli.js'
import { createKeyBox } from './core/crypto.js'
import { loadSettings } from './settings.js'

const OLD = 'old-secret-0123456789-0123456789-ab'
const NEW = 'new-secret-0123456789-0123456789-cd'

const backendDir = fileURLToPath(new URL('..', import.meta.url))

// Written by the code before keys were bound to origins: createKeyBox(TEST_SECRET).seal(sampleProvider.api_key).
const LEGACY_V1 = 'v1:i7QUqjM1od79-N9g:WMOal0q2U6XgkSPUYO-sjEHPgW8nxOQn9Eu5WGlxrJJ_EHPUTz0tgw'

interface Run {
  code: number
  stdout: string
  stderr: string
}

/** The command in this process, as bin/switchboard.js runs it (a silent logger instead of app.log). */
async function cli(args: string[], env: Record<string, string>): Promise<Run> {
  const stdout: string[] = []
  const stderr: string[] = []
  const code = await runCli(['node', 'switchboard', ...args], {
    out: (line) => stdout.push(`${line}\n`),
    err: (line) => stderr.push(`${line}\n`),
    env,
    logger: pino({ level: 'silent' }),
  })
  return { code, stdout: stdout.join(''), stderr: stderr.join('') }
}

/** A real process: what the in-process runs cannot show (it exits by itself, its exit code). */
function run(script: 'cli' | 'main', args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', `src/${script}.ts`, ...args],
      { cwd: backendDir, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
        resolve({ code, stdout, stderr })
      },
    )
  })
}

/** Seeds providers through the real app, then closes it: the CLI runs on the same database. */
async function seed(env: Record<string, string>, names: string[]) {
  const app = await buildApp(loadSettings(env), { logger: pino({ level: 'silent' }) })
  for (const name of names) {
    const res = await app.inject({
      method: 'POST',
      url: '/api/providers',
      payload: { ...sampleProvider, name },
    })
    expect(res.statusCode).toBe(201)
  }
  const list = (await app.inject({ method: 'GET', url: '/api/providers' })).json() as { name: string }[]
  await app.close()
  return list
}

async function providerNames(env: Record<string, string>): Promise<string[]> {
  const app = await buildApp(loadSettings(env), { logger: pino({ level: 'silent' }) })
  const list = (await app.inject({ method: 'GET', url: '/api/providers' })).json() as { name: string }[]
  await app.close()
  return list.map((p) => p.name)
}

describe('switchboard CLI', () => {
  it('exports the configuration to a file of your choice', async () => {
    const dir = tempDir()
    const env = await testEnv(dir)
    await seed(env, ['a', 'b'])
    const file = join(dir, 'exported.json')
    // a real process: it closes everything it opened, or it would not exit by itself
    const res = await run('cli', ['export', '--file', file], env)
    expect(res.stderr).toBe('')
    expect(res.code).toBe(0)
    expect(res.stdout).toContain('exported 2 providers')
    const doc = JSON.parse(readFileSync(file, 'utf8'))
    expect(doc.providers.map((p: { name: string }) => p.name)).toEqual(['a', 'b'])
    expect(readFileSync(file, 'utf8')).not.toContain(sampleProvider.api_key)
  })

  it('restores from a file, and a dry run changes nothing', async () => {
    const dir = tempDir()
    const env = await testEnv(dir)
    await seed(env, ['keep', 'drop'])
    const file = join(dir, 'exported.json')
    await cli(['export', '--file', file], env)
    const doc = JSON.parse(readFileSync(file, 'utf8'))
    doc.providers = doc.providers.filter((p: { name: string }) => p.name === 'keep')
    writeFileSync(file, JSON.stringify(doc))

    const dry = await cli(['restore', '--file', file, '--dry-run'], env)
    expect(dry.code).toBe(0)
    expect(dry.stdout).toContain('dry run, nothing changed')
    expect(dry.stdout).toContain('1 removed (drop)')
    expect(await providerNames(env)).toEqual(['keep', 'drop'])

    const real = await cli(['restore', '--file', file], env)
    expect(real.code).toBe(0)
    expect(await providerNames(env)).toEqual(['keep'])
  })

  it('exits 1 with the reason on a bad backup and changes nothing', async () => {
    const dir = tempDir()
    const env = await testEnv(dir)
    await seed(env, ['a'])
    const file = join(dir, 'bad.json')
    writeFileSync(file, '{"version": 1, "providers": "nope"}')
    const res = await cli(['restore', '--file', file], env)
    expect(res.code).toBe(1)
    expect(res.stderr).toMatch(/not a valid Switchboard backup/)
    const missing = await cli(['restore', '--file', join(dir, 'missing.json')], env)
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/does not exist/)
    expect(await providerNames(env)).toEqual(['a'])
  })

  it('restores --if-empty only into an empty database', async () => {
    const dir = tempDir()
    const env = await testEnv(dir)
    await seed(env, ['a'])
    const file = join(dir, 'exported.json')
    await cli(['export', '--file', file], env)
    const skipped = await cli(['restore', '--if-empty', '--file', file], env)
    expect(skipped.stdout).toContain('already has providers')

    const fresh = await testEnv(tempDir())
    const restored = await cli(['restore', '--if-empty', '--file', file], fresh)
    expect(restored.code).toBe(0)
    expect(await providerNames(fresh)).toEqual(['a'])
  })

  it('rotates every key to the new secret', async () => {
    const dir = tempDir()
    const oldEnv = await testEnv(dir, { BACKEND_API_KEY_SECRET: 'old-secret' })
    await seed(oldEnv, ['a', 'b'])
    const rotating = {
      ...oldEnv,
      BACKEND_API_KEY_SECRET: 'new-secret',
      BACKEND_API_KEY_SECRET_PREVIOUS: 'old-secret',
    }
    const res = await cli(['rotate-secret'], rotating)
    expect(res.stderr).toBe('')
    expect(res.stdout).toContain('re-encrypted 2 keys')
    const doc = JSON.parse(readFileSync(oldEnv.BACKEND_BACKUP_FILE as string, 'utf8'))
    const onlyNew = createKeyBox('new-secret')
    for (const p of doc.providers) {
      expect(onlyNew.open(p.api_key_encrypted, 'https://api.openai.com')).toBe(sampleProvider.api_key)
    }
    const again = await cli(['rotate-secret'], rotating)
    expect(again.stdout).toContain('re-encrypted 0 keys; 2 already used the current secret')
  })

  it('warns about a running server that does not know the new secret, says how to roll, and changes nothing', async () => {
    const dir = tempDir()
    const oldEnv = await testEnv(dir, { BACKEND_API_KEY_SECRET: OLD })
    await seed(oldEnv, ['a'])
    const server = await buildApp(loadSettings(oldEnv), { logger: pino({ level: 'silent' }) })
    await server.ready()
    const rotating = { ...oldEnv, BACKEND_API_KEY_SECRET: NEW, BACKEND_API_KEY_SECRET_PREVIOUS: OLD }
    try {
      const refused = await cli(['rotate-secret'], rotating)
      expect(refused.code).toBe(1)
      expect(refused.stderr).toMatch(
        /1 server\(s\) running on this database do not know the new BACKEND_API_KEY_SECRET/,
      )
      expect(refused.stderr).toContain(`pid ${process.pid}`)
      expect(refused.stderr).toMatch(
        /restart every server with BACKEND_API_KEY_SECRET=<new> and BACKEND_API_KEY_SECRET_PREVIOUS=<old> first/,
      )
      expect(refused.stderr).toContain('nothing was changed')
      expect(refused.stderr).not.toContain(NEW)
      expect(refused.stderr).not.toContain(OLD)
      // the running server still answers with its old secret
      const providers = (await server.inject({ method: 'GET', url: '/api/providers' })).json()
      expect(providers).toHaveLength(1)
      const forced = await cli(['rotate-secret', '--force'], rotating)
      expect(forced.code).toBe(0)
      expect(forced.stdout).toContain('re-encrypted 1 keys')
    } finally {
      await server.close()
    }
    // a closed server no longer counts
    const after = await cli(['rotate-secret'], rotating)
    expect(after.stderr).toBe('')
  })

  it('rotates without a warning when the running servers already know both secrets', async () => {
    const dir = tempDir()
    const oldEnv = await testEnv(dir, { BACKEND_API_KEY_SECRET: OLD })
    await seed(oldEnv, ['a'])
    const rotating = { ...oldEnv, BACKEND_API_KEY_SECRET: NEW, BACKEND_API_KEY_SECRET_PREVIOUS: OLD }
    const server = await buildApp(loadSettings(rotating), { logger: pino({ level: 'silent' }) })
    await server.ready()
    try {
      const res = await cli(['rotate-secret'], rotating)
      expect(res.stderr).toBe('')
      expect(res.code).toBe(0)
      expect(res.stdout).toContain('re-encrypted 1 keys')
    } finally {
      await server.close()
    }
  })

  it('says so on its own when BACKEND_API_KEY_SECRET_PREVIOUS is not set', async () => {
    const dir = tempDir()
    const oldEnv = await testEnv(dir, { BACKEND_API_KEY_SECRET: OLD })
    await seed(oldEnv, ['a'])
    const res = await cli(['rotate-secret'], { ...oldEnv, BACKEND_API_KEY_SECRET: NEW })
    expect(res.code).toBe(1)
    expect(res.stderr).toMatch(
      /BACKEND_API_KEY_SECRET_PREVIOUS is not set: rotate-secret re-encrypts from it/,
    )
    expect(res.stderr).toContain('nothing was changed')
    const nothingToDo = await cli(['rotate-secret'], oldEnv)
    expect(nothingToDo.code).toBe(0)
    expect(nothingToDo.stdout).toMatch(
      /BACKEND_API_KEY_SECRET_PREVIOUS is not set, so there was nothing to re-encrypt from/,
    )
  })

  it('refuses a rotation when a key opens with neither secret', async () => {
    const dir = tempDir()
    const oldEnv = await testEnv(dir, { BACKEND_API_KEY_SECRET: 'old-secret' })
    await seed(oldEnv, ['a'])
    const res = await cli(['rotate-secret'], { ...oldEnv, BACKEND_API_KEY_SECRET: 'new-secret' })
    expect(res.code).toBe(1)
    expect(res.stderr).toMatch(/nothing was changed/)
  })

  it('refuses, dry run included, a backup whose key was moved to another host', async () => {
    const dir = tempDir()
    const env = await testEnv(dir)
    await seed(env, ['a'])
    const file = join(dir, 'moved.json')
    await cli(['export', '--file', file], env)
    const doc = JSON.parse(readFileSync(file, 'utf8'))
    doc.providers[0].base_url = 'https://capture.example/v1'
    writeFileSync(file, JSON.stringify(doc))
    for (const args of [['--dry-run'], []]) {
      const res = await cli(['restore', '--file', file, ...args], env)
      expect(res.code).toBe(1)
      expect(res.stderr).toMatch(/providers\[0\] \("a"\) cannot be decrypted for https:\/\/capture\.example/)
    }
    const exported = await buildApp(loadSettings(env), { logger: pino({ level: 'silent' }) })
    const list = (await exported.inject({ method: 'GET', url: '/api/providers' })).json()
    await exported.close()
    expect(list.map((p: { base_url: string }) => p.base_url)).toEqual([sampleProvider.base_url])
  }, 60_000)

  it('restores legacy v1 keys into an empty database only with --bind-legacy-keys, re-sealed for their origin', async () => {
    const dir = tempDir()
    const env = await testEnv(dir)
    const file = join(dir, 'legacy.json')
    const provider = {
      id: 1,
      name: 'a',
      base_url: sampleProvider.base_url,
      api_key_encrypted: LEGACY_V1,
      api_key_hint: 'sk-…6789',
      models: [],
      is_active: true,
    }
    writeFileSync(file, JSON.stringify({ version: 1, exported_at: 'x', providers: [provider] }))
    const refused = await cli(['restore', '--if-empty', '--file', file], env)
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/legacy v1 key.*--bind-legacy-keys/)
    expect(await providerNames(env)).toEqual([])

    const bound = await cli(['restore', '--if-empty', '--bind-legacy-keys', '--file', file], env)
    expect(bound.stderr).toBe('')
    expect(bound.code).toBe(0)
    const sealed = JSON.parse(readFileSync(env.BACKEND_BACKUP_FILE as string, 'utf8')).providers[0]
      .api_key_encrypted
    const box = createKeyBox(TEST_SECRET)
    expect(sealed).toMatch(/^v2:/)
    expect(box.open(sealed, 'https://api.openai.com')).toBe(sampleProvider.api_key)
    expect(box.canOpen(sealed, 'https://capture.example')).toBe(false)
  }, 60_000)

  it('re-seals legacy v1 keys as v2 bound to the provider origin on rotate-secret', async () => {
    const dir = tempDir()
    const env = await testEnv(dir)
    await seed(env, ['a'])
    const app = await buildApp(loadSettings(env), { logger: pino({ level: 'silent' }) })
    await app.core.db.kysely.updateTable('providers').set({ api_key_sealed: LEGACY_V1 }).execute()
    await app.close()
    const res = await cli(['rotate-secret'], env)
    expect(res.stderr).toBe('')
    expect(res.stdout).toContain('re-encrypted 1 keys; 0 already used the current secret')
    const sealed = JSON.parse(readFileSync(env.BACKEND_BACKUP_FILE as string, 'utf8')).providers[0]
      .api_key_encrypted
    expect(sealed).toMatch(/^v2:/)
    expect(createKeyBox(TEST_SECRET).open(sealed, 'https://api.openai.com')).toBe(sampleProvider.api_key)
    expect(createKeyBox(TEST_SECRET).canOpen(sealed, 'https://other.example')).toBe(false)
  }, 60_000)

  it('exits 2 naming a bad setting', async () => {
    const env = await testEnv(tempDir(), { BACKEND_PORT: 'eighty' })
    const res = await run('cli', ['export'], env)
    expect(res.code).toBe(2)
    expect(res.stderr).toContain('BACKEND_PORT=eighty')
  })

  it('exits 1 naming an unknown command, and 0 with the usage for --help', async () => {
    const env = await testEnv(tempDir())
    const unknown = await cli(['nope'], env)
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain("unknown command 'nope'")
    const help = await cli(['--help'], env)
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('rotate-secret')
  })

  it('warns at start-up in development mode and while the secret is the default, and stops on SIGTERM', async () => {
    const env = await testEnv(tempDir(), { BACKEND_PORT: '0', BACKEND_API_KEY_SECRET: 'change-me' })
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: backendDir,
      env: { PATH: process.env.PATH ?? '', ...env },
    })
    let stdout = ''
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
    })
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
    try {
      await waitFor(() => stdout.includes('Server listening'), 20_000)
    } finally {
      child.kill('SIGTERM')
    }
    expect(await exited).toBe(0)
    expect(stdout).toMatch(/WARNING .*development mode: no BACKEND_ADMIN_TOKEN/)
    expect(stdout).toMatch(/WARNING .*BACKEND_API_KEY_SECRET is the default/)
    expect(stdout).toContain('shutting down')
  })

  it('refuses to serve a non-loopback host without an admin token', async () => {
    const env = await testEnv(tempDir(), { BACKEND_HOST: '0.0.0.0', BACKEND_PORT: '0' })
    const res = await run('main', [], env)
    expect(res.code).toBe(2)
    expect(res.stderr).toContain('BACKEND_ADMIN_TOKEN')
  })
})
