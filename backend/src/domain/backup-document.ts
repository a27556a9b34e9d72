/**
 * The backup file: the whole configuration (providers with their *sealed* keys, routes with nodes,
 * client-key hashes), never runtime health. Validated as a whole before anything is restored.
 */
import { type Static, Type } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { findUnstorableJson, JSON_MAX_DEPTH } from '../core/json.js'

export const BACKUP_VERSION = 1
/** Bounds that keep a hostile file from exhausting memory or the database. */
export const BACKUP_LIMITS = { bytes: 20 * 1024 * 1024, providers: 10_000, routes: 10_000, keys: 100_000 }

const Name = Type.String({ minLength: 1, maxLength: 200 })
const ModelList = Type.Array(Type.String({ minLength: 1, maxLength: 300 }), { maxItems: 5000 })
const JsonObject = Type.Record(Type.String(), Type.Unknown())

export const BackupProvider = Type.Object({
  id: Type.Integer({ minimum: 1 }),
  name: Name,
  base_url: Type.String({ minLength: 1, maxLength: 2048 }),
  api_key_encrypted: Type.Union([Type.String({ maxLength: 20_000 }), Type.Null()]),
  api_key_hint: Type.Optional(Type.Union([Type.String({ maxLength: 20 }), Type.Null()])),
  models: ModelList,
  is_active: Type.Boolean(),
  health_check_path: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
  health_override: Type.Optional(
    Type.Union([Type.Literal('healthy'), Type.Literal('unhealthy'), Type.Null()]),
  ),
  created_at: Type.Optional(Type.String({ maxLength: 64 })),
})

export const BackupNode = Type.Object({
  api_id: Type.Integer({ minimum: 1 }),
  models: ModelList,
  strategy: Type.Union([Type.Literal('round-robin'), Type.Literal('failover')]),
  priority: Type.Integer({ minimum: -1_000_000, maximum: 1_000_000 }),
  metadata: JsonObject,
})

export const BackupRoute = Type.Object({
  id: Type.Integer({ minimum: 1 }),
  name: Name,
  mode: Type.Union([Type.Literal('auto'), Type.Literal('specific'), Type.Literal('multi')]),
  is_active: Type.Boolean(),
  config: JsonObject,
  nodes: Type.Array(BackupNode, { maxItems: 1000 }),
  created_at: Type.Optional(Type.String({ maxLength: 64 })),
})

export const BackupClientKey = Type.Object({
  id: Type.Integer({ minimum: 1 }),
  name: Name,
  key_hash: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  prefix: Type.String({ maxLength: 32 }),
  created_at: Type.String({ maxLength: 64 }),
})

export const BackupDocument = Type.Object({
  version: Type.Literal(BACKUP_VERSION),
  exported_at: Type.String({ maxLength: 64 }),
  providers: Type.Array(BackupProvider, { maxItems: BACKUP_LIMITS.providers }),
  routes: Type.Optional(Type.Array(BackupRoute, { maxItems: BACKUP_LIMITS.routes })),
  client_keys: Type.Optional(Type.Array(BackupClientKey, { maxItems: BACKUP_LIMITS.keys })),
})

export type BackupDocument = Static<typeof BackupDocument>
export type BackupProvider = Static<typeof BackupProvider>
export type BackupRoute = Static<typeof BackupRoute>
export type BackupClientKey = Static<typeof BackupClientKey>

export interface DocumentProblem {
  field: string
  message: string
}

function pointerToField(path: string): string {
  if (path === '') return '(document)'
  return path
    .slice(1)
    .split('/')
    .map((part, i) => (/^\d+$/.test(part) ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('')
}

/** Shape, then cross-references: unique names and ids, nodes naming providers that the file has. */
export function checkBackupDocument(value: unknown): DocumentProblem[] {
  // A document wraps routes two levels deeper than the API's bodies: the same objects fit in both.
  const unstorable = findUnstorableJson(value, JSON_MAX_DEPTH + 2)
  if (unstorable) return [{ field: unstorable.field || '(document)', message: unstorable.message }]
  if (!Value.Check(BackupDocument, value)) {
    // TypeBox reports a missing property twice (required, then its type): one problem per field.
    const byField = new Map<string, DocumentProblem>()
    for (const e of Value.Errors(BackupDocument, value)) {
      const field = pointerToField(e.path)
      if (!byField.has(field)) byField.set(field, { field, message: e.message })
      if (byField.size >= 20) break
    }
    return [...byField.values()]
  }
  const problems: DocumentProblem[] = []
  const doc = value
  const duplicates = <T>(items: T[], key: (item: T) => string | number, label: string, field: string) => {
    const seen = new Set<string | number>()
    items.forEach((item, i) => {
      const k = key(item)
      if (seen.has(k))
        problems.push({ field: `${field}[${i}]`, message: `duplicate ${label} ${JSON.stringify(k)}` })
      seen.add(k)
    })
  }
  duplicates(doc.providers, (p) => p.id, 'provider id', 'providers')
  duplicates(doc.providers, (p) => p.name, 'provider name', 'providers')
  const routes = doc.routes ?? []
  duplicates(routes, (r) => r.id, 'route id', 'routes')
  duplicates(routes, (r) => r.name, 'route name', 'routes')
  const keys = doc.client_keys ?? []
  duplicates(keys, (k) => k.id, 'client key id', 'client_keys')
  duplicates(keys, (k) => k.key_hash, 'client key hash', 'client_keys')
  const providerIds = new Set(doc.providers.map((p) => p.id))
  routes.forEach((route, r) => {
    route.nodes.forEach((node, n) => {
      if (!providerIds.has(node.api_id)) {
        problems.push({
          field: `routes[${r}].nodes[${n}].api_id`,
          message: `provider ${node.api_id} is not in the backup`,
        })
      }
    })
  })
  return problems
}

export interface ChangeSummary {
  added: string[]
  removed: string[]
  changed: string[]
}

/** What a restore would do to one kind of object, by name; `same` decides "changed". */
export function summarizeChanges<T extends { name: string }>(
  current: T[],
  incoming: T[],
  same: (a: T, b: T) => boolean,
): ChangeSummary {
  const byName = new Map(current.map((item) => [item.name, item]))
  const incomingNames = new Set(incoming.map((item) => item.name))
  const summary: ChangeSummary = { added: [], removed: [], changed: [] }
  for (const item of incoming) {
    const existing = byName.get(item.name)
    if (!existing) summary.added.push(item.name)
    else if (!same(existing, item)) summary.changed.push(item.name)
  }
  for (const item of current) if (!incomingNames.has(item.name)) summary.removed.push(item.name)
  return summary
}
