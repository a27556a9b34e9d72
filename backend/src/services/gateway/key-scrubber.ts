/**
 * Masks a provider's key in whatever an upstream sends back (DESIGN.md §6): its raw bytes, and every
 * spelling that a JSON parser turns back into it — `\/`, `\"`, `\\`, `\b\f\n\r\t`, `\uXXXX` in
 * either case, surrogate pairs — in any status, body or stream, whether or not the key is split
 * across chunks. The mask is as long as what it hides (`[REDACTED]` then `*`), so a passed-through
 * Content-Length stays true and a JSON string stays valid.
 *
 * Escapes are decoded everywhere, not only inside JSON strings: an over-eager mask of something
 * that spells the key is harmless, a missed one is not. One level of escaping is decoded (what a
 * client's JSON parser restores); a key escaped twice (JSON inside a JSON string) is not looked for.
 *
 * Cost on the hot path: a chunk without a backslash is searched with `Buffer#indexOf` only (native
 * code; without escapes the raw key is the only spelling). A chunk with one is also decoded as JSON
 * escapes, with KMP over UTF-16 code units, jumping with `indexOf` between the bytes that can
 * begin the key (its first byte, or a backslash).
 */

const BACKSLASH = 0x5c
const MASK_WORD = Buffer.from('[REDACTED]')
const STAR = 0x2a
const EMPTY = Buffer.alloc(0)

/** Shorter keys are not masked: no provider issues them, and masking them would mangle answers. */
const MIN_SCRUBBED_KEY_LENGTH = 4

const SHORT_ESCAPES: Record<number, number> = {
  34: 0x22, // \"
  92: 0x5c, // \\
  47: 0x2f, // \/
  98: 0x08, // \b
  102: 0x0c, // \f
  110: 0x0a, // \n
  114: 0x0d, // \r
  116: 0x09, // \t
}

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30
  const lower = byte | 0x20
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10
  return -1
}

/**
 * Every spelling of `secret` masked in `text`: the one function for a text that may echo a key
 * (a probe's detail); the gateway compiles a KeyPattern once per provider instead.
 */
export function scrubSecret(text: string, secret: string | null): string {
  const pattern = KeyPattern.for(secret)
  return pattern ? pattern.scrub(Buffer.from(text, 'utf8')).toString('utf8') : text
}

/** One provider key, compiled once per provider (the proxy caches it with the provider's target). */
export class KeyPattern {
  readonly #text: string
  readonly #bytes: Buffer
  readonly #firstByte: number
  readonly #units: Uint16Array
  readonly #failure: Int32Array
  // scratch, reused by scan(): the gateway is single-threaded and scan() does not re-enter
  readonly #starts: Int32Array

  private constructor(secret: string) {
    this.#text = secret
    this.#bytes = Buffer.from(secret, 'utf8')
    this.#firstByte = this.#bytes[0] ?? 0
    this.#units = new Uint16Array(secret.length)
    for (let i = 0; i < secret.length; i++) this.#units[i] = secret.charCodeAt(i)
    this.#failure = kmpFailure(this.#units)
    this.#starts = new Int32Array(secret.length)
  }

  /** Null when there is nothing to scrub: no key, or one too short to be a secret. */
  static for(secret: string | null): KeyPattern | null {
    return secret && secret.length >= MIN_SCRUBBED_KEY_LENGTH ? new KeyPattern(secret) : null
  }

  /** A whole body: every spelling of the key masked. */
  scrub(buf: Buffer): Buffer {
    const ranges: number[] = []
    this.scan(buf, true, ranges)
    return ranges.length === 0 ? buf : maskRanges(Buffer.from(buf), ranges)
  }

