import { useDialog, useMessage } from 'naive-ui'
import { h, ref } from 'vue'
import { ApiError, describeError } from '../../api/client'
import { providersApi } from '../../api/providers'
import { routesApi } from '../../api/routes'
import type { Provider, TestResult } from '../../api/types'
import { useAction } from '../../composables/useAction'
import { formatMs } from '../../lib/format'

export type OverrideChoice = 'healthy' | 'unhealthy' | 'automatic'

function routeNames(error: ApiError): string[] {
  const routes = error.body.routes
  if (!Array.isArray(routes)) return []
  return routes.map((r: unknown) =>
    typeof r === 'object' && r !== null && 'name' in r ? String(r.name) : String(r),
  )
}

/** The row actions of the providers table: test, health override and delete (with the 409 story). */
export function useProviderActions(onChanged: () => Promise<void>) {
  const dialog = useDialog()
  const message = useMessage()
  const act = useAction()
  const testingId = ref<number | null>(null)
  const lastResults = ref<Record<number, TestResult>>({})

  async function test(provider: Provider): Promise<void> {
    testingId.value = provider.id
    try {
      const result = await providersApi.test(provider.id)
      lastResults.value = { ...lastResults.value, [provider.id]: result }
      const text = `${provider.name}: ${result.status} in ${formatMs(result.latency_ms)}`
      if (result.status === 'online') message.success(text)
      else message.warning(result.detail ? `${text} (${result.detail})` : text)
      await onChanged()
    } catch (err) {
      message.error(describeError(err))
    } finally {
      testingId.value = null
    }
  }

  function setOverride(provider: Provider, choice: OverrideChoice): Promise<void> {
    const value = choice === 'automatic' ? null : choice === 'healthy'
    const done =
      choice === 'automatic'
        ? `${provider.name} follows its health checks again`
        : `${provider.name} held ${choice}`
    return act(() => providersApi.setHealth(provider.id, value), done, { after: onChanged })
  }

  function removeNow(provider: Provider, force: boolean): Promise<void> {
    return act(() => providersApi.remove(provider.id, force), `Deleted ${provider.name}`, {
      after: onChanged,
      explain: (err) => {
        if (!(err instanceof ApiError && err.status === 409 && !force)) return false
        explainConflict(provider, err)
        return true
      },
    })
  }

  function usedByContent(names: string[]) {
    return () =>
      h('div', [
        h(
          'p',
          names.length === 1
            ? 'A route sends traffic to this provider:'
            : `${names.length || 'Some'} routes send traffic to this provider:`,
        ),
        names.length > 0
          ? h(
              'ul',
              names.map((n) => h('li', n)),
            )
          : null,
        h(
          'p',
          'Deleting it also removes its nodes from those routes; the routes stay. This cannot be undone.',
        ),
      ])
  }

  function askUsedBy(provider: Provider, names: string[]): void {
    dialog.warning({
      title: `${provider.name} is used by routes`,
      content: usedByContent(names),
      positiveText: 'Delete and remove its nodes',
      negativeText: 'Keep it',
      onPositiveClick: () => removeNow(provider, true),
    })
  }

  /** A route took the provider between the question and the answer: ask again, with its name. */
  function explainConflict(provider: Provider, err: ApiError): void {
    askUsedBy(provider, routeNames(err))
  }

  /** One dialog: the routes that use the provider are looked up first, so the question names them. */
  async function confirmRemove(provider: Provider): Promise<void> {
    let users: string[]
    try {
      const routes = await routesApi.list()
      users = routes.filter((r) => r.nodes.some((n) => n.api_id === provider.id)).map((r) => r.name)
    } catch (err) {
      message.error(describeError(err))
      return
    }
    if (users.length > 0) {
      askUsedBy(provider, users)
      return
    }
    dialog.warning({
      title: `Delete ${provider.name}?`,
      content: 'The provider and its stored API key are removed. No route uses it. This cannot be undone.',
      positiveText: 'Delete',
      negativeText: 'Cancel',
      onPositiveClick: () => removeNow(provider, false),
    })
  }

  return { test, setOverride, confirmRemove, testingId, lastResults }
}
