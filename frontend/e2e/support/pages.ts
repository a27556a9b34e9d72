import type { Locator, Page } from 'playwright-core'

/** Page objects: the few interactions with Naive UI widgets that need more than a label. */

export async function addTag(page: Page, label: string, value: string): Promise<void> {
  const input = page.getByLabel(label, { exact: true })
  await input.click()
  await input.fill(value)
  await page.locator('.n-base-select-option', { hasText: value }).first().waitFor()
  await input.press('Enter')
}

export async function pickOption(page: Page, label: string, option: string): Promise<void> {
  await page.getByLabel(label, { exact: true }).click()
  await page.locator('.n-base-select-option', { hasText: option }).first().click()
}

export function tableRow(page: Page, text: string): Locator {
  return page.getByRole('row').filter({ hasText: text })
}

export function dialog(page: Page): Locator {
  return page.getByRole('dialog')
}

/** The number a Naive UI statistic shows, e.g. "1,234" → 1234. */
export async function statisticValue(statistic: Locator): Promise<number> {
  const text = (await statistic.locator('.n-statistic-value').textContent()) ?? ''
  return Number(text.replace(/[^\d.]/g, ''))
}
