/**
 * SQLite: the request log's batches written by a worker thread on its own connection to the same
 * file (log-writer-thread.worker.mjs), so neither the transaction nor the WAL writes nor the
 * checkpoints' fsyncs run on the gateway's event loop. Measured on the loop before this (one core,
 * c=32 JSON, about 100 records a batch): 14 µs a record on average and batches up to 24 ms at a
 * checkpoint, every request in flight waiting meanwhile (docs/performance.md).
 *
 * The thread starts with the first batch (a process that serves nothing pays nothing for it) and is
 * started again if it dies; a batch it did not confirm rejects, and the request log counts it as
 * dropped. The thread keeps the process alive only while a batch is in flight.
 */
import { once } from 'node:events'
import { Worker } from 'node:worker_threads'
import type { BatchPlan } from './sqlite-batch.mjs'

export interface BatchWriter {
  write(plan: BatchPlan): Promise<void>
  close(): Promise<void>
}

export type WriterRequest = { id: number; plan: BatchPlan }
export type WriterReply = { id: number; error?: string }

export function createLogWriterThread(path: string): BatchWriter {
  let worker: Worker | null = null
  let nextId = 0
  const pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>()

  function settle(id: number, error?: Error): void {
    const waiting = pending.get(id)
    if (!waiting) return
    pending.delete(id)
    if (error) waiting.reject(error)
    else waiting.resolve()
    if (pending.size === 0) worker?.unref()
  }

  function start(): Worker {
    // a batch is a few hundred small arrays: a small young generation does
    const thread = new Worker(new URL('./log-writer-thread.worker.mjs', import.meta.url), {
      workerData: { path },
      // none of the process's flags (a loader such as tsx's, --input-type) has a use there
      execArgv: [],
      resourceLimits: { maxYoungGenerationSizeMb: 4 },
    })
    thread.on('message', (reply: WriterReply) =>
      settle(reply.id, reply.error === undefined ? undefined : new Error(reply.error)),
    )
    // 'error' (an exception the thread did not catch, or one loading it) is followed by 'exit'
    let crash = ''
    thread.on('error', (error) => {
      crash = `: ${error.message}`
    })
    thread.on('exit', (code) => {
      if (worker === thread) worker = null
      const error = new Error(`the request log's writer thread exited (code ${code})${crash}`)
      for (const id of [...pending.keys()]) settle(id, error)
    })
    return thread
  }

  return {
    write(plan) {
      if (!worker) worker = start()
      const thread = worker
      const id = ++nextId
      return new Promise<void>((resolve, reject) => {
        if (pending.size === 0) thread.ref()
        pending.set(id, { resolve, reject })
        thread.postMessage({ id, plan } satisfies WriterRequest)
      })
    },

    /** After the last write: the thread closes its connection and ends. */
    async close() {
      const thread = worker
      worker = null
      if (!thread) return
      const exited = once(thread, 'exit')
      thread.postMessage('close')
      await exited
    },
  }
}
