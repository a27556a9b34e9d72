/**
 * Request generators for the fuzz test of every endpoint in /openapi.json (src/api/openapi.fuzz.test.ts):
 * from an operation's JSON schemas, values that mostly fit ("valid-ish"), the same values mutated
 * at one spot, and hostile values (wrong types, huge numbers, NUL, lone surrogates, deep nesting).
 *
 * Left out on purpose, because they belong to the HTTP edge and not to validation: path spellings
 * that a router or a proxy may normalise (`.`, `..`, encoded slashes) and Host headers. Path
 * parameters are only ever one percent-encoded segment.
 */
import fc from 'fast-check'

export interface JsonSchema {
  type?: string | string[]
  properties?: Record<string, JsonSchema>
  required?: string[]
  additionalProperties?: boolean | JsonSchema
  items?: JsonSchema
  anyOf?: JsonSchema[]
  const?: unknown
  enum?: unknown[]
  minimum?: number
  maximum?: number
  minLength?: number
  maxLength?: number
  minItems?: number
  maxItems?: number
  pattern?: string
}

/** The methods an OpenAPI document can name, spelled as light-my-request's `inject` takes them. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS'

export interface Operation {
  method: HttpMethod
  path: string
  params: { in: 'path' | 'query'; name: string; schema: JsonSchema }[]
  body: JsonSchema | null
  /** Status codes the operation documents. */
  documented: Set<number>
  /** False for operations that stay open without credentials (`security: []`). */
  secured: boolean
}

export interface FuzzRequest {
  method: HttpMethod
  url: string
  headers: Record<string, string>
  payload?: string
}

export interface Pools {
  /** base_url values that never leave the machine: a fake upstream, a closed port, refused ones. */
  baseUrls: string[]
  /** Names and models the seeded configuration uses, so generated values sometimes collide. */
  names: string[]
  models: string[]
}

const SURROGATES = ['\ud800', '\udbff', '\udc00', '\udfff']

/** One UTF-16 unit or code point: mostly ordinary, sometimes a lone surrogate, NUL or a control character. */
const unit = fc.oneof(
  { arbitrary: fc.constantFrom('a', 'Z', '0', ' ', '-', '_', '/', '.', '"', "'", '\\'), weight: 6 },
  { arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }), weight: 3 },
  { arbitrary: fc.constantFrom(...SURROGATES), weight: 1 },
  { arbitrary: fc.constantFrom('\u0000', '\u0007', '\u001f', '\u202e', '\ufeff', '\uffff'), weight: 1 },
  { arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)), weight: 1 },
)

export const oddString = fc.oneof(
  { arbitrary: fc.string({ unit, maxLength: 24 }), weight: 6 },
  {
    arbitrary: fc.constantFrom(
      '',
      ' ',
      '\t\n',
      '\u0000',
      'a\u0000b',
      '\ud800',
      '\ud801',
      'x\udfffy',
      '\ud83d\ude00',
      'null',
      '[]',
      '{}',
      "'; DROP TABLE providers; --",
      '{{7*7}}',
      '<script>alert(1)</script>',
      'http://169.254.169.254/latest/meta-data',
      'http://metadata.google.internal/',
      'file:///etc/passwd',
      'http://user:pass@127.0.0.1/',
      'not a url',
    ),
    weight: 3,
  },
  { arbitrary: fc.constantFrom(5000, 70_000).map((n) => 'a'.repeat(n)), weight: 1 },
)

export const hugeNumber = fc.constantFrom(
  2 ** 31 - 1,
  2 ** 31,
  2 ** 32,
  2 ** 53 - 1,
  2 ** 53 + 1,
  99_999_999_999,
  -(2 ** 31) - 1,
  1e308,
  -1e308,
  5e-324,
  1.5,
  -0,
)

/**
 * Arrays or objects nested around the body-guard limit (64) and far past it. Held as a token until
 * the body is written (encodeBody), so that no recursive code of the test itself has to walk it.
 */
