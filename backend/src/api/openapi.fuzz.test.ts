/**
 * A bounded, seeded fuzz of every operation in /openapi.json, on the real app and database (both
 * engines). What must hold whatever a client sends:
 * - no 500, and no other 5xx an operation does not document (/v1: 502/503/504 are the gateway's
 *   answers about upstreams; only a 500 is a failure there);
 * - a 4xx changes nothing: the configuration (the export minus exported_at, plus the client keys as
 *   GET /api/keys lists them) is the same before and after;
 * - whatever the API accepted restores: after every change, the export passes a dry-run restore;
 * - with the admin token nothing answers 401; without credentials every secured operation answers
 *   401 and changes nothing.
 *
 * SWITCHBOARD_FUZZ_SEED=<n> replays a run (the seed is printed with any failure, with the request);
 * SWITCHBOARD_FUZZ_RUNS sets the cases per operation (default 200); SWITCHBOARD_FUZZ_VERBOSE=1
 * prints how often each operation answered each status.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import type { FastifyInstance } from 'fastify'
import pino from 'pino'
import { describe, expect, it } from 'vitest'
import { closedPortUrl, fakeUpstream } from '../../test/fake-upstream.js'
import {
  bodyValue,
  type FuzzRequest,
  type JsonSchema,
  mutate,
  type Operation,
  operationsOf,
  type Pools,
  requestArbitrary,
  wildValue,
} from '../../test/fuzz.js'
import { buildTestApp, sampleProvider } from '../../test/helpers.js'
import { buildApp } from '../app.js'
import { loadSettings } from '../settings.js'

const SEED = Number(process.env.SWITCHBOARD_FUZZ_SEED ?? 1_115_011)
const RUNS = Number(process.env.SWITCHBOARD_FUZZ_RUNS ?? 200)
const UNAUTHENTICATED_RUNS = Math.max(10, Math.round(RUNS / 8))
const TOKEN = 'fuzz-admin-token-0123456789abcdef'

/** The operations, read once from the document the app serves (the same on either engine). */
async function readOperations(): Promise<{ operations: Operation[]; backupSchema: JsonSchema }> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-fuzz-spec-'))
  try {
    const settings = loadSettings({
      BACKEND_DATABASE_URL: 'sqlite::memory:',
      BACKEND_API_KEY_SECRET: 'fuzz-spec-secret-0123456789',
      BACKEND_BACKUP_FILE: join(dir, 'backup.json'),
      BACKEND_LOG_DIR: join(dir, 'logs'),
      BACKEND_HEALTH_CHECK_ENABLED: 'false',
      BACKEND_ADMIN_TOKEN: TOKEN,
    })
    const app = await buildApp(settings, { logger: pino({ level: 'silent' }) })
    const spec = (await app.inject({ method: 'GET', url: '/openapi.json' })).json()
    await app.close()
    const exportOp = spec.paths['/api/admin/providers/export'].get
    return {
      operations: operationsOf(spec),
      backupSchema: exportOp.responses['200'].content['application/json'].schema,
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const { operations, backupSchema } = await readOperations()

/** An OpenAI-shaped body for the /v1 operations, which /openapi.json leaves free-form. */
const GatewayBody: JsonSchema = {
  type: 'object',
  required: ['model'],
  properties: {
    model: { type: 'string' },
    messages: {
      type: 'array',
      items: {
        type: 'object',
        required: ['role', 'content'],
        properties: { role: { enum: ['user', 'system', 'assistant'] }, content: { type: 'string' } },
      },
    },
    prompt: { type: 'string' },
    input: { type: 'string' },
    stream: { type: 'boolean' },
    max_tokens: { type: 'integer', minimum: 1, maximum: 100 },
  },
}

const auth = { authorization: `Bearer ${TOKEN}` }

/** A running app with a small configuration: two providers, a route over both, a client key. */
async function seededApp() {
  const upstream = await fakeUpstream((req, res, recorded) => {
    const body = recorded.json as { stream?: boolean } | undefined
    if (body?.stream === true) {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.end(
        'data: {"choices":[{"index":0,"delta":{"content":"ok"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n',
      )
      return
    }
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(
      JSON.stringify({
        object: req.url?.endsWith('/models') ? 'list' : 'chat.completion',
        data: [],
        choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
      }),
    )
  })
  const closed = await closedPortUrl()
  const { app } = await buildTestApp({
    BACKEND_ADMIN_TOKEN: TOKEN,
    BACKEND_REQUEST_TIMEOUT_SECONDS: '2',
    BACKEND_GATEWAY_TIMEOUT_SECONDS: '2',
    BACKEND_GATEWAY_FIRST_TOKEN_TIMEOUT_SECONDS: '2',
    BACKEND_GATEWAY_STREAM_IDLE_TIMEOUT_SECONDS: '2',
  })
  const send = async (url: string, payload: object) => {
    const res = await app.inject({ method: 'POST', url, payload, headers: auth })
    expect(res.statusCode, res.body).toBe(201)
  }
  await send('/api/providers', { ...sampleProvider, base_url: `${upstream.url}/v1`, models: ['gpt-4o'] })
  await send('/api/providers', { name: 'Local', base_url: `${closed}/v1`, models: ['llama3'] })
  await send('/api/model-routes', { name: 'main', mode: 'auto', nodes: [{ api_id: 1 }, { api_id: 2 }] })
  await send('/api/keys', { name: 'ci' })
  const pools: Pools = {
    baseUrls: [
      `${upstream.url}/v1`,
      `${upstream.url}/other`,
      `${closed}/v1`,
      'http://169.254.169.254/latest',
      'http://metadata.google.internal/',
      'file:///etc/passwd',
      'http://user:pass@127.0.0.1:9/v1',
      'not a url',
    ],
    names: ['OpenAI', 'Local', 'main', 'ci', 'fresh', ' OpenAI '],
    models: ['gpt-4o', 'llama3', 'main', 'text-embedding-3-small'],
  }
  return { app, pools }
}

/** What a 4xx must leave as it was. */
async function configuration(app: FastifyInstance): Promise<string> {
  const exported = await app.inject({ method: 'GET', url: '/api/admin/providers/export', headers: auth })
  const keys = await app.inject({ method: 'GET', url: '/api/keys', headers: auth })
  const { exported_at: _at, ...doc } = exported.json()
  return JSON.stringify({ doc, keys: keys.json() })
}

function firstDifference(a: string, b: string): string {
  let i = 0
  while (i < a.length && a[i] === b[i]) i++
  return `before …${a.slice(Math.max(0, i - 80), i + 120)}…\nafter  …${b.slice(Math.max(0, i - 80), i + 120)}…`
}

/** The restore endpoint takes a document: the current export mutated at one spot, or one from its schema. */
async function restoreBodies(app: FastifyInstance, pools: Pools): Promise<fc.Arbitrary<unknown>> {
  const exported = (
    await app.inject({ method: 'GET', url: '/api/admin/providers/export', headers: auth })
  ).json()
  const mutated = fc
    .tuple(
      fc.nat(),
      fc.constantFrom('replace' as const, 'delete' as const, 'add' as const),
      wildValue,
      fc.string(),
    )
    .map(([at, kind, wild, key]) => mutate(exported, at, kind, wild, key))
  // the moves that matter most: a key taken to another host, ids past the column, a provider dropped
  const providers = exported.providers as Record<string, unknown>[]
  const withProvider = (i: number, change: object) => ({
    ...exported,
    providers: providers.map((p, j) => (j === i ? { ...p, ...change } : p)),
  })
  const targeted = fc
    .tuple(fc.nat(1), fc.constantFrom(...pools.baseUrls), fc.constantFrom(2 ** 31, 2 ** 53 + 1, 2 ** 31 - 1))
    .chain(([i, url, id]) =>
      fc.constantFrom(
        withProvider(i, { base_url: url }),
        { ...withProvider(i, { id }), routes: [] },
        { ...exported, routes: exported.routes.map((r: object) => ({ ...r, id })) },
        { ...exported, client_keys: exported.client_keys.map((k: object) => ({ ...k, id })) },
        {
          ...exported,
          providers: providers.map((p, j) => ({
            ...p,
            api_key_encrypted: providers[1 - j]?.api_key_encrypted ?? null,
          })),
        },
        { ...exported, providers: providers.slice(0, 1), routes: [] },
        {
          ...exported,
          providers: [
            ...providers,
            { ...providers[i], id: 3, name: '\ud800' },
            { ...providers[i], id: 4, name: '\ud801' },
          ],
        },
      ),
    )
  return fc.oneof(
    { arbitrary: mutated, weight: 5 },
    { arbitrary: targeted, weight: 3 },
    { arbitrary: fc.constant(exported), weight: 1 },
    { arbitrary: bodyValue(backupSchema, pools), weight: 2 },
  )
}

/** Whatever the API accepted restores: the configuration after a change passes a dry-run restore. */
async function expectRestorable(app: FastifyInstance, configurationText: string, what: string) {
  const { doc } = JSON.parse(configurationText)
  const res = await app.inject({
    method: 'POST',
    url: '/api/admin/providers/restore?dry_run=true',
    headers: auth,
    payload: { ...doc, exported_at: 'x' },
  })
  if (res.statusCode !== 200)
    throw new Error(
      `the export after this change does not restore (${res.statusCode} ${res.body.slice(0, 300)}): ${what}`,
    )
}

function describeRequest(req: FuzzRequest): string {
  return `${req.method} ${req.url} ${req.payload === undefined ? '(no body)' : req.payload.slice(0, 400)}`
}

const isGateway = (op: Operation) => op.path.startsWith('/v1/')

describe('fuzz: every operation in /openapi.json', () => {
  for (const op of operations) {
    it(`${op.method} ${op.path}: no 5xx, nothing changes after a 4xx (seed ${SEED})`, async () => {
      const { app, pools } = await seededApp()
      let body: fc.Arbitrary<unknown> | undefined
      if (op.path === '/api/admin/providers/restore') body = await restoreBodies(app, pools)
      else if (isGateway(op) && op.method === 'POST') body = bodyValue(GatewayBody, pools)
      let before = await configuration(app)
      const seen = new Map<number, number>()
      await fc.assert(
        fc.asyncProperty(requestArbitrary(op, pools, { ...auth, body }), async (req) => {
          const res = await app.inject(req)
          const status = res.statusCode
          seen.set(status, (seen.get(status) ?? 0) + 1)
          const what = `${describeRequest(req)}\n→ ${status} ${res.body.slice(0, 400)}`
          if (status === 500) throw new Error(`answered 500: ${what}`)
          if (status > 500 && !isGateway(op) && !op.documented.has(status))
            throw new Error(`answered an undocumented ${status}: ${what}`)
          if (status === 401) throw new Error(`answered 401 with the admin token: ${what}`)
          const after = await configuration(app)
          if (status >= 400 && status < 500 && after !== before)
            throw new Error(
              `the configuration changed after a ${status}: ${what}\n${firstDifference(before, after)}`,
            )
          if (after !== before) await expectRestorable(app, after, what)
          before = after
        }),
        { seed: SEED, numRuns: RUNS, endOnFailure: true },
      )
      if (process.env.SWITCHBOARD_FUZZ_VERBOSE)
        console.log(`${op.method} ${op.path}`, Object.fromEntries([...seen].sort(([a], [b]) => a - b)))
    }, 180_000)
  }

  it(`without credentials every secured operation answers 401 and changes nothing (seed ${SEED})`, async () => {
    const { app, pools } = await seededApp()
    const before = await configuration(app)
    for (const op of operations.filter((o) => o.secured)) {
      const body = isGateway(op) && op.method === 'POST' ? bodyValue(GatewayBody, pools) : undefined
      await fc.assert(
        fc.asyncProperty(requestArbitrary(op, pools, { body }), async (req) => {
          const res = await app.inject(req)
          if (res.statusCode !== 401)
            throw new Error(`answered ${res.statusCode} without credentials: ${describeRequest(req)}`)
        }),
        { seed: SEED, numRuns: UNAUTHENTICATED_RUNS, endOnFailure: true },
      )
      expect(await configuration(app), `${op.method} ${op.path}`).toBe(before)
    }
  }, 180_000)

  it('reads every operation of the document, the gateway included', () => {
    const names = operations.map((op) => `${op.method} ${op.path}`)
    expect(names.length).toBeGreaterThanOrEqual(28)
    expect(names).toEqual(
      expect.arrayContaining([
        'POST /api/admin/providers/restore',
        'PATCH /api/providers/{id}',
        'POST /v1/chat/completions',
      ]),
    )
  })
})
