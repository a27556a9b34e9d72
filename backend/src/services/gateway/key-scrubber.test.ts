/**
 * Property-based proof that a provider key never gets through the scrubber: random keys, random
 * JSON spellings of each of their characters, random splits of the bytes into chunks.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { KeyPattern, KeyScrubber } from './key-scrubber.js'

/** Characters keys are made of here: the usual ones, the ones JSON must escape, and non-ASCII. */
const KEY_CHARS = [
  ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
  ...'-_./+="\\:~',
  'é',
  '€',
  '😀',
  '\n',
]

const keyArb = fc
  .array(fc.constantFrom(...KEY_CHARS), { minLength: 4, maxLength: 40 })
  .map((chars) => chars.join(''))

/** Random text around the key (anything a JSON string may hold, escapes included once stringified). */
const textArb = fc.string({
  unit: fc.constantFrom(...KEY_CHARS, ' ', 'ü', '\t', '\u0001', '😺'),
  maxLength: 60,
})

function hex4(unit: number, upper: boolean): string {
  const text = unit.toString(16).padStart(4, '0')
  return `\\u${upper ? text.toUpperCase() : text}`
}

const SHORT: Record<string, string> = { '"': '\\"', '\\': '\\\\', '/': '\\/', '\n': '\\n' }

/** One character of the key as it may read inside a JSON string; `choice` picks the spelling. */
function spell(char: string, choice: number): string {
  const mustEscape = char === '"' || char === '\\' || char < ' '
  const options: string[] = []
  if (!mustEscape) options.push(char)
  const short = SHORT[char]
  if (short) options.push(short)
  const units = Array.from({ length: char.length }, (_, i) => char.charCodeAt(i))
  options.push(units.map((u) => hex4(u, false)).join(''))
  options.push(units.map((u) => hex4(u, true)).join(''))
  options.push(units.map((u, i) => hex4(u, i % 2 === 0)).join(''))
  return options[choice % options.length] ?? char
}

/** The key spelled character by character, each spelling chosen at random. */
function spellKey(key: string, choices: number[]): string {
  return Array.from(key)
    .map((char, i) => spell(char, choices[i % choices.length] ?? 0))
    .join('')
}

/** Cuts `bytes` at the given fractions, pushes the pieces through a scrubber, joins the output. */
function scrubInChunks(pattern: KeyPattern, bytes: Buffer, cuts: number[]): Buffer {
  const points = [...new Set(cuts.map((c) => Math.floor(c * bytes.length)))].sort((a, b) => a - b)
  const scrubber = new KeyScrubber(pattern)
  const out: Buffer[] = []
  let start = 0
  for (const point of [...points, bytes.length]) {
    out.push(scrubber.push(bytes.subarray(start, point)))
    start = point
  }
  out.push(scrubber.end())
  return Buffer.concat(out)
}

const cutsArb = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 })

/** A proper prefix of the key that is also a suffix of it (two matches could overlap). */
function hasBorder(key: string): boolean {
  for (let n = 1; n < key.length; n++) if (key.endsWith(key.slice(0, n))) return true
  return false
}

function patternOf(key: string): KeyPattern {
  const pattern = KeyPattern.for(key)
  if (!pattern) throw new Error('a key of four characters or more always has a pattern')
  return pattern
}

