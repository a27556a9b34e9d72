/** What every benchmark script takes from its command line and its machine. */
import http from 'node:http'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository's root (bench/ is one level below it). */
export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')

export const args = process.argv.slice(2)

/** The value after `--name` on the command line, or `fallback`. */
export function flag(name, fallback) {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? (args[i + 1] ?? fallback) : fallback
}

/** A port free on 127.0.0.1 now (the OS picks it). */
export async function freePort() {
  const server = http.createServer()
  await new Promise((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address()
  await new Promise((r) => server.close(r))
  return port
}
