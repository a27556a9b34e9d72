import { h } from 'vue'
import ExpandButton from './ExpandButton.vue'

/**
 * `render-expand-icon` for an NDataTable. Naive UI's expander is a bare div: a button inside it
 * takes the keyboard's focus and its Enter or Space (the click bubbles to the div, which toggles the
 * row), and says what it does — "Show details of …" with the row's name when `rowName` gives one.
 */
export function expandIconRenderer<Row>(rowName?: (row: Row) => string) {
  return ({ expanded, rowData }: { expanded: boolean; rowData: object }) => {
    const name = rowName?.(rowData as Row)
    const what = expanded ? 'Hide details' : 'Show details'
    return h(ExpandButton, { expanded, label: name ? `${what} of ${name}` : what })
  }
}