describe('the key scrubber', () => {
  it('masks a key spelled with any JSON escapes inside an error body, however the body is cut', () => {
    fc.assert(
      fc.property(
        keyArb,
        textArb,
        textArb,
        fc.array(fc.nat(), { minLength: 1, maxLength: 40 }),
        cutsArb,
        (key, before, after, choices, cuts) => {
          const prefix = JSON.stringify(before).slice(1, -1)
          const suffix = JSON.stringify(after).slice(1, -1)
          const body = `{"error":{"message":"${prefix}${spellKey(key, choices)}${suffix}","code":"x"}}`
          const bytes = Buffer.from(body)
          const out = scrubInChunks(patternOf(key), bytes, cuts)
          expect(out.length).toBe(bytes.length)
          expect(out.indexOf(Buffer.from(key))).toBe(-1)
          const parsed = JSON.parse(out.toString('utf8')) as { error: { message: string; code: string } }
          expect(parsed.error.message).not.toContain(key)
          expect(parsed.error.code).toBe('x')
        },
      ),
      { numRuns: 2000 },
    )
  })

  it('masks every raw occurrence of the key in any bytes, split anywhere', () => {
    fc.assert(
      fc.property(
        keyArb,
        fc.array(fc.oneof(textArb, fc.constant('KEY'), fc.constant('\\'), fc.constant('\\u00')), {
          maxLength: 8,
        }),
        cutsArb,
        (key, parts, cuts) => {
          const bytes = Buffer.from(parts.map((p) => (p === 'KEY' ? key : p)).join(''))
          const out = scrubInChunks(patternOf(key), bytes, cuts)
          expect(out.length).toBe(bytes.length)
          expect(out.indexOf(Buffer.from(key))).toBe(-1)
        },
      ),
      { numRuns: 2000 },
    )
  })

  // For a key that overlaps itself ("abab"), bytes already masked never wait for the next chunk,
  // so what is masked may differ with the cuts (never letting the key through); other keys mask
  // the same bytes, though two adjacent masks may read `*****` twice rather than one `[REDACTED]`.
  it('masks the same bytes whatever the chunk boundaries, for a key that does not overlap itself', () => {
    fc.assert(
      fc.property(
        keyArb,
        fc.array(fc.oneof(textArb, fc.constant('KEY'), fc.constant('SPELLED')), { maxLength: 8 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 40 }),
        cutsArb,
        (key, parts, choices, cuts) => {
          fc.pre(!hasBorder(key))
          const text = parts
            .map((p) => (p === 'KEY' ? key : p === 'SPELLED' ? spellKey(key, choices) : p))
            .join('')
          const bytes = Buffer.from(text)
          const pattern = patternOf(key)
          // '*', '[' and ']' are not in the alphabet: stars after this mark exactly the masked bytes
          const masked = (out: Buffer) => out.toString('latin1').replaceAll('[REDACTED]', '*'.repeat(10))
          expect(masked(scrubInChunks(pattern, bytes, cuts))).toBe(masked(pattern.scrub(bytes)))
        },
      ),
      { numRuns: 2000 },
    )
  })

  it('leaves a JSON document that does not hold the key byte for byte as it was', () => {
    fc.assert(
      fc.property(keyArb, fc.array(textArb, { maxLength: 6 }), cutsArb, (key, values, cuts) => {
        fc.pre(!values.some((v) => v.includes(key)))
        const bytes = Buffer.from(JSON.stringify({ values, n: 1 }))
        fc.pre(bytes.indexOf(Buffer.from(key)) === -1)
        expect(scrubInChunks(patternOf(key), bytes, cuts).equals(bytes)).toBe(true)
      }),
      { numRuns: 2000 },
    )
  })

  it('holds back no more than the key length minus one of a raw key cut between chunks', () => {
    const key = 'sk-live-0123456789'
    const scrubber = new KeyScrubber(patternOf(key))
    const first = scrubber.push(Buffer.from(`{"message":"bad key ${key.slice(0, 17)}`))
    expect(first.toString()).toBe('{"message":"bad key ')
    const second = scrubber.push(Buffer.from(`${key.slice(17)} given"}`))
    expect(Buffer.concat([first, second, scrubber.end()]).toString()).toBe(
      '{"message":"bad key [REDACTED]******** given"}',
    )
    // text that cannot begin the key goes out at once
    expect(scrubber.push(Buffer.from('data: {"x":"y"}\n\n')).toString()).toBe('data: {"x":"y"}\n\n')
  })

  it('masks the spellings a JSON parser turns back into the key: \\/, \\uXXXX in either case', () => {
    const pattern = patternOf('sk-a/b-1234')
    const body = '{"m":"1 sk-a\\/b-1234 2 \\u0073K-a/b-1234 3 \\u0073\\u006B-a\\/b-\\u0031234"}'
    const out = pattern.scrub(Buffer.from(body)).toString()
    expect(out).toBe(`{"m":"1 [REDACTED]** 2 \\u0073K-a/b-1234 3 [REDACTED]*****************"}`)
  })

  it('has nothing to scrub for a provider without a key', () => {
    expect(KeyPattern.for(null)).toBeNull()
    expect(KeyPattern.for('')).toBeNull()
  })
})
