/** Reads of the request log for /api/requests: filters, cursor paging by (time, id), one record. */
import { AppError, fieldError } from '../../core/errors.js'
import type { RequestFilter, RequestRow, RequestsRepo } from '../../db/requests.repo.js'
import type { RequestQuery, RequestRecord } from '../../domain/request-record.js'

function rowToRecord(row: RequestRow): RequestRecord {
  return {
    id: row.id,
    at: row.at,
    request_id: row.request_id,
    key_id: row.key_id,
    endpoint: row.endpoint,
    route: row.route,
    model: row.model,
    provider_id: row.provider_id,
    provider: row.provider,
    served_model: row.served_model,
    stream: row.stream === 1,
    status: row.status,
    error_code: row.error_code,
    attempts: JSON.parse(row.attempts) as RequestRecord['attempts'],
    latency_ms: row.latency_ms,
    ttft_ms: row.ttft_ms,
    overhead_ms: row.overhead_ms,
    usage: {
      input_tokens: row.input_tokens,
      output_tokens: row.output_tokens,
      cached_input_tokens: row.cached_input_tokens,
      reasoning_tokens: row.reasoning_tokens,
    },
    cost: row.cost,
  }
}

/** The cursor is the last record's (at, id), opaque to the client. */
function encodeCursor(row: RequestRow): string {
  return Buffer.from(JSON.stringify([row.at, row.id])).toString('base64url')
}

function decodeCursor(cursor: string): { at: string; id: number } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[]
    if (typeof at === 'string' && Number.isInteger(id)) return { at, id: id as number }
  } catch {
    // reported below
  }
  throw fieldError('cursor', 'is not a cursor this endpoint gave out')
}

/** ISO-8601 with a zone, stored as the log stores it (UTC, milliseconds). */
export function isoTime(field: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  const ms = Date.parse(value)
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(ms))
    throw fieldError(field, 'must be an ISO-8601 time, e.g. 2026-12-03T07:00:00Z')
  return new Date(ms).toISOString()
}

export function createRequests(deps: { repo: RequestsRepo }) {
  return {
    async list(query: RequestQuery): Promise<{ data: RequestRecord[]; next_cursor: string | null }> {
      const limit = query.limit ?? 50
      const filter: RequestFilter = { limit: limit + 1 }
      if (query.key_id !== undefined) filter.keyId = query.key_id
      if (query.route !== undefined) filter.route = query.route
      if (query.provider_id !== undefined) filter.providerId = query.provider_id
      if (query.model !== undefined) filter.model = query.model
      if (query.status !== undefined) filter.status = query.status
      const from = isoTime('from', query.from)
      const to = isoTime('to', query.to)
      if (from !== undefined) filter.from = from
      if (to !== undefined) filter.to = to
      if (query.cursor !== undefined) filter.before = decodeCursor(query.cursor)
      const rows = await deps.repo.list(filter)
      const page = rows.slice(0, limit)
      const last = page[page.length - 1]
      return {
        data: page.map(rowToRecord),
        next_cursor: rows.length > limit && last ? encodeCursor(last) : null,
      }
    },

    async get(id: number): Promise<RequestRecord> {
      const row = await deps.repo.get(id)
      if (!row) throw new AppError('request_not_found', `request ${id} is not in the log`)
      return rowToRecord(row)
    },
  }
}

export type Requests = ReturnType<typeof createRequests>