const DEEP = '\u0001deep:'
const deeplyNested = fc
  .tuple(fc.constantFrom(62, 63, 64, 65, 66, 200, 5000), fc.constantFrom('a', 'o'))
  .map(([depth, kind]) => `${DEEP}${depth}:${kind}`)

function nestedText(depth: number, kind: string): string {
  return kind === 'a'
    ? `${'['.repeat(depth)}1${']'.repeat(depth)}`
    : `${'{"x":'.repeat(depth)}1${'}'.repeat(depth)}`
}

export const wildValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.constantFrom(null, true, false, 0, -1, 1), weight: 3 },
  { arbitrary: hugeNumber, weight: 3 },
  { arbitrary: oddString, weight: 6 },
  { arbitrary: fc.integer(), weight: 1 },
  { arbitrary: fc.double(), weight: 1 },
  { arbitrary: deeplyNested, weight: 1 },
  { arbitrary: fc.array(oddString, { maxLength: 3 }), weight: 1 },
  { arbitrary: fc.dictionary(oddString, oddString, { maxKeys: 3 }), weight: 1 },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 1 },
)

function types(schema: JsonSchema): string[] {
  if (schema.type === undefined) return []
  return Array.isArray(schema.type) ? schema.type : [schema.type]
}

/** A string fitting a field: some fields get values with meaning (URLs, paths, names). */
function stringFor(name: string, schema: JsonSchema, pools: Pools): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0
  const max = Math.min(schema.maxLength ?? 40, 40)
  const plain = fc.string({ minLength: Math.max(min, 1), maxLength: Math.max(max, 1) })
  const pick = (values: string[]) =>
    fc.oneof({ arbitrary: fc.constantFrom(...values), weight: 4 }, { arbitrary: plain, weight: 1 })
  if (schema.pattern === '^[0-9a-f]{64}$')
    return fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 })
  if (name === 'base_url') return pick(pools.baseUrls)
  if (name === 'health_check_path') return pick(['/models', '/health', '/'])
  if (name === 'name') return pick(pools.names)
  if (name === 'model' || name === 'models') return pick(pools.models)
  if (name === 'api_key') return pick(['sk-fuzz-0123456789abcdef'])
  return plain
}

/** Values that mostly fit `schema` (a field named `name` in its parent). */
export function fitting(schema: JsonSchema, pools: Pools, name = '', depth = 0): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const)
  if (schema.enum) return fc.constantFrom(...schema.enum)
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map((s) => fitting(s, pools, name, depth)))
  const [type] = types(schema)
  switch (type) {
    case 'object': {
      const props = schema.properties ?? {}
      const model: Record<string, fc.Arbitrary<unknown>> = {}
      for (const [key, child] of Object.entries(props)) model[key] = fitting(child, pools, key, depth + 1)
      const fixed = fc.record(model, { requiredKeys: (schema.required ?? []).filter((k) => k in props) })
      if (schema.additionalProperties === false || depth > 4) return fixed
      // free-form objects (config, metadata): a few keys, sometimes the ones routing reads
      const extra = fc.dictionary(
        fc.oneof(fc.constantFrom('strategy', 'model', 'team'), fc.string({ maxLength: 8 })),
        fc.oneof(fc.constantFrom('round-robin', 'failover', 'gpt-4o', null), fc.jsonValue({ maxDepth: 2 })),
        { maxKeys: 3 },
      )
      return fc.tuple(fixed, extra).map(([a, b]) => ({ ...b, ...a }))
    }
    case 'array': {
      const items = schema.items
        ? fitting(schema.items, pools, name, depth + 1)
        : fc.jsonValue({ maxDepth: 2 })
      return fc.array(items, {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 3, 3),
      })
    }
    case 'string':
      return stringFor(name, schema, pools)
    case 'integer': {
      const min = schema.minimum ?? -1000
      const max = schema.maximum ?? 1000
      const small = fc.integer({ min: Math.max(min, -5), max: Math.max(Math.min(max, 5), Math.max(min, -5)) })
      return fc.oneof({ arbitrary: small, weight: 5 }, { arbitrary: fc.integer({ min, max }), weight: 1 })
    }
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true })
    case 'boolean':
      return fc.boolean()
    case 'null':
      return fc.constant(null)
    default:
      return fc.jsonValue({ maxDepth: 3 })
  }
}

