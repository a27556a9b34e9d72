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
  await page.locator('.n-base-select-option:visible', { hasText: value }).first().waitFor()
  await page.keyboard.press('Enter')
  await formItem(page, label).locator('.n-base-selection-tag-wrapper', { hasText: value }).waitFor()
}

/**
 * Picks by typing into the (filterable) select that has focus and pressing Enter: clicking an option
 * could hit the fading menu of the select picked just before, which has the same options.
 */
export async function pickOption(page: Page, label: string, option: string): Promise<void> {
  const item = formItem(page, label)
  await item.locator('.n-base-selection').click()
  await page.keyboard.type(option)
  await page.locator('.n-base-select-option:visible', { hasText: option }).first().waitFor()
  await page.keyboard.press('Enter')
  await item.locator('.n-base-selection', { hasText: option }).waitFor()
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

/** Picks options in a multiple select the same way, then closes its menu by clicking the field's label. */
export async function pickMany(page: Page, label: string, options: string[]): Promise<void> {
  const item = formItem(page, label)
  await item.locator('.n-base-selection').click()
  for (const option of options) {
    await page.keyboard.type(option)
    await page.locator('.n-base-select-option:visible', { hasText: option }).first().waitFor()
    await page.keyboard.press('Enter')
    await item.locator('.n-base-selection-tag-wrapper', { hasText: option }).waitFor()
  }
  await item.locator('.n-form-item-label').click()
}
