import type { Provider } from '../../api/types'

export type BadgeType = 'success' | 'warning' | 'error' | 'info' | 'default'

export interface HealthLook {
  /** What routing does with the provider, in one word or two. */
  label: string
  type: BadgeType
  /** Why, in a sentence (tooltip and the narrow layout). */
  hint: string
}

function lastCheckWords(p: Provider): string {
  if (p.status === null) return 'never checked'
  return `last check ${p.status}`
}

/**
 * One badge language for the providers page: the badge says whether routing sends traffic to the
 * provider (the operator's question), and its colour follows that alone. The last probe result is
 * a fact beside it in plain words, so "online" next to "held unhealthy" cannot read as a contradiction.
 */
export function healthLook(p: Provider): HealthLook {
  if (!p.is_active) return { label: 'inactive', type: 'default', hint: 'Switched off: routing skips it.' }
  if (p.health_override === 'unhealthy')
    return {
      label: 'held unhealthy',
      type: 'error',
      hint: `Held by an admin: routing skips it whatever the checks say (${lastCheckWords(p)}).`,
    }
  if (p.health_override === 'healthy')
    return {
      label: 'held healthy',
      type: 'info',
      hint: `Held by an admin: routing uses it whatever the checks say (${lastCheckWords(p)}).`,
    }
  const failures = p.consecutive_failures
  const inRow = `${failures} failure${failures === 1 ? '' : 's'} in a row`
  if (!p.is_healthy) return { label: 'unhealthy', type: 'error', hint: `${inRow}: routing skips it.` }
  if (p.status === null)
    return { label: 'not checked', type: 'default', hint: 'No health check yet: routing uses it.' }
  if (failures > 0 || p.status !== 'online')
    return {
      label: 'failing',
      type: 'warning',
      hint: `${inRow} (${lastCheckWords(p)}): routing still uses it.`,
    }
  return { label: 'healthy', type: 'success', hint: 'Answered its last check: routing uses it.' }
}

/** The counts of the page summary: a chip per verdict that has at least one provider. */
export function healthSummary(list: Provider[]): Array<{ label: string; type: BadgeType; count: number }> {
  const order: Array<[string, BadgeType]> = [
    ['healthy', 'success'],
    ['failing', 'warning'],
    ['unhealthy', 'error'],
    ['held unhealthy', 'error'],
    ['held healthy', 'info'],
    ['not checked', 'default'],
    ['inactive', 'default'],
  ]
  const counts = new Map<string, number>()
  for (const p of list) {
    const { label } = healthLook(p)
    counts.set(label, (counts.get(label) ?? 0) + 1)
  }
  return order
    .map(([label, type]) => ({ label, type, count: counts.get(label) ?? 0 }))
    .filter((c) => c.count > 0)
}
