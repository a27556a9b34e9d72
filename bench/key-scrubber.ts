/**
 * Micro-benchmark of the provider-key scrubber on the gateway's hot path (no HTTP): ns per chunk
 * and MB/s for the chunks the gateway sees — a JSON completion, an SSE content chunk, each with and
 * without a `\n` escape (a backslash sends a chunk down the decoding path), and a large body.
 * Run from the repository root: `npx tsx bench/key-scrubber.ts [iterations]`.
 */
import { KeyPattern, KeyScrubber } from '../backend/src/services/gateway/key-scrubber.js'

const iterations = Number(process.argv[2] ?? 200_000)
const key = KeyPattern.for('sk-bench-upstream-key-0123456789')
if (!key) throw new Error('unreachable: the key is long enough')

function completion(content: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      id: 'chatcmpl-bench',
      object: 'chat.completion',
      created: 1700000000,
      model: 'bench-model',
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 12, completion_tokens: 8, total_tokens: 20 },
    }),
  )
}

function sseChunk(content: string): Buffer {
  const body = {
    id: 'chatcmpl-bench',
    object: 'chat.completion.chunk',
    created: 1700000000,
    model: 'bench-model',
    choices: [{ index: 0, delta: { content }, finish_reason: null }],
  }
  return Buffer.from(`data: ${JSON.stringify(body)}\n\n`)
}

const prose = 'The quick brown fox jumps over the lazy dog.\n"Quoted", she said. '.repeat(800)
const cases: [string, Buffer][] = [
  ['JSON completion, no backslash', completion('Hello! I am fine, thank you.')],
  ['JSON completion, one \\n', completion('Hello!\nI am fine, thank you.')],
  ['SSE chunk, no backslash', sseChunk('tok1 ')],
  ['SSE chunk, one \\n', sseChunk('tok1\n')],
  ['50 KB body, escapes throughout', completion(prose)],
]

console.log('| chunk | bytes | ns/chunk | MB/s |')
console.log('| --- | --- | --- | --- |')
for (const [name, chunk] of cases) {
  const runs = chunk.length > 10_000 ? Math.max(1, Math.floor(iterations / 100)) : iterations
  let sink = 0
  for (let i = 0; i < Math.min(runs, 10_000); i++) sink += new KeyScrubber(key).push(chunk).length
  const started = process.hrtime.bigint()
  for (let i = 0; i < runs; i++) {
    const scrubber = new KeyScrubber(key)
    sink += scrubber.push(chunk).length + scrubber.end().length
  }
  const ns = Number(process.hrtime.bigint() - started) / runs
  if (sink === 0) throw new Error('nothing scrubbed')
  console.log(`| ${name} | ${chunk.length} | ${Math.round(ns)} | ${Math.round((chunk.length / ns) * 1000)} |`)
}
