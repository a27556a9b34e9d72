// @ts-check
/**
 * The request log's writer thread (log-writer-thread.ts): its own connection to the SQLite file;
 * each batch plan one transaction; answers each batch's id, with the error's message when it failed.
 * Plain JavaScript with nothing but better-sqlite3: the thread starts in tens of milliseconds and
 * adds little memory (it holds no copy of the application).
 */
import { parentPort, workerData } from 'node:worker_threads'
import SQLite from 'better-sqlite3'
import { createPlanRunner } from './sqlite-batch.mjs'

const port = parentPort
if (!port) throw new Error('log-writer-thread.worker runs as a worker thread')

const sqlite = new SQLite(/** @type {{ path: string }} */ (workerData).path)
// journal_mode is the file's (WAL, set by the main connection); these two are per connection
sqlite.pragma('busy_timeout = 5000')
sqlite.pragma('synchronous = NORMAL')
const run = createPlanRunner(sqlite)

port.on('message', (/** @type {import('./log-writer-thread.js').WriterRequest | 'close'} */ message) => {
  if (message === 'close') {
    sqlite.close()
    port.close()
    return
  }
  try {
    run(message.plan)
    port.postMessage({ id: message.id })
  } catch (error) {
    port.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) })
  }
})
