/**
 * Which translation a client format needs on a target format, as one object the gateway holds per
 * attempt. Chat Completions is the pivot: Responses on a Messages target goes Responses → Chat →
 * Messages (requests) and Messages → Chat → Responses (answers, streams).
 */
import { chatToMessagesRequest, MessagesToChatStream, messagesToChatResponse } from './chat-to-messages.js'
import { translateErrorBody } from './errors.js'
import { ChatToMessagesStream, chatToMessagesResponse, messagesToChatRequest } from './messages-to-chat.js'
import {
  ChatToResponsesStream,
  chatToResponse,
  type ResponseShell,
  responsesToChatRequest,
} from './responses-to-chat.js'
import type { FormatName, Json, StreamEvent, StreamTranslator, TranslatedRequest } from './types.js'

export type { FormatName, Json, StreamEvent, StreamTranslator, TranslatedRequest } from './types.js'

/** What the client asked, beyond its body, that a translation needs. */
export interface TranslationContext {
  nowSeconds: number
  /** A chat client's `stream_options.include_usage`. */
  includeUsage: boolean
  /** A Responses client: the response's id and created time, and the request. */
  shell?: ResponseShell
  /** A Responses client: every input item of the conversation (earlier ones resolved), in order. */
  items?: readonly Json[]
}

export interface Translation {
  readonly client: FormatName
  readonly target: FormatName
  /** `chat->messages`: the x-switchboard-translated header and the request log's note. */
  readonly label: string
  request(body: Json): TranslatedRequest
  answer(body: Json): Json
  stream(): StreamTranslator
  /** The target's error body as the client's format writes it (same status). */
  errorBody(status: number, text: string): string
  /** A Responses client: the final Response of the last answer or stream (for the store). */
  readonly result: () => Json | null
}

class Chain implements StreamTranslator {
  constructor(
    readonly first: StreamTranslator,
    readonly second: StreamTranslator,
  ) {}
  push(data: Json): StreamEvent[] {
    return this.first.push(data).flatMap((e) => this.second.push(e.data))
  }
  end(): StreamEvent[] {
    return [...this.first.end().flatMap((e) => this.second.push(e.data)), ...this.second.end()]
  }
}

function merge(first: TranslatedRequest, second: TranslatedRequest): TranslatedRequest {
  return { body: second.body, dropped: [...new Set([...first.dropped, ...second.dropped])] }
}

/** Whether `client` can be served by `target` through a translation. */
export function canTranslate(client: FormatName, target: FormatName): boolean {
  return (
    client !== target &&
    !(client === 'chat' && target === 'responses') &&
    !(client === 'messages' && target === 'responses')
  )
}

export function translation(client: FormatName, target: FormatName, ctx: TranslationContext): Translation {
  const label = `${client}->${target}`
  const errorBody = (status: number, text: string) => translateErrorBody(client, status, text)
  let result: Json | null = null
  const base = { client, target, label, errorBody, result: () => result }
  if (client === 'chat' && target === 'messages')
    return {
      ...base,
      request: chatToMessagesRequest,
      answer: (body) => messagesToChatResponse(body, ctx.nowSeconds),
      stream: () => new MessagesToChatStream(ctx.nowSeconds, ctx.includeUsage),
    }
  if (client === 'messages' && target === 'chat')
    return {
      ...base,
      request: messagesToChatRequest,
      answer: chatToMessagesResponse,
      stream: () => new ChatToMessagesStream(),
    }
  if (client === 'responses' && ctx.shell) {
    const shell = ctx.shell
    const items = ctx.items ?? []
    const toResponse = (chat: Json) => {
      result = chatToResponse(chat, shell)
      return result
    }
    const responses = () => {
      const stream = new ChatToResponsesStream(shell)
      return {
        push: (data: Json) => stream.push(data),
        end: () => {
          const out = stream.end()
          result = stream.result
          return out
        },
      }
    }
    if (target === 'chat')
      return {
        ...base,
        request: (body) => responsesToChatRequest(body, items),
        answer: toResponse,
        stream: responses,
      }
    if (target === 'messages')
      return {
        ...base,
        request: (body) => {
          const chat = responsesToChatRequest(body, items)
          return merge(chat, chatToMessagesRequest(chat.body))
        },
        answer: (body) => toResponse(messagesToChatResponse(body, ctx.nowSeconds)),
        stream: () => new Chain(new MessagesToChatStream(ctx.nowSeconds, true), responses()),
      }
  }
  throw new Error(`no translation from ${client} to ${target}`)
}
