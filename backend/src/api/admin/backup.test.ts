import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildTestApp, sampleProvider, TEST_SECRET, tempDir } from '../../../test/helpers.js'
import { createKeyBox } from '../../core/crypto.js'
import { BACKUP_LIMITS } from '../../domain/backup-document.js'

type App = Awaited<ReturnType<typeof buildTestApp>>['app']

async function seed(app: App) {
  await app.inject({ method: 'POST', url: '/api/providers', payload: sampleProvider })
  await app.inject({
    method: 'POST',
    url: '/api/providers',
    payload: { name: 'Local', base_url: 'http://127.0.0.1:11434/v1', models: ['llama3'] },
  })
}

function readBackup(file: string) {
  return JSON.parse(readFileSync(file, 'utf8'))
}

describe('the backup file', () => {
  it('is rewritten after every change, with the key encrypted and mode 0600', async () => {
    const { app, settings } = await buildTestApp()
    await seed(app)
    const doc = readBackup(settings.backupFile)
    expect(doc).toMatchObject({
      version: 1,
      providers: [
        { id: 1, name: 'OpenAI' },
        { id: 2, name: 'Local' },
      ],
    })
    expect(doc.providers[0].api_key_encrypted).toMatch(/^v2:/)
    expect(readFileSync(settings.backupFile, 'utf8')).not.toContain(sampleProvider.api_key)
    expect(createKeyBox(TEST_SECRET).open(doc.providers[0].api_key_encrypted, 'https://api.openai.com')).toBe(
      sampleProvider.api_key,
    )
    expect(statSync(settings.backupFile).mode & 0o777).toBe(0o600)
    expect(doc.providers[0]).not.toHaveProperty('status')
    await app.inject({ method: 'DELETE', url: '/api/providers/2' })
    expect(readBackup(settings.backupFile).providers).toHaveLength(1)
  })

  it('leaves no temporary files, and removes leftovers of a crash at start-up', async () => {
    const first = await buildTestApp()
    await seed(first.app)
    const dir = first.dir
    writeFileSync(join(dir, 'backup.json.tmp-123-456'), '{"torn":')
    await buildTestApp({}, { dir })
    expect(readdirSync(dir).filter((n) => n.includes('.tmp-'))).toEqual([])
  })

  it('keeps the change when the backup cannot be written', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'not-a-folder'), '')
    const { app } = await buildTestApp(
      { BACKEND_BACKUP_FILE: join(dir, 'not-a-folder', 'backup.json') },
      { dir },
    )
    const res = await app.inject({ method: 'POST', url: '/api/providers', payload: sampleProvider })
    expect(res.statusCode).toBe(201)
    expect((await app.inject({ method: 'GET', url: '/api/providers' })).json()).toHaveLength(1)
  })
})

