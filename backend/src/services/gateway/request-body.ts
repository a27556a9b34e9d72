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

/**
 * A Chat Completions stream asks the upstream for its final usage chunk
 * (`stream_options.include_usage`) so the request log can count it; the gateway then hides that
 * chunk from a client that did not ask for it. The body's text is kept as sent when it has no
 * `stream_options` (the field is added before the closing brace), else re-serialised once.
 */
export function withStreamUsage(
  text: string,
  body: Record<string, unknown>,
): { text: string; body: Record<string, unknown> } {
  const options = body.stream_options
  const next = {
    ...body,
    stream_options: { ...(options && typeof options === 'object' ? options : {}), include_usage: true },
  }
  const end = text.lastIndexOf('}')
  if (options === undefined && end > 0 && !/(?<!\\)"stream_options"\s*:/.test(text)) {
    const isEmpty = Object.keys(body).length === 0
    const head = text.slice(0, end).trimEnd()
    return {
      text: `${head}${isEmpty ? '' : ','}"stream_options":{"include_usage":true}${text.slice(end)}`,
      body: next,
    }
  }
  return { text: JSON.stringify(next), body: next }
}
