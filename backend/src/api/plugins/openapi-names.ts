/**
 * Names in /openapi.json: each named schema is one entry of `components.schemas`, referenced by every
 * operation that uses it, so /docs and the frontend's generated types (frontend/src/api/schema.d.ts)
 * speak of `Provider` rather than of `def-0` or of an inline copy per operation.
 *
 * A schema is named by its `$id` (response schemas) or its `title` (request bodies: an `$id` there
 * would reach the validator, which registers ids). These hooks shape the document only; validation
 * and serialisation never see them.
 */
import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger'

type Json = Record<string, unknown>

function isJson(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function valuesOf(value: unknown): unknown[] {
  return isJson(value) ? Object.values(value) : []
}

/** Nested schemas with an `$id` become components under that name (instead of `def-N`). */
const refResolver: FastifyDynamicSwaggerOptions['refResolver'] = {
  buildLocalReference(json, _baseUri, _fragment, i) {
    if (typeof json.$id !== 'string') return `def-${i}`
    json.title ??= json.$id
    return json.$id
  },
}

/** The converter drops the `$id` of a whole response schema: keep it as its title. */
const transform: FastifyDynamicSwaggerOptions['transform'] = ({ schema, url }) => {
  if (!isJson(schema.response)) return { schema, url }
  const response: Json = {}
  for (const [code, answer] of Object.entries(schema.response)) {
    const id = isJson(answer) ? answer.$id : undefined
    response[code] = typeof id === 'string' ? { ...(answer as Json), title: id } : answer
  }
  return { schema: { ...schema, response }, url }
}

/** Moves each titled body or response schema into `components.schemas` and refers to it there. */
function nameSchemas(document: unknown): void {
  if (!isJson(document)) return
  const components = isJson(document.components) ? document.components : {}
  const schemas = isJson(components.schemas) ? components.schemas : {}
  const name = (media: unknown): void => {
    if (!isJson(media) || !isJson(media.schema) || typeof media.schema.title !== 'string') return
    schemas[media.schema.title] ??= media.schema
    media.schema = { $ref: `#/components/schemas/${media.schema.title}` }
  }
  for (const operation of valuesOf(document.paths).flatMap(valuesOf)) {
    if (!isJson(operation)) continue
    for (const holder of [operation.requestBody, ...valuesOf(operation.responses)]) {
      if (isJson(holder)) valuesOf(holder.content).forEach(name)
    }
  }
  document.components = { ...components, schemas }
}

const transformObject: FastifyDynamicSwaggerOptions['transformObject'] = (documentObject) => {
  const document =
    'openapiObject' in documentObject ? documentObject.openapiObject : documentObject.swaggerObject
  nameSchemas(document)
  return document
}

export const openApiNames: Pick<
  FastifyDynamicSwaggerOptions,
  'refResolver' | 'transform' | 'transformObject'
> = { refResolver, transform, transformObject }
