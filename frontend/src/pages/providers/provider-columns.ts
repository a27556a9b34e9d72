import { type DataTableColumns, NTag, NTooltip } from 'naive-ui'
import { h } from 'vue'
import type { Provider } from '../../api/types'
import StatusBadge from '../../components/StatusBadge.vue'
import { formatDateTime, formatMs, formatRelative } from '../../lib/format'
import ProviderDetails from './ProviderDetails.vue'
import ProviderRowActions from './ProviderRowActions.vue'
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

function renderHealthy(provider: Provider) {
  const failures = provider.consecutive_failures
  return h('div', [
    h(
      NTag,
      { size: 'small', round: true, bordered: false, type: provider.is_healthy ? 'success' : 'error' },
      { default: () => (provider.is_healthy ? 'healthy' : 'unhealthy') },
    ),
    h(
      'div',
      { class: failures > 0 ? 'small bad' : 'muted small' },
      `${failures} failure${failures === 1 ? '' : 's'} in a row`,
    ),
  ])
}

function renderOverride(provider: Provider) {
  if (provider.health_override === null) return h('span', { class: 'muted' }, 'automatic')
  return h(
    NTag,
    {
      size: 'small',
      type: provider.health_override === 'unhealthy' ? 'warning' : 'info',
      bordered: false,
      title: 'Set by an admin: health checks do not change it until it is back on automatic.',
    },
    { default: () => `held ${provider.health_override}` },
  )
}

function renderName(row: Provider) {
  return h('div', [
    h('div', { class: 'strong' }, row.name),
    h('div', { class: 'muted small' }, row.has_api_key ? `key ${row.api_key_hint ?? 'set'}` : 'no key'),
  ])
}

function renderStatus(row: Provider) {
  return h('div', { class: 'tag-row' }, [
    h(StatusBadge, { status: row.status }),
    row.is_active ? null : h(NTag, { size: 'small', bordered: false }, { default: () => 'inactive' }),
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
        render: (row) =>
          h('div', { class: 'stack-small' }, [
            renderName(row),
            renderStatus(row),
            row.is_healthy ? null : h('div', { class: 'small bad' }, 'unhealthy'),
            row.health_override === null ? null : renderOverride(row),
          ]),
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
    { title: 'Status', key: 'status', width: 110, render: renderStatus },
    {
      title: 'Latency',
      key: 'latency_ms',
      width: 96,
      sorter: (a, b) => (a.latency_ms ?? Infinity) - (b.latency_ms ?? Infinity),
      render: (row) => formatMs(row.latency_ms),
    },
    {
      title: 'Last tested',
      key: 'last_tested_at',
      width: 100,
      render: (row) =>
        h(NTooltip, null, {
          trigger: () => h('span', formatRelative(row.last_tested_at)),
          default: () => formatDateTime(row.last_tested_at),
        }),
    },
    { title: 'Healthy · failures', key: 'is_healthy', width: 124, render: renderHealthy },
    { title: 'Override', key: 'health_override', width: 128, render: renderOverride },
    {
      title: 'Actions',
      key: 'actions',
      width: 272,
      fixed: 'right',
      render: (row) => renderActions(handlers, row, false),
    },
  ]
}
