#!/usr/bin/env node
// After `vite build`: a .gz and a .br beside each text asset of dist/, served by the backend with
// @fastify/static's preCompressed (the browser's Accept-Encoding picks one). Built once here, at
// the highest levels, instead of compressing every answer at run time.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'

const dist = resolve(import.meta.dirname, '..', 'dist')
const TEXT = /\.(js|css|html|svg|json|txt|map)$/
/** Below this, the headers outweigh the saving. */
const MIN_BYTES = 1024

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) yield* files(path)
    else yield path
  }
}

let raw = 0
let brotli = 0
let count = 0
for (const path of files(dist)) {
  if (!TEXT.test(path)) continue
  const data = readFileSync(path)
  if (data.length < MIN_BYTES) continue
  const br = brotliCompressSync(data, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
  })
  writeFileSync(`${path}.br`, br)
  writeFileSync(`${path}.gz`, gzipSync(data, { level: 9 }))
  raw += data.length
  brotli += br.length
  count += 1
}
console.log(
  `compress: ${count} files, ${(raw / 1024).toFixed(0)} KiB → ${(brotli / 1024).toFixed(0)} KiB brotli`,
)
