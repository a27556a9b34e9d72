/**
 * Route schemas compiled at a route's first use instead of at start-up. Fastify compiles every
 * route's validators (ajv) and response serializers (fast-json-stringify) when the server gets
 * ready, ~100 generated functions and their source text: 4.8 MB of an idle server's heap for
 * routes most processes never see (the UI's pages, backups, the playground). The functions are
 * the same ones, compiled on the route's first request (a few ms, once). So a schema ajv or
 * fast-json-stringify cannot compile fails at its route's first request, in the route's tests,
 * instead of at start-up.
 */
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler'
import type { FastifySchemaValidationError } from 'fastify'

/** What Fastify runs on a request part: a boolean, with the failures on the function's `errors`. */
export interface Validator {
  (data: unknown): boolean
  errors?: FastifySchemaValidationError[] | null
}

/** A validator that compiles itself at its first call (Fastify reads `errors` off the function it was given). */
export function validatorOnFirstUse(compile: () => Validator): Validator {
  let validate: Validator | undefined
  const validator: Validator = (data) => {
    validate ??= compile()
    const valid = validate(data)
    validator.errors = validate.errors
    return valid
  }
  return validator
}

type SerializerFactory = ReturnType<typeof SerializerSelector>

/** Fastify's own serializer factory (`schemaController.compilersFactory.buildSerializer`), deferred per route and status. */
export const serializersOnFirstUse: SerializerFactory = (externalSchemas, options) => {
  const compile = SerializerSelector()(externalSchemas, options)
  return (route) => {
    let serialize: ((doc: unknown) => string) | undefined
    return (doc) => {
      serialize ??= compile(route)
      return serialize(doc)
    }
  }
}
