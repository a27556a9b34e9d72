import { onBeforeUnmount, onMounted } from 'vue'

/**
 * Calls `task` on mount and then every `intervalMs`, skipping a tick while the previous call is
 * still running and while the tab is hidden. Returns `refresh` for a manual "refresh now".
 */
export function usePolling(task: () => Promise<void>, intervalMs: number) {
  let timer: ReturnType<typeof setInterval> | undefined
  let running = false

  async function refresh(): Promise<void> {
    if (running) return
    running = true
    try {
      await task()
    } finally {
      running = false
    }
  }

  function tick(): void {
    if (typeof document !== 'undefined' && document.visibilityState === 'hidden') return
    void refresh()
  }

  onMounted(() => {
    void refresh()
    timer = setInterval(tick, intervalMs)
  })
  onBeforeUnmount(() => clearInterval(timer))

  return { refresh }
}