type Mutation = 'replace' | 'delete' | 'add' | 'whole'

/** Every place in a JSON value that a mutation can touch, as a path of keys and indices. */
function paths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []) {
  out.push(prefix)
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      paths(v, [...prefix, i], out)
    })
  } else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out)
  return out
}

/** `value` with one spot changed: a value replaced by a wild one, a key deleted or added. */
export function mutate(value: unknown, at: number, kind: Mutation, wild: unknown, key: string): unknown {
  if (kind === 'whole') return wild
  const copy = structuredClone(value)
  const all = paths(copy)
  const path = all[at % all.length] ?? []
  if (path.length === 0) return kind === 'replace' ? wild : copy
  let parent: unknown = copy
  for (const step of path.slice(0, -1)) parent = (parent as Record<string | number, unknown>)[step]
  const last = path[path.length - 1] as string | number
  const container = parent as Record<string | number, unknown>
  if (kind === 'replace') container[last] = wild
  else if (kind === 'delete') {
    if (Array.isArray(container)) container.splice(Number(last), 1)
    else delete container[last]
  } else {
    const target = container[last]
    if (target !== null && typeof target === 'object' && !Array.isArray(target))
      (target as Record<string, unknown>)[key] = wild
    else container[last] = wild
  }
  return copy
}

/** Valid-ish and mutated values for a schema, in about equal parts, and now and then a wild one. */
export function bodyValue(schema: JsonSchema, pools: Pools): fc.Arbitrary<unknown> {
  const fit = fitting(schema, pools)
  const mutated = fc
    .tuple(
      fit,
      fc.nat(),
      fc.constantFrom<Mutation>('replace', 'replace', 'delete', 'add'),
      wildValue,
      fc.oneof(fc.constantFrom('id', 'unknown', '__proto__', 'constructor'), oddString),
    )
    .map(([value, at, kind, wild, key]) => mutate(value, at, kind, wild, key))
  return fc.oneof(
    { arbitrary: fit, weight: 5 },
    { arbitrary: mutated, weight: 5 },
    { arbitrary: wildValue, weight: 1 },
  )
}

/** JSON as a client would send it (a lone surrogate becomes the escape `\ud800`). */
export function encodeBody(value: unknown): string {
  const text = JSON.stringify(value) ?? 'null'
  return text.replace(/"\\u0001deep:(\d+):([ao])"/g, (_m, depth: string, kind: string) =>
    nestedText(Number(depth), kind),
  )
}

const rawBody = fc.constantFrom('', '{', '{"a":', 'nul', '[1,2', '\u0000', '{"a":1}{"b":2}', '\ufeff{}')

type Body = { kind: 'json'; value: unknown } | { kind: 'raw'; text: string; type: string } | { kind: 'none' }

function bodyArbitrary(values: fc.Arbitrary<unknown> | null): fc.Arbitrary<Body> {
  const none = fc.constant<Body>({ kind: 'none' })
  const raw = fc.tuple(
    rawBody,
    fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded'),
  )
  const rawArb = raw.map(([text, type]): Body => ({ kind: 'raw', text, type }))
  if (values === null) {
    const stray = wildValue.map((value): Body => ({ kind: 'json', value }))
    return fc.oneof(
      { arbitrary: none, weight: 8 },
      { arbitrary: rawArb, weight: 1 },
      { arbitrary: stray, weight: 1 },
    )
  }
  const json = values.map((value): Body => ({ kind: 'json', value }))
  return fc.oneof(
    { arbitrary: json, weight: 12 },
    { arbitrary: rawArb, weight: 1 },
    { arbitrary: none, weight: 1 },
  )
}

