/** The forwarded body: the client's bytes, with only the top-level `model` replaced. */

/** What of a call the forwarded body is made from (the proxy's PreparedCall has it). */
export interface CallBody {
  /** the body as received */
  text: string
  /** its parse */
  body: Record<string, unknown>
  /** the model the client asked for */
  model: string
}

/**
 * Replaces the top-level `model` without re-serialising the body when that can be done safely:
 * exactly one `"model":` key in the text, holding the requested value as JSON writes it. Otherwise
 * one JSON.stringify of the parsed body (which would normalise number formatting and whitespace).
 */
export function replaceModel(text: string, body: Record<string, unknown>, from: string, to: string): string {
  const keys = /(?<!\\)"model"\s*:\s*/g
  let valueAt = -1
  let count = 0
  for (let match = keys.exec(text); match; match = keys.exec(text)) {
    count += 1
    valueAt = keys.lastIndex
  }
  const encoded = JSON.stringify(from)
  if (count === 1 && text.startsWith(encoded, valueAt)) {
    return text.slice(0, valueAt) + JSON.stringify(to) + text.slice(valueAt + encoded.length)
  }
  return JSON.stringify({ ...body, model: to })
}

const bodies = new WeakMap<CallBody, { model: string; text: string }>()

export function bodyFor(call: CallBody, model: string | null): string {
  if (model === null || model === call.model) return call.text
  const cached = bodies.get(call)
  if (cached?.model === model) return cached.text
  const text = replaceModel(call.text, call.body, call.model, model)
  bodies.set(call, { model, text })
  return text
}
