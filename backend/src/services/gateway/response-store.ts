/**
 * The Responses the gateway answered by translation (a Chat or Messages provider) with `store: true`
 * (the Responses default): their input items and the Response are kept in the database, so
 * `previous_response_id`, `item_reference`, `GET /v1/responses/{id}`, its `input_items` and
 * `DELETE` work as against OpenAI. Writes happen after the answer; a follow-up this replica sees
 * before its write finished waits for it. Rows older than BACKEND_RESPONSE_STORE_RETENTION_DAYS are
 * pruned every hour (and at start); a response bigger than BACKEND_RESPONSE_STORE_MAX_BYTES is not kept.
 */

import type { Logger } from 'pino'
import { AppError } from '../../core/errors.js'
import { periodic } from '../../core/periodic.js'
import type { StoredResponsesRepo } from '../../db/stored-responses.repo.js'
import { inputItems } from '../../domain/translate/responses-to-chat.js'
import { isObject, type Json, newId } from '../../domain/translate/types.js'

export interface StoredResponse {
  id: string
  response: Json
  inputItems: Json[]
  previousResponseId: string | null
}

/** How far back previous_response_id is followed. */
const MAX_CHAIN = 200
const PRUNE_EVERY_MS = 60 * 60 * 1000

const ID_PREFIX: Record<string, string> = {
  message: 'msg_',
  function_call: 'fc_',
  function_call_output: 'fco_',
}

/** The request's input as items, each with an id (OpenAI gives input items ids too). */
function withIds(items: Json[]): Json[] {
  return items.map((item) => {
    if (typeof item.id === 'string') return item
    const type = typeof item.type === 'string' ? item.type : item.role !== undefined ? 'message' : 'item'
    return { ...(type === 'message' ? { type } : {}), id: newId(ID_PREFIX[type] ?? 'item_'), ...item }
  })
}

