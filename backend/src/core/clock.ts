/** Times are ISO-8601 strings with an explicit UTC offset, as the original's responses show. */
export function nowIso(): string {
  return new Date().toISOString().replace('Z', '+00:00')
}