  /** A header value: only the raw key is looked for (headers are not JSON). */
  scrubText(text: string): string {
    if (!text.includes(this.#text)) return text
    return this.scrub(Buffer.from(text, 'utf8')).toString('utf8')
  }

  /**
   * Appends to `ranges` the [start, end) byte pairs of every spelling of the key in `buf`, and
   * returns the offset from which bytes must wait for the next chunk (a spelling may begin there);
   * `buf.length` when none must, which is always the case when `isFinal`.
   */
  scan(buf: Buffer, isFinal: boolean, ranges: number[]): number {
    const n = buf.length
    const keyLength = this.#bytes.length
    let hold = n
    for (let at = buf.indexOf(this.#bytes); at !== -1; at = buf.indexOf(this.#bytes, at + 1)) {
      ranges.push(at, at + keyLength)
    }
    if (!isFinal) hold = this.#rawHold(buf)
    if (buf.indexOf(BACKSLASH) !== -1) hold = Math.min(hold, this.#scanEscaped(buf, isFinal, ranges))
    // bytes already masked never wait: a spelling overlapping a masked one cannot reach the client whole
    for (let i = 1; i < ranges.length; i += 2) hold = Math.max(hold, ranges[i] ?? 0)
    return hold
  }

  /**
   * Where the longest proper suffix of `buf` that begins the raw key starts (`buf.length` if none).
   * A plain loop: the tail is shorter than the key, and a native call per candidate costs more.
   */
  #rawHold(buf: Buffer): number {
    const n = buf.length
    const bytes = this.#bytes
    for (let i = Math.max(0, n - bytes.length + 1); i < n; i++) {
      if (buf[i] !== this.#firstByte) continue
      let k = 1
      while (i + k < n && buf[i + k] === bytes[k]) k += 1
      if (i + k === n) return i
    }
    return n
  }

  /** KMP over the code units a JSON parser would read; returns where a pending spelling begins. */
  #scanEscaped(buf: Buffer, isFinal: boolean, ranges: number[]): number {
    const n = buf.length
    const units = this.#units
    const failure = this.#failure
    const starts = this.#starts
    const length = units.length
    let matched = 0
    let count = 0
    let nextFirst = -2
    let nextEscape = -2
    let i = 0
    const feed = (unit: number, start: number, end: number): void => {
      while (matched > 0 && units[matched] !== unit) matched = failure[matched - 1] ?? 0
      if (units[matched] === unit) matched += 1
      starts[count % length] = start
      count += 1
      if (matched === length) {
        ranges.push(starts[(count - length) % length] ?? start, end)
        matched = failure[length - 1] ?? 0
      }
    }
    while (i < n) {
      if (matched === 0) {
        // nothing pending: skip to the next byte that can begin a spelling of the key
        if (nextFirst !== -1 && nextFirst < i) nextFirst = buf.indexOf(this.#firstByte, i)
        if (nextEscape !== -1 && nextEscape < i) nextEscape = buf.indexOf(BACKSLASH, i)
        if (nextFirst === -1 && nextEscape === -1) return n
        i = nextFirst === -1 ? nextEscape : nextEscape === -1 ? nextFirst : Math.min(nextFirst, nextEscape)
      }
      const byte = buf[i] ?? 0
      if (byte === BACKSLASH) {
        const next = i + 1 < n ? (buf[i + 1] ?? 0) : -1
        if (next === 0x75 /* u */) {
          if (i + 6 > n && !isFinal) return this.#pendingFrom(i, matched, count)
          const value = i + 6 > n ? -1 : hexUnit(buf, i + 2)
          if (value >= 0) {
            feed(value, i, i + 6)
            i += 6
          } else {
            feed(BACKSLASH, i, i + 1)
            i += 1
          }
          continue
        }
        if (next === -1 && !isFinal) return this.#pendingFrom(i, matched, count)
        const short = next === -1 ? undefined : SHORT_ESCAPES[next]
        if (short === undefined) {
          feed(BACKSLASH, i, i + 1)
          i += 1
        } else {
          feed(short, i, i + 2)
          i += 2
        }
        continue
      }
      if (byte < 0x80) {
        feed(byte, i, i + 1)
        i += 1
        continue
      }
      const size = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1
      if (size > 1 && i + size > n && !isFinal) return this.#pendingFrom(i, matched, count)
      const codePoint = size === 1 || i + size > n ? -1 : decodeUtf8(buf, i, size)
      if (codePoint < 0) {
        feed(0xfffd, i, i + 1)
        i += 1
      } else if (codePoint > 0xffff) {
        const offset = codePoint - 0x10000
        feed(0xd800 + (offset >> 10), i, i + size)
        feed(0xdc00 + (offset & 0x3ff), i, i + size)
        i += size
      } else {
        feed(codePoint, i, i + size)
        i += size
      }
    }
    return matched > 0 ? this.#pendingFrom(n, matched, count) : n
  }

  /** The start of the partial spelling of `matched` units, or `cut` (an unfinished unit) if earlier. */
  #pendingFrom(cut: number, matched: number, count: number): number {
    if (matched === 0) return cut
    const start = this.#starts[(count - matched) % this.#units.length] ?? cut
    return Math.min(start, cut)
  }
}

/** The code unit of the four hex digits at `at`, or -1 when they are not four hex digits. */
function hexUnit(buf: Buffer, at: number): number {
  let value = 0
  for (let k = 0; k < 4; k++) {
    const digit = hexValue(buf[at + k] ?? 0)
    if (digit < 0) return -1
    value = (value << 4) | digit
  }
  return value
}

function decodeUtf8(buf: Buffer, i: number, size: number): number {
  let codePoint = (buf[i] ?? 0) & (size === 2 ? 0x1f : size === 3 ? 0x0f : 0x07)
  for (let k = 1; k < size; k++) {
    const byte = buf[i + k] ?? 0
    if ((byte & 0xc0) !== 0x80) return -1
    codePoint = (codePoint << 6) | (byte & 0x3f)
  }
  return codePoint
}

function kmpFailure(units: Uint16Array): Int32Array {
  const failure = new Int32Array(units.length)
  let k = 0
  for (let i = 1; i < units.length; i++) {
    while (k > 0 && units[i] !== units[k]) k = failure[k - 1] ?? 0
    if (units[i] === units[k]) k += 1
    failure[i] = k
  }
  return failure
}

/** Overwrites each (merged) range with `[REDACTED]***…` of its own length (only `*` when shorter). */
function maskRanges(buf: Buffer, ranges: number[]): Buffer {
  const pairs: [number, number][] = []
  for (let i = 0; i < ranges.length; i += 2) pairs.push([ranges[i] ?? 0, ranges[i + 1] ?? 0])
  pairs.sort((a, b) => a[0] - b[0])
  let current: [number, number] | null = null
  const merged: [number, number][] = []
  for (const pair of pairs) {
    if (current && pair[0] < current[1]) current[1] = Math.max(current[1], pair[1])
    else {
      current = [pair[0], pair[1]]
      merged.push(current)
    }
  }
  for (const [start, end] of merged) {
    const length = end - start
    buf.fill(STAR, start, end)
    if (length >= MASK_WORD.length) MASK_WORD.copy(buf, start)
  }
  return buf
}

/**
 * One answer's worth of streaming state: `push` returns the bytes that may go out now (a possible
 * beginning of the key waits for the next chunk: at most the key's length − 1 bytes for the raw
 * key, up to six bytes a character for an escaped spelling), `end` the rest.
 */
export class KeyScrubber {
  #held: Buffer | null = null
  readonly #ranges: number[] = []

  constructor(readonly pattern: KeyPattern) {}

  push(chunk: Buffer): Buffer {
    const buf = this.#held ? Buffer.concat([this.#held, chunk]) : chunk
    this.#ranges.length = 0
    const hold = this.pattern.scan(buf, false, this.#ranges)
    // undici's chunk is copied before masking rather than written over
    const out = this.#ranges.length === 0 ? buf : maskRanges(Buffer.from(buf), this.#ranges)
    if (hold === buf.length) {
      this.#held = null
      return out
    }
    this.#held = Buffer.from(out.subarray(hold))
    return out.subarray(0, hold)
  }

  end(): Buffer {
    const held = this.#held
    this.#held = null
    return held ? this.pattern.scrub(held) : EMPTY
  }
}