/** A path parameter: the ids that exist, ids that do not, and text no id is. One encoded segment. */
const pathValue = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 4 }).map(String), weight: 6 },
  { arbitrary: fc.integer().map(String), weight: 1 },
  { arbitrary: hugeNumber.map(String), weight: 2 },
  {
    arbitrary: fc.constantFrom(
      '0',
      '-1',
      '1e3',
      '0x10',
      '+1',
      '00001',
      ' 1',
      '1 ',
      'abc',
      'null',
      'NaN',
      'Infinity',
      '%00',
      '%20',
      '%ED%A0%80',
      '%FF',
      '%C3%A9',
      '1%00',
    ),
    weight: 2,
  },
  { arbitrary: oddString.filter((s) => s.length > 0 && !/^\.+$/.test(s)).map(encodeSegment), weight: 1 },
)

/** encodeURIComponent, except that a lone surrogate (which it refuses) is written as its CESU-8 bytes. */
export function encodeSegment(text: string): string {
  return [...text]
    .map((ch) => {
      const code = ch.charCodeAt(0)
      if (ch.length === 1 && code >= 0xd800 && code <= 0xdfff) {
        return `%${(0xe0 | (code >> 12)).toString(16)}%${(0x80 | ((code >> 6) & 63)).toString(16)}%${(0x80 | (code & 63)).toString(16)}`.toUpperCase()
      }
      return encodeURIComponent(ch)
    })
    .join('')
}

const queryValue = fc.oneof(
  fc.constantFrom('true', 'false', '1', '0', '', 'yes', 'null', '50', '1000', '1001', '-1', '1.5', '1e3'),
  hugeNumber.map(String),
  oddString.map(encodeSegment),
)

function queryArbitrary(op: Operation): fc.Arbitrary<string> {
  const names = op.params.filter((p) => p.in === 'query').map((p) => p.name)
  const pair = fc
    .tuple(fc.constantFrom(...names, 'unknown', 'force', 'dry_run', 'limit'), queryValue)
    .map(([k, v]) => `${k}=${v}`)
  return fc.array(pair, { maxLength: 3 }).map((pairs) => (pairs.length > 0 ? `?${pairs.join('&')}` : ''))
}

export function requestArbitrary(
  op: Operation,
  pools: Pools,
  opts: { authorization?: string; body?: fc.Arbitrary<unknown> },
): fc.Arbitrary<FuzzRequest> {
  const pathParams = op.params.filter((p) => p.in === 'path').map((p) => p.name)
  const path = fc
    .array(pathValue, { minLength: pathParams.length, maxLength: pathParams.length })
    .map((values) => {
      let url = op.path
      pathParams.forEach((name, i) => {
        url = url.replace(`{${name}}`, values[i] ?? '1')
      })
      return url
    })
  const body = bodyArbitrary(opts.body ?? (op.body ? bodyValue(op.body, pools) : null))
  return fc.tuple(path, queryArbitrary(op), body).map(([url, query, b]): FuzzRequest => {
    const headers: Record<string, string> = {}
    if (opts.authorization) headers.authorization = opts.authorization
    const request: FuzzRequest = { method: op.method, url: `${url}${query}`, headers }
    if (b.kind === 'json') {
      headers['content-type'] = 'application/json'
      request.payload = encodeBody(b.value)
    } else if (b.kind === 'raw') {
      headers['content-type'] = b.type
      request.payload = b.text
    }
    return request
  })
}

interface OpenApiParameter {
  in: string
  name: string
  schema?: JsonSchema
}
interface OpenApiOperation {
  parameters?: OpenApiParameter[]
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> }
  responses?: Record<string, { content?: Record<string, { schema?: JsonSchema }> }>
  security?: unknown[]
}

/** Every operation of the document, with its parameters, body schema and documented statuses. */
export function operationsOf(spec: { paths: Record<string, Record<string, OpenApiOperation>> }): Operation[] {
  return Object.entries(spec.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      method: method.toUpperCase() as HttpMethod,
      path,
      params: (op.parameters ?? [])
        .filter((p) => p.in === 'path' || p.in === 'query')
        .map((p) => ({ in: p.in as 'path' | 'query', name: p.name, schema: p.schema ?? {} })),
      body: op.requestBody?.content?.['application/json']?.schema ?? null,
      documented: new Set(Object.keys(op.responses ?? {}).map(Number)),
      secured: !(Array.isArray(op.security) && op.security.length === 0),
    })),
  )
}
