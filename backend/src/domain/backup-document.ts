/**
 * The backup file: the whole configuration (providers with their *sealed* keys, routes with nodes,
 * client-key hashes), never runtime health. Validated as a whole before anything is restored, with
 * the very rules of create and PATCH (fields.ts, provider-rules.ts, routing-validation.ts): a
 * document can hold nothing the API would have refused. Whether its keys open for their providers'
 * origins needs the secrets and the database: services/config/backup.ts checks that.
 */
import { type Static, Type } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import type { FieldError } from '../core/errors.js'
import { findUnstorableJson, JSON_MAX_DEPTH } from '../core/json.js'
import {
  BaseUrl,
  HealthCheckPath,
  Id,
  MAX_NODES,
  ModelList,
  Name,
  Nullable,
  Priority,
  ProviderEndpoints,
  ProviderKind,
  RouteMode,
  Strategy,
  Weight,
} from './fields.js'
import { KeyPolicySchema, policyErrors } from './key-policy.js'
import { ContinuationField } from './model.js'
import { normalizeBaseUrl, providerFieldErrors } from './provider-rules.js'
import { routeInputErrors, storedConfig } from './routing-validation.js'
import { MAX_PRICES, PriceSchema } from './usage.js'

export const BACKUP_VERSION = 1
/**
 * Bounds that keep a hostile file from exhausting memory or the database. `bytes` is the largest
 * document read from the file or accepted as the restore endpoint's body; it holds the counts below
 * at ordinary sizes (a provider ~400 bytes, a route with a few nodes ~600, a client key ~200).
 */
export const BACKUP_LIMITS = { bytes: 48 * 1024 * 1024, providers: 10_000, routes: 10_000, keys: 100_000 }

const JsonObject = Type.Record(Type.String(), Type.Unknown())

export const BackupProvider = Type.Object({
  id: Id,
  name: Name,
  base_url: BaseUrl,
  // absent in backups from before issue 13: those providers restore as openai with every endpoint
  kind: Type.Optional(ProviderKind),
  endpoints: Type.Optional(Nullable(ProviderEndpoints)),
  // absent in backups from before issue 16: prefill until a 400 says otherwise
  continuation: Type.Optional(ContinuationField),
  api_key_encrypted: Type.Union([Type.String({ maxLength: 20_000 }), Type.Null()]),
  api_key_hint: Type.Optional(Type.Union([Type.String({ maxLength: 20 }), Type.Null()])),
  models: ModelList,
  is_active: Type.Boolean(),
  health_check_path: Type.Optional(HealthCheckPath),
  health_override: Type.Optional(
    Type.Union([Type.Literal('healthy'), Type.Literal('unhealthy'), Type.Null()]),
  ),
  created_at: Type.Optional(Type.String({ maxLength: 64 })),
})

const BackupNode = Type.Object({
  api_id: Id,
  models: ModelList,
  strategy: Strategy,
  priority: Priority,
  // absent in backups written before weights (migration 0005): 1
  weight: Type.Optional(Weight),
  metadata: JsonObject,
})

export const BackupRoute = Type.Object({
  id: Id,
  name: Name,
  mode: RouteMode,
  is_active: Type.Boolean(),
  config: JsonObject,
  nodes: Type.Array(BackupNode, { maxItems: MAX_NODES }),
  created_at: Type.Optional(Type.String({ maxLength: 64 })),
})

export const BackupClientKey = Type.Object({
  id: Id,
  name: Name,
  key_hash: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  prefix: Type.String({ maxLength: 32 }),
  created_at: Type.String({ maxLength: 64 }),
  // absent in backups from before key policies (migration 0008): no limits
  policy: Type.Optional(KeyPolicySchema),
})

export const BackupDocument = Type.Object({
  version: Type.Literal(BACKUP_VERSION),
  exported_at: Type.String({ maxLength: 64 }),
  providers: Type.Array(BackupProvider, { maxItems: BACKUP_LIMITS.providers }),
  routes: Type.Optional(Type.Array(BackupRoute, { maxItems: BACKUP_LIMITS.routes })),
  client_keys: Type.Optional(Type.Array(BackupClientKey, { maxItems: BACKUP_LIMITS.keys })),
  /** Prices per provider model (services/usage/prices.ts); a document without them keeps none. */
  prices: Type.Optional(Type.Array(PriceSchema, { maxItems: MAX_PRICES })),
})

export type BackupDocument = Static<typeof BackupDocument>
export type BackupProvider = Static<typeof BackupProvider>
export type BackupRoute = Static<typeof BackupRoute>
export type BackupClientKey = Static<typeof BackupClientKey>

export type DocumentProblem = FieldError

const MAX_PROBLEMS = 20

