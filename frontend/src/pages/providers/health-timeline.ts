/** How the provider details show one health event (backend: docs/health.md, health timeline). */
import type { HealthEvent } from '../../api/types'

export type EventTone = 'success' | 'warning' | 'error'

const KIND_LABELS: Record<HealthEvent['kind'], string> = {
  probe: 'Probe',
  health: 'Health',
  circuit: 'Circuit',
  cooldown: 'Cooldown',
  override: 'Override',
}

const STATE_LABELS: Record<string, string> = {
  half_open: 'half-open',
  cooling: 'cooling down',
}

const GOOD = new Set(['online', 'healthy', 'closed', 'released'])
const BAD = new Set(['unreachable', 'error', 'unhealthy', 'open'])

export interface EventLook {
  title: string
  tone: EventTone
  /** The reason, with what the kind adds: a cooldown's model and end, who set an override. */
  content: string
}

export function eventLook(event: HealthEvent, formatTime: (iso: string) => string): EventLook {
  const state = STATE_LABELS[event.state] ?? event.state
  const tone: EventTone = GOOD.has(event.state) ? 'success' : BAD.has(event.state) ? 'error' : 'warning'
  const extras: string[] = []
  if (event.until) extras.push(`until ${formatTime(event.until)}`)
  if (event.actor)
    extras.push(event.actor === 'admin_token' ? 'by the admin token' : 'no credential (development mode)')
  const content = extras.length > 0 ? `${event.reason} (${extras.join(', ')})` : event.reason
  return { title: `${KIND_LABELS[event.kind]}: ${state}`, tone, content }
}
