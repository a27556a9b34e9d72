/** Test helpers: a real database per test (SQLite file or PostgreSQL schema) and the real app. */
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import pg from 'pg'
import pino, { type Logger } from 'pino'
import { expect, onTestFinished } from 'vitest'
import { buildApp } from '../src/app.js'
import { loadSettings, type Settings } from '../src/settings.js'

export const TEST_SECRET = 'test-secret-0123456789abcdef'

export function isPostgresRun(): boolean {
  return process.env.SWITCHBOARD_TEST_DB === 'postgres'
}

/** A temporary folder removed when the test ends. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-test-'))
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** A fresh PostgreSQL schema, dropped when the test ends; the URL selects it through search_path. */
export async function tempPostgresUrl(): Promise<string> {
  const base = process.env.TEST_POSTGRES_URL
  if (!base) throw new Error('TEST_POSTGRES_URL is not set')
  const schema = `t_${randomBytes(6).toString('hex')}`
  const client = new pg.Client({ connectionString: base })
  await client.connect()
  await client.query(`CREATE SCHEMA ${schema}`)
  await client.end()
  onTestFinished(async () => {
    const c = new pg.Client({ connectionString: base })
    await c.connect()
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
    await c.end()
  })
  const url = new URL(base)
  url.searchParams.set('options', `-c search_path=${schema}`)
  return url.toString()
}

/** The database URL for this test run: a SQLite file in `dir`, or a fresh PostgreSQL schema. */
export async function testDatabaseUrl(dir: string): Promise<string> {
  return isPostgresRun() ? tempPostgresUrl() : `sqlite:${join(dir, 'switchboard.db')}`
}

/** Environment for a test server (also used to run the CLI and main.ts as child processes). */
export async function testEnv(
  dir: string,
  extra: Record<string, string> = {},
): Promise<Record<string, string>> {
  return {
    BACKEND_DATABASE_URL: await testDatabaseUrl(dir),
    BACKEND_API_KEY_SECRET: TEST_SECRET,
    BACKEND_BACKUP_FILE: join(dir, 'backup.json'),
    BACKEND_LOG_DIR: join(dir, 'logs'),
    BACKEND_HEALTH_CHECK_ENABLED: 'false',
    BACKEND_LOG_LEVEL: 'info',
    ...extra,
  }
}

export interface TestApp {
  app: FastifyInstance
  settings: Settings
  dir: string
}

/** The real app on a fresh database; closed when the test ends. */
export async function buildTestApp(
  extra: Record<string, string> = {},
  opts: { logger?: Logger; dir?: string; uiDir?: string; clock?: () => number } = {},
): Promise<TestApp> {
  const dir = opts.dir ?? tempDir()
  const settings = loadSettings(await testEnv(dir, extra))
  const app = await buildApp(settings, {
    logger: opts.logger ?? pino({ level: 'silent' }),
    ...(opts.uiDir ? { uiDir: opts.uiDir } : {}),
    ...(opts.clock ? { clock: opts.clock } : {}),
  })
  onTestFinished(() => app.close())
  await app.ready()
  return { app, settings, dir }
}

/** A stand-in for frontend/dist in `dir`: an index page and one hashed asset. */
export function fakeUi(dir: string): string {
  const ui = join(dir, 'ui')
  mkdirSync(join(ui, 'assets'), { recursive: true })
  writeFileSync(
    join(ui, 'index.html'),
    '<!doctype html><html><head><script type="module" src="/assets/app-3f9a1c.js"></script></head><body><div id="app">switchboard-ui</div></body></html>',
  )
  writeFileSync(join(ui, 'assets', 'app-3f9a1c.js'), 'export const ui = true\n')
  return ui
}

export const sampleProvider = {
  name: 'OpenAI',
  base_url: 'https://api.openai.com/v1',
  api_key: 'sk-test-abcdef0123456789',
  models: ['gpt-4o', 'gpt-4o-mini'],
}

/** Creates providers p1, p2, … offering the given models; answers their ids in order. */
export async function createProviders(app: FastifyInstance, models: string[][]): Promise<number[]> {
  const ids: number[] = []
  for (const [i, list] of models.entries()) {
    const res = await app.inject({
      method: 'POST',
      url: '/api/providers',
      payload: { ...sampleProvider, name: `p${i + 1}`, models: list },
    })
    expect(res.statusCode).toBe(201)
    ids.push(res.json().id)
  }
  return ids
}

/** `count` providers p1…pN, each offering its own model `mN` and `shared`. */
export function providersWithSharedModel(count: number): string[][] {
  return Array.from({ length: count }, (_, i) => [`m${i + 1}`, 'shared'])
}

/** Creates a route and answers its id. */
export async function createRouteId(app: FastifyInstance, payload: object): Promise<number> {
  const res = await app.inject({ method: 'POST', url: '/api/model-routes', payload })
  expect(res.statusCode, res.body).toBe(201)
  return res.json().id
}
