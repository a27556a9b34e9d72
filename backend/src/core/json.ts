/** Parses a JSON column written by this program; a damaged value reads as the fallback, never a crash. */
export function parseJsonColumn<T>(text: string | null | undefined, fallback: T): T {
  if (!text) return fallback
  try {
    return JSON.parse(text) as T
  } catch {
    return fallback
  }
}

/** Deeper than this, a JSON body is refused: recursive code (JSON.stringify, validators) would overflow. */
export const JSON_MAX_DEPTH = 64

/**
 * The first value that cannot be stored safely, as a field path (`nodes[0].metadata.x`) and a message:
 * a NUL character in a string or a key (PostgreSQL's text refuses it; SQLite would keep it, so both
 * engines refuse it alike), or nesting deeper than `maxDepth`. Iterative, so any depth is safe to inspect.
 */
export function findUnstorableJson(
  value: unknown,
  maxDepth = JSON_MAX_DEPTH,
): { field: string; message: string } | null {
  const nul = 'must not contain NUL (\\u0000) characters'
  const stack: { value: unknown; field: string; depth: number }[] = [{ value, field: '', depth: 0 }]
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { value: v, field, depth } = item
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return { field, message: nul }
      continue
    }
    if (v === null || typeof v !== 'object') continue
    if (depth >= maxDepth) return { field, message: `is nested deeper than ${maxDepth} levels` }
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--)
        stack.push({ value: v[i], field: `${field}[${i}]`, depth: depth + 1 })
      continue
    }
    const entries = Object.entries(v)
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i] as [string, unknown]
      const path = field === '' ? key : `${field}.${key}`
      if (key.includes('\u0000')) return { field: path, message: nul }
      stack.push({ value: child, field: path, depth: depth + 1 })
    }
  }
  return null
}