describe('POST /api/admin/providers/restore', () => {
  it('restores the posted document and answers what changed', async () => {
    const source = await buildTestApp()
    await seed(source.app)
    const doc = (await source.app.inject({ method: 'GET', url: '/api/admin/providers/export' })).json()

    const { app } = await buildTestApp()
    await app.inject({
      method: 'POST',
      url: '/api/providers',
      payload: { ...sampleProvider, name: 'Doomed' },
    })
    const res = await app.inject({ method: 'POST', url: '/api/admin/providers/restore', payload: doc })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({
      dry_run: false,
      providers: { added: ['OpenAI', 'Local'], removed: ['Doomed'], changed: [] },
      routes: { added: [], removed: [], changed: [] },
      keys: { added: [], removed: [], changed: [] },
    })
    const providers = (await app.inject({ method: 'GET', url: '/api/providers' })).json()
    expect(providers.map((p: { id: number; name: string }) => [p.id, p.name])).toEqual([
      [1, 'OpenAI'],
      [2, 'Local'],
    ])
    expect(providers[0]).toMatchObject({ has_api_key: true, api_key_hint: 'sk-…6789' })
    const created = await app.inject({
      method: 'POST',
      url: '/api/providers',
      payload: { ...sampleProvider, name: 'New' },
    })
    expect(created.json().id).toBe(3)
  })

  it('reads BACKEND_BACKUP_FILE when the request has no body', async () => {
    const { app, settings } = await buildTestApp()
    await seed(app)
    const doc = readBackup(settings.backupFile)
    doc.providers = doc.providers.filter((p: { name: string }) => p.name === 'Local')
    writeFileSync(settings.backupFile, JSON.stringify(doc))
    const res = await app.inject({ method: 'POST', url: '/api/admin/providers/restore' })
    expect(res.statusCode).toBe(200)
    expect(res.json().providers.removed).toEqual(['OpenAI'])
    expect((await app.inject({ method: 'GET', url: '/api/providers' })).json()).toHaveLength(1)
  })

  it('changes nothing on a dry run', async () => {
    const { app } = await buildTestApp()
    await seed(app)
    const doc = (await app.inject({ method: 'GET', url: '/api/admin/providers/export' })).json()
    doc.providers[1].models = ['llama3', 'mistral']
    doc.providers.pop()
    const res = await app.inject({
      method: 'POST',
      url: '/api/admin/providers/restore?dry_run=true',
      payload: doc,
    })
    expect(res.json()).toMatchObject({ dry_run: true, providers: { removed: ['Local'] } })
    expect((await app.inject({ method: 'GET', url: '/api/providers' })).json()).toHaveLength(2)
  })

  describe('refuses a bad backup with a clear 422 and changes nothing', () => {
    const cases: [string, (doc: Record<string, unknown>) => unknown, RegExp][] = [
      ['of the wrong shape', () => ({ hello: 'world' }), /not a valid Switchboard backup/],
      [
        'with a provider missing its url',
        (d) => ({ ...d, providers: [{ id: 1, name: 'x' }] }),
        /base_url|providers/,
      ],
      ['of an unknown version', (d) => ({ ...d, version: 99 }), /version/],
      [
        'with keys no secret decrypts',
        (d) => ({
          ...d,
          providers: [
            {
              ...(d.providers as object[])[0],
              api_key_encrypted: createKeyBox('other').seal('k', 'https://api.openai.com'),
            },
          ],
        }),
        /cannot be decrypted/,
      ],
      [
        'with duplicate provider names',
        (d) => ({
          ...d,
          providers: [(d.providers as object[])[0], { ...(d.providers as object[])[0], id: 9 }],
        }),
        /duplicate provider name/,
      ],
      [
        'with a route naming a provider not in the file',
        (d) => ({
          ...d,
          routes: [
            {
              id: 1,
              name: 'r',
              mode: 'auto',
              is_active: true,
              config: {},
              nodes: [{ api_id: 77, models: [], strategy: 'failover', priority: 0, metadata: {} }],
            },
          ],
        }),
        /nodes\[0\]\.api_id No provider has id 77/,
      ],
      [
        'with hostile sizes',
        (d) => ({
          ...d,
          providers: Array.from({ length: 10_001 }, (_, i) => ({
            ...(d.providers as object[])[0],
            id: i + 1,
            name: `p${i}`,
          })),
        }),
        /providers/,
      ],
    ]
    it.each(cases)('a document %s', async (_label, mutate, message) => {
      const { app } = await buildTestApp({ BACKEND_API_BODY_LIMIT_BYTES: String(50 * 1024 * 1024) })
      await seed(app)
      const doc = (await app.inject({ method: 'GET', url: '/api/admin/providers/export' })).json()
      const before = (await app.inject({ method: 'GET', url: '/api/providers' })).json()
      const res = await app.inject({
        method: 'POST',
        url: '/api/admin/providers/restore',
        payload: mutate(doc) as object,
      })
      expect(res.statusCode).toBe(422)
      expect(res.json().detail).toMatch(message)
      expect((await app.inject({ method: 'GET', url: '/api/providers' })).json()).toEqual(before)
    })

    it('names each wrong field once', async () => {
      const { app } = await buildTestApp()
      const res = await app.inject({
        method: 'POST',
        url: '/api/admin/providers/restore',
        payload: {
          version: 1,
          exported_at: 'x',
          providers: [{ id: 1, name: 'p', models: [], is_active: true }],
        },
      })
      expect(res.statusCode).toBe(422)
      const fields = res.json().errors.map((e: { field: string }) => e.field)
      expect(fields).toEqual([...new Set(fields)])
      expect(fields).toEqual(
        expect.arrayContaining(['providers[0].base_url', 'providers[0].api_key_encrypted']),
      )
    })

    it('a missing file', async () => {
      const { app, settings } = await buildTestApp()
      const res = await app.inject({ method: 'POST', url: '/api/admin/providers/restore' })
      expect(res.statusCode).toBe(422)
      expect(res.json().detail).toContain(settings.backupFile)
    })

    it('a file over the size limit, naming the file field', async () => {
      const { app, settings } = await buildTestApp()
      await seed(app)
      writeFileSync(settings.backupFile, ' '.repeat(BACKUP_LIMITS.bytes + 1))
      const res = await app.inject({ method: 'POST', url: '/api/admin/providers/restore' })
      expect(res.statusCode).toBe(422)
      expect(res.json().errors).toEqual([{ field: 'file', message: expect.stringMatching(/larger than/) }])
      expect((await app.inject({ method: 'GET', url: '/api/providers' })).json()).toHaveLength(2)
    })

    it('a file that is not JSON', async () => {
      const { app, settings } = await buildTestApp()
      await seed(app)
      writeFileSync(settings.backupFile, 'this is { not json')
      const res = await app.inject({ method: 'POST', url: '/api/admin/providers/restore' })
      expect(res.statusCode).toBe(422)
      expect(res.json().detail).toMatch(/not valid JSON/)
      expect((await app.inject({ method: 'GET', url: '/api/providers' })).json()).toHaveLength(2)
    })

    it('a posted null document (not mistaken for "no body, read the file")', async () => {
      const { app } = await buildTestApp()
      await seed(app)
      const res = await app.inject({
        method: 'POST',
        url: '/api/admin/providers/restore',
        headers: { 'content-type': 'application/json' },
        payload: 'null',
      })
      expect(res.statusCode).toBe(422)
      expect(res.json().detail).toMatch(/not a valid Switchboard backup/)
      expect((await app.inject({ method: 'GET', url: '/api/providers' })).json()).toHaveLength(2)
    })

    it('a posted body that is not JSON', async () => {
      const { app } = await buildTestApp()
      const res = await app.inject({
        method: 'POST',
        url: '/api/admin/providers/restore',
        headers: { 'content-type': 'application/json' },
        payload: '{nope',
      })
      expect(res.statusCode).toBe(400)
    })
  })
})
