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

// A lone (unpaired) UTF-16 surrogate: with the u flag a valid pair is one astral code point and does not match.
const LONE_SURROGATE = /\p{Surrogate}/u

/** Why a string cannot be stored as it is, or null. */
function unstorableText(text: string): string | null {
  if (text.includes('\u0000')) return 'must not contain NUL (\\u0000) characters'
  if (LONE_SURROGATE.test(text))
    return 'must be well-formed Unicode (a lone UTF-16 surrogate such as \\ud800 is not a character)'
  return null
}

/**
 * The first value that cannot be stored safely, as a field path (`nodes[0].metadata.x`) and a message:
 * a NUL character in a string or a key (PostgreSQL's text refuses it; SQLite would keep it, so both
 * engines refuse it alike); a lone UTF-16 surrogate (`"\ud800"` in JSON: neither engine can store it,
 * SQLite writes U+FFFD instead, so two different names would read back as the same one); or nesting
 * deeper than `maxDepth`. Iterative, so any depth is safe to inspect.
 */
export function findUnstorableJson(
  value: unknown,
  maxDepth = JSON_MAX_DEPTH,
): { field: string; message: string } | null {
  const stack: { value: unknown; field: string; depth: number }[] = [{ value, field: '', depth: 0 }]
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { value: v, field, depth } = item
    if (typeof v === 'string') {
      const message = unstorableText(v)
      if (message) return { field, message }
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
      const message = unstorableText(key)
      if (message) return { field: path, message }
      stack.push({ value: child, field: path, depth: depth + 1 })
    }
  }
  return null
}
