/** /api/requests: the request log (one record per gateway request, newest first, no bodies). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { RequestQuerySchema, RequestRecordSchema } from '../../domain/request-record.js'
import type { Requests } from '../../services/usage/requests.js'
import { IdParams, Nullable, problems } from './schemas.js'

const RequestPage = Type.Object(
  {
    data: Type.Array(RequestRecordSchema),
    next_cursor: Nullable(Type.String({ description: 'pass as `cursor` for the next (older) page' })),
  },
  { title: 'RequestPage' },
)

const tags = ['requests']

export function requestRoutes(deps: { requests: Requests }): FastifyPluginAsyncTypebox {
  const { requests } = deps
  return async (app) => {
    app.get(
      '/api/requests',
      {
        schema: {
          tags,
          summary: 'List gateway requests, newest first, with filters and cursor paging',
          querystring: RequestQuerySchema,
          response: { 200: RequestPage, ...problems(422) },
        },
      },
      async (req) => requests.list(req.query),
    )
    app.get(
      '/api/requests/:id',
      {
        schema: {
          tags,
          summary: 'One gateway request: attempts, timings, usage and cost',
          params: IdParams,
          response: { 200: RequestRecordSchema, ...problems(404) },
        },
      },
      async (req) => requests.get(req.params.id),
    )
  }
}
