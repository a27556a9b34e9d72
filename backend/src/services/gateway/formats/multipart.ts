/**
 * multipart/form-data bodies (`/v1/audio/transcriptions`, `/v1/audio/translations`): the gateway
 * reads only the `model` field and forwards the bytes as they came; when the chosen provider model
 * differs, only that field's value is replaced (the file parts are never copied apart or re-encoded).
 */

/** The boundary of a multipart content type, or null. */
export function boundaryOf(contentType: string): string | null {
  const match = /boundary=(?:"([^"]{1,70})"|([^;\s]{1,70}))/i.exec(contentType)
  return match ? (match[1] ?? match[2] ?? null) : null
}

/** Where the `model` field's value is in the body: [start, end) byte offsets, or null. */
export function modelField(body: Buffer, boundary: string): { start: number; end: number } | null {
  const delimiter = Buffer.from(`--${boundary}`)
  let at = body.indexOf(delimiter)
  while (at !== -1) {
    const headersStart = at + delimiter.length + 2
    const headersEnd = body.indexOf('\r\n\r\n', headersStart)
    if (headersEnd === -1) return null
    const headers = body.toString('latin1', headersStart, headersEnd)
    const next = body.indexOf(delimiter, headersEnd + 4)
    if (next === -1) return null
    if (/^content-disposition:[^\r\n]*\bname="model"/im.test(headers)) {
      // the value ends at the CRLF before the next delimiter
      return { start: headersEnd + 4, end: next - 2 }
    }
    at = next
  }
  return null
}

/** The body with the model field's value replaced (the same Buffer when nothing changes). */
export function withModel(body: Buffer, field: { start: number; end: number }, model: string): Buffer {
  if (body.toString('utf8', field.start, field.end) === model) return body
  return Buffer.concat([body.subarray(0, field.start), Buffer.from(model), body.subarray(field.end)])
}
