import { type DataTableColumns, NTag, NTooltip } from 'naive-ui'
import { h } from 'vue'
import type { Provider } from '../../api/types'
import { formatDateTime, formatMs, formatRelative } from '../../lib/format'
import ProviderDetails from './ProviderDetails.vue'
import ProviderRowActions from './ProviderRowActions.vue'
import { healthLook } from './provider-health'
import type { OverrideChoice } from './useProviderActions'

export interface ProviderColumnHandlers {
  isTesting: (provider: Provider) => boolean
  test: (provider: Provider) => void
  edit: (provider: Provider) => void
  override: (provider: Provider, choice: OverrideChoice) => void
  remove: (provider: Provider) => void
}

function renderModels(models: string[]) {
  if (models.length === 0) return h('span', { class: 'muted' }, 'none')
  const shown = models
    .slice(0, 3)
    .map((m) => h(NTag, { size: 'small', bordered: false }, { default: () => m }))
  const more = models.length > 3 ? [h('span', { class: 'muted' }, ` +${models.length - 3}`)] : []
  return h('div', { class: 'tag-row' }, [...shown, ...more])
}

/** The routing verdict (provider-health.ts), with its reason on hover and, narrow, below it. */
function renderHealth(provider: Provider, withHint: boolean) {
  const look = healthLook(provider)
  const badge = h(
    NTag,
    { size: 'small', round: true, bordered: false, type: look.type, title: look.hint },
    { default: () => look.label },
  )
  const failures = provider.consecutive_failures
  const below = withHint
    ? h('div', { class: 'muted small' }, look.hint)
    : h(
        'div',
        { class: failures > 0 ? 'small bad' : 'muted small' },
        `${failures} failure${failures === 1 ? '' : 's'} in a row`,
      )
  return h('div', { 'data-testid': 'provider-health' }, [badge, below])
}

/** The last probe as a plain fact (no badge colour): what it said and when. */
function renderLastCheck(row: Provider) {
  if (row.status === null) return h('span', { class: 'muted' }, 'never checked')
  return h('div', [
    h('span', { class: row.status === 'online' ? '' : 'bad' }, row.status),
    h(NTooltip, null, {
      trigger: () => h('div', { class: 'muted small' }, formatRelative(row.last_tested_at)),
      default: () => formatDateTime(row.last_tested_at),
    }),
  ])
}

function renderName(row: Provider) {
  return h('div', [
    h('div', { class: 'strong' }, row.name),
    h(
      'div',
      { class: 'muted small', 'data-testid': 'provider-kind' },
      `${row.kind} · ${row.has_api_key ? `key ${row.api_key_hint ?? 'set'}` : 'no key'}`,
    ),
  ])
}

function renderActions(handlers: ProviderColumnHandlers, row: Provider, compact: boolean) {
  return h(ProviderRowActions, {
    provider: row,
    testing: handlers.isTesting(row),
    compact,
    onTest: () => handlers.test(row),
    onEdit: () => handlers.edit(row),
    onOverride: (choice: OverrideChoice) => handlers.override(row, choice),
    onDelete: () => handlers.remove(row),
  })
}

const expandColumn: DataTableColumns<Provider>[number] = {
  type: 'expand',
  renderExpand: (row) => h(ProviderDetails, { provider: row }),
}

/**
 * On a narrow window the table keeps what fits a phone (name, status and health, actions behind one
 * menu); the rest is in the row's details. A fixed actions column would cover the table there.
 */
export function createProviderColumns(
  handlers: ProviderColumnHandlers,
  isNarrow: boolean,
): DataTableColumns<Provider> {
  if (isNarrow) {
    return [
      expandColumn,
      {
        title: 'Provider',
        key: 'name',
        render: (row) => h('div', { class: 'stack-small' }, [renderName(row), renderHealth(row, true)]),
      },
      { title: '', key: 'actions', width: 140, render: (row) => renderActions(handlers, row, true) },
    ]
  }
  return [
    expandColumn,
    {
      title: 'Name',
      key: 'name',
      minWidth: 140,
      sorter: (a, b) => a.name.localeCompare(b.name),
      render: renderName,
    },
    { title: 'Base URL', key: 'base_url', minWidth: 130, ellipsis: { tooltip: true } },
    { title: 'Models', key: 'models', minWidth: 90, render: (row) => renderModels(row.models) },
    { title: 'Health', key: 'is_healthy', width: 150, render: (row) => renderHealth(row, false) },
    { title: 'Last check', key: 'last_tested_at', width: 124, render: renderLastCheck },
    {
      title: 'Latency',
      key: 'latency_ms',
      width: 96,
      sorter: (a, b) => (a.latency_ms ?? Infinity) - (b.latency_ms ?? Infinity),
      render: (row) => formatMs(row.latency_ms),
    },
    {
      title: 'Actions',
      key: 'actions',
      width: 272,
      fixed: 'right',
      render: (row) => renderActions(handlers, row, false),
    },
  ]
}