export function createResponseStore(deps: {
  repo: StoredResponsesRepo
  retentionDays: number
  maxBytes: number
  log: Pick<Logger, 'warn'>
  now?: () => number
}) {
  const now = deps.now ?? Date.now
  const retentionMs = deps.retentionDays * 86_400_000
  const pending = new Map<string, Promise<void>>()
  const notBefore = () => new Date(now() - retentionMs).toISOString()

  async function get(id: string): Promise<StoredResponse | null> {
    await pending.get(id)
    const row = await deps.repo.get(id, notBefore())
    if (!row) return null
    return {
      id: row.id,
      response: JSON.parse(row.response) as Json,
      inputItems: JSON.parse(row.input_items) as Json[],
      previousResponseId: row.previous_response_id,
    }
  }

  async function prune(): Promise<number> {
    return deps.repo.pruneBefore(new Date(now() - retentionMs).toISOString())
  }

  const pruning = periodic(prune, Math.min(PRUNE_EVERY_MS, retentionMs), (error) =>
    deps.log.warn({ err: error }, 'pruning stored responses failed'),
  )

  return {
    /** Keeps a response (in the background; a follow-up waits for it). */
    save(record: StoredResponse): void {
      const response = JSON.stringify(record.response)
      const inputItems = JSON.stringify(record.inputItems)
      if (response.length + inputItems.length > deps.maxBytes) {
        deps.log.warn(
          { responseId: record.id },
          'a translated response is over BACKEND_RESPONSE_STORE_MAX_BYTES: not stored',
        )
        return
      }
      const output = Array.isArray(record.response.output) ? record.response.output.filter(isObject) : []
      const items = output
        .filter((item) => typeof item.id === 'string')
        .map((item) => ({ item_id: item.id as string, item: JSON.stringify(item) }))
      const write = deps.repo
        .insert(
          {
            id: record.id,
            created_at: new Date(now()).toISOString(),
            previous_response_id: record.previousResponseId,
            response,
            input_items: inputItems,
          },
          items,
        )
        .catch((error) => deps.log.warn({ err: error, responseId: record.id }, 'could not store a response'))
        .finally(() => pending.delete(record.id))
      pending.set(record.id, write)
    },

    get,

    /** The items of a conversation up to and including `id` (its inputs and outputs), oldest first; null: unknown id. */
    async conversation(id: string): Promise<Json[] | null> {
      const chain: StoredResponse[] = []
      let next: string | null = id
      while (next !== null && chain.length < MAX_CHAIN) {
        const stored = await get(next)
        if (!stored) {
          if (chain.length === 0) return null
          break
        }
        chain.unshift(stored)
        next = stored.previousResponseId
      }
      return chain.flatMap((r) => [
        ...r.inputItems,
        ...(Array.isArray(r.response.output) ? r.response.output.filter(isObject) : []),
      ])
    },

    /** The stored output items among `ids`. */
    async items(ids: string[]): Promise<Map<string, Json>> {
      await Promise.all([...pending.values()])
      const found = await deps.repo.items(ids, notBefore())
      return new Map([...found].map(([id, text]) => [id, JSON.parse(text) as Json]))
    },

    /**
     * The request's own input items, ids given and `item_reference`s to stored items replaced by
     * them; `referenced` says whether any was (the conversation then lives here, not at a provider).
     * An input that is no list of items is null (the native path or the translation says why).
     */
    async resolveInput(input: unknown): Promise<{ items: Json[]; referenced: boolean } | null> {
      let items: Json[]
      try {
        items = inputItems(input)
      } catch {
        return null
      }
      const ids = items
        .filter((i) => i.type === 'item_reference' && typeof i.id === 'string')
        .map((i) => i.id as string)
      const found = ids.length > 0 ? await this.items(ids) : new Map<string, Json>()
      const resolved = items.map((i) => (i.type === 'item_reference' ? (found.get(i.id as string) ?? i) : i))
      return { items: withIds(resolved), referenced: found.size > 0 }
    },

    /**
     * GET/DELETE /v1/responses/{id}, its input_items and cancel, for a stored response: the answer,
     * or null when the id is not one of them (it may be bound to a provider).
     */
    async lookup(method: string, id: string, rest: string, query: URLSearchParams): Promise<Json | null> {
      const stored = await get(id)
      if (!stored) return null
      if (rest === '' && method === 'GET') return stored.response
      if (rest === '' && method === 'DELETE') {
        await this.delete(id)
        return { id, object: 'response', deleted: true }
      }
      if (rest === '/cancel')
        throw new AppError('bad_request', 'only a background response can be cancelled; this one is complete')
      return inputItemsPage(stored.inputItems, query)
    },

    async delete(id: string): Promise<boolean> {
      await pending.get(id)
      return deps.repo.delete(id)
    },

    prune,
    start: () => pruning.start(),
    async stop(): Promise<void> {
      pruning.stop()
      await Promise.all([...pending.values()])
    },
  }
}

export type ResponseStore = ReturnType<typeof createResponseStore>

/** One page of input items as OpenAI lists them: `limit` (1–100, 20), `order` (desc by default), `after`. */
export function inputItemsPage(items: Json[], query: URLSearchParams): Json {
  const limitText = query.get('limit')
  const limit = limitText === null ? 20 : Number(limitText)
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    throw new AppError('bad_request', 'limit must be an integer from 1 to 100')
  const order = query.get('order') ?? 'desc'
  if (order !== 'asc' && order !== 'desc') throw new AppError('bad_request', "order must be 'asc' or 'desc'")
  const ordered = order === 'asc' ? items : [...items].reverse()
  const after = query.get('after')
  const start = after === null ? 0 : ordered.findIndex((i) => i.id === after) + 1
  const data = ordered.slice(start, start + limit)
  return {
    object: 'list',
    data,
    first_id: (data[0]?.id as string | undefined) ?? null,
    last_id: (data.at(-1)?.id as string | undefined) ?? null,
    has_more: start + limit < ordered.length,
  }
}
