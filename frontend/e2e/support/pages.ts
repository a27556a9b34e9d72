import type { Locator, Page } from 'playwright-core'

/** Page objects: the few interactions with Naive UI widgets that need more than a label. */

/** The innermost form item (label, control, feedback) around the control labelled `label`. */
export function formItem(page: Page, label: string): Locator {
  // Form items nest (the route's "Nodes" item holds each node's items); ancestors come first.
  return page.locator('.n-form-item', { has: page.getByLabel(label, { exact: true }) }).last()
}

/** A tags select keeps its text input collapsed until focused: click the box, then type. */
export async function addTag(page: Page, label: string, value: string): Promise<void> {
  await formItem(page, label).locator('.n-base-selection').click()
  await page.keyboard.type(value)
  await page.locator('.n-base-select-option', { hasText: value }).first().waitFor()
  await page.keyboard.press('Enter')
  await formItem(page, label).locator('.n-base-selection-tag-wrapper', { hasText: value }).waitFor()
}

export async function pickOption(page: Page, label: string, option: string): Promise<void> {
  await formItem(page, label).locator('.n-base-selection').click()
  await page.locator('.n-base-select-option', { hasText: option }).first().click()
}

export function tableRow(scope: Page | Locator, text: string): Locator {
  return scope.getByRole('row').filter({ hasText: text })
}

export function dialog(page: Page): Locator {
  return page.getByRole('dialog')
}

/** The number a Naive UI statistic shows, e.g. "1,234" → 1234. */
export async function statisticValue(statistic: Locator): Promise<number> {
  const text = (await statistic.locator('.n-statistic-value').textContent()) ?? ''
  return Number(text.replace(/[^\d.]/g, ''))
}

/** Picks options in a multiple select, then closes its menu by clicking the field's label. */
export async function pickMany(page: Page, label: string, options: string[]): Promise<void> {
  await formItem(page, label).locator('.n-base-selection').click()
  for (const option of options) {
    await page.locator('.n-base-select-option', { hasText: option }).first().click()
  }
  await formItem(page, label).locator('.n-form-item-label').click()
  for (const option of options) {
    await formItem(page, label).locator('.n-base-selection-tag-wrapper', { hasText: option }).waitFor()
  }
}
