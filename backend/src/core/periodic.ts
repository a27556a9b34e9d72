/**
 * A task run now and then every `everyMs` (unref'd: it never keeps the process alive); a failure is
 * handed to `onError` and the next run goes ahead. `stop` clears the timer. The retention prunes of
 * the gateway's response bindings and stored responses share it.
 */
export interface Periodic {
  start(): void
  stop(): void
}

export function periodic(
  task: () => Promise<unknown>,
  everyMs: number,
  onError: (error: unknown) => void,
): Periodic {
  let timer: NodeJS.Timeout | null = null
  return {
    start() {
      if (timer) return
      const run = () => void task().catch(onError)
      run()
      timer = setInterval(run, everyMs)
      timer.unref()
    },
    stop() {
      if (timer) clearInterval(timer)
      timer = null
    },
  }
}
