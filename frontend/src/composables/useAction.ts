import { useMessage } from 'naive-ui'
import { describeError } from '../api/client'

export interface ActionOptions {
  /** Runs after a success, e.g. the list's reload. */
  after?: () => Promise<void>
  /** Takes over an error it can explain better than a toast; true when it did. */
  explain?: (err: unknown) => boolean
}

/** A one-click change from a list (delete, revoke, hold): its outcome as a toast, then `after`. */
export function useAction() {
  const message = useMessage()
  return async function act(task: () => Promise<unknown>, done: string, options: ActionOptions = {}) {
    try {
      await task()
      message.success(done)
      await options.after?.()
    } catch (err) {
      if (!options.explain?.(err)) message.error(describeError(err))
    }
  }
}