function pointerToField(path: string): string {
  if (path === '') return '(document)'
  return path
    .slice(1)
    .split('/')
    .map((part, i) => (/^\d+$/.test(part) ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('')
}

function shapeProblems(value: unknown): DocumentProblem[] {
  // A document wraps routes two levels deeper than the API's bodies: the same objects fit in both.
  const unstorable = findUnstorableJson(value, JSON_MAX_DEPTH + 2)
  if (unstorable) return [{ field: unstorable.field || '(document)', message: unstorable.message }]
  if (Value.Check(BackupDocument, value)) return []
  // TypeBox reports a missing property twice (required, then its type): one problem per field.
  const byField = new Map<string, DocumentProblem>()
  for (const e of Value.Errors(BackupDocument, value)) {
    const field = pointerToField(e.path)
    if (!byField.has(field)) byField.set(field, { field, message: e.message })
    if (byField.size >= MAX_PROBLEMS) break
  }
  return [...byField.values()]
}

/** What create and PATCH store for the same input: trimmed names and models, no trailing slash, no null config keys. */
function normalize(doc: BackupDocument): BackupDocument {
  return {
    ...doc,
    providers: doc.providers.map((p) => ({
      ...p,
      name: p.name.trim(),
      base_url: normalizeBaseUrl(p.base_url),
    })),
    routes: doc.routes?.map((r) => ({
      ...r,
      name: r.name.trim(),
      config: storedConfig(r.config),
      nodes: r.nodes.map((n) => ({ ...n, models: n.models.map((m) => m.trim()), weight: n.weight ?? 1 })),
    })),
    client_keys: doc.client_keys?.map((k) => ({ ...k, name: k.name.trim() })),
  }
}

const within = (prefix: string) => (e: FieldError) => ({ field: `${prefix}.${e.field}`, message: e.message })

/** The rules of create and PATCH, object by object; nodes may name only providers of the document. */
function ruleProblems(doc: BackupDocument): DocumentProblem[] {
  const problems: DocumentProblem[] = []
  doc.providers.forEach((p, i) => {
    problems.push(...providerFieldErrors(p).map(within(`providers[${i}]`)))
  })
  const providerIds = new Set(doc.providers.map((p) => p.id))
  doc.routes?.forEach((r, i) => {
    problems.push(...routeInputErrors(r, providerIds).map(within(`routes[${i}]`)))
  })
  doc.client_keys?.forEach((k, i) => {
    if (k.name === '') problems.push({ field: `client_keys[${i}].name`, message: 'must not be empty' })
    if (k.policy) problems.push(...policyErrors(k.policy).map(within(`client_keys[${i}].policy`)))
  })
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
  const prices = doc.prices ?? []
  prices.forEach((p, i) => {
    if (!providerIds.has(p.provider_id))
      problems.push({
        field: `prices[${i}].provider_id`,
        message: `no provider ${p.provider_id} in the document`,
      })
  })
  duplicates(prices, (p) => `${p.provider_id}/${p.model}`, 'price', 'prices')
  return problems.slice(0, MAX_PROBLEMS)
}

export type DocumentCheck = { doc: BackupDocument; problems: [] } | { doc: null; problems: DocumentProblem[] }

/** Shape, then the API's rules on the normalized document, then unique names and ids. */
export function checkBackupDocument(value: unknown): DocumentCheck {
  const shape = shapeProblems(value)
  if (shape.length > 0) return { doc: null, problems: shape }
  const doc = normalize(value as BackupDocument)
  const problems = ruleProblems(doc)
  return problems.length > 0 ? { doc: null, problems } : { doc, problems: [] }
}

const ChangeSummarySchema = Type.Object(
  {
    added: Type.Array(Type.String()),
    removed: Type.Array(Type.String()),
    changed: Type.Array(Type.String()),
  },
  { $id: 'RestoreChanges' },
)
export const RestoreSummarySchema = Type.Object(
  {
    dry_run: Type.Boolean(),
    providers: ChangeSummarySchema,
    routes: ChangeSummarySchema,
    keys: ChangeSummarySchema,
  },
  { $id: 'RestoreSummary' },
)

export type ChangeSummary = Static<typeof ChangeSummarySchema>
export type RestoreSummary = Static<typeof RestoreSummarySchema>

/** How the writes of BACKEND_BACKUP_FILE went in this process (GET /api/admin/stats, /metrics). */
export const BackupStatusSchema = Type.Object(
  {
    file: Type.String({ description: 'BACKEND_BACKUP_FILE' }),
    last_written_at: Nullable(Type.String({ description: 'the last successful write by this process' })),
    last_error: Nullable(
      Type.Object(
        { message: Type.String(), at: Type.String() },
        { description: 'the last write failed: the file still holds an older configuration' },
      ),
    ),
    failed_writes: Type.Integer({ description: 'failed writes since start-up' }),
  },
  { $id: 'BackupFigures' },
)

export type BackupStatus = Static<typeof BackupStatusSchema>

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
