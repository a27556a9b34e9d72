/** TypeBox schemas shared by the admin endpoints: one schema gives validation, types and OpenAPI. */
import { Type } from '@sinclair/typebox'
import { Id } from '../../domain/fields.js'

export { Nullable } from '../../domain/fields.js'

export const IdParams = Type.Object({ id: Id })

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
  },
  { $id: 'Problem', additionalProperties: true, description: 'RFC 9457 problem document' },
)

/** Standard error answers, so /docs lists them and the serializer lets extra fields through. */
export function problems(...codes: number[]): Record<number, typeof Problem> {
  return Object.fromEntries(codes.map((code) => [code, Problem]))
}
