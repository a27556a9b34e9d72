/**
 * What a wire format (chat completions, Responses, Anthropic Messages) tells the gateway, so one
 * exchange (upstream-exchange.ts) can hold, commit, end and fail its streams by the same rules
 * (DESIGN.md §6), and the errors the gateway makes come in the format the client called. A
 * translation between formats (the next step) sits on top of these.
 */
import type { Failure } from '../upstream-failure.js'

/**
 * What one parsed stream event is:
 * - `held`: carries no output yet (held back until the commit; passed through after it);
 * - `content`: carries output: the commit point;
 * - `finish`: carries output and says the answer is complete (chat's finish_reason): a clean close
 *   of the upstream after it is a complete stream;
 * - `terminal`: the format's last event (Responses' response.completed, Messages' message_stop): it
 *   is passed on and the stream ends there;
 * - `error`: the upstream reports a failure (before the commit: fail over; after it: passed on, end).
 */
export type EventKind = 'held' | 'content' | 'finish' | 'terminal' | 'error'

export interface WireFormat {
  readonly name: 'chat' | 'responses' | 'messages'
  /** Whether the request body asks for a stream. */
  streamOf(body: Record<string, unknown>): boolean
  /** What a stream event's parsed `data` is. */
  classify(data: Record<string, unknown>): EventKind
  /** The data of a marker event that ends the stream (chat's `[DONE]`), or null. */
  readonly doneMarker: string | null
  /** Written when a stream ends complete (chat adds `[DONE]`; the others add nothing). */
  readonly completeEnd: string
  /** The event that ends a stream failing after the commit, in the format's own shape. */
  streamError(code: string, message: string): string
  /** An error answer the gateway itself makes, in the format's shape. */
  failure(status: number, code: string, message: string): Failure
  /** The failure to pass back when an `error` event ended every attempt before the commit. */
  errorEventFailure(data: Record<string, unknown>, text: string): Failure
  /** Reads an id the answer binds to its provider (Responses' response id), if the format has one. */
  idOfEvent?(data: Record<string, unknown>): string | null
  idOfBody?(prefix: string): string | null
}
