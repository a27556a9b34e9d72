/**
 * Prices per provider model, set through the API or imported from a JSON file, and kept in memory
 * for the request log's cost (no query per record). A change goes through `configChanged`: the
 * backup carries the prices and every replica reloads them. No built-in price list.
 */
import type { Logger } from 'pino'
import { AppError, fieldError, invalidFields } from '../../core/errors.js'
import type { PriceRecord, PricesRepo } from '../../db/prices.repo.js'
import { type Price, type PriceInput, toPrice } from '../../domain/usage.js'
import type { ConfigChanges } from '../config/config-changes.js'

const keyOf = (providerId: number, model: string) => `${providerId}\u0000${model}`

export function createPrices(deps: { repo: PricesRepo; changes: ConfigChanges; log: Logger }) {
  let byModel = new Map<string, Price>()

  async function reload(): Promise<void> {
    const rows = await deps.repo.list()
    byModel = new Map(rows.map((row) => [keyOf(row.provider_id, row.model), toPrice(row)]))
  }

  const unsubscribe = deps.changes.subscribe((kind) => (kind === 'config' ? reload() : undefined))

  /** Every price must name an existing provider (422 naming the entry otherwise). */
  async function checkProviders(prices: PriceInput[], field: (i: number) => string): Promise<void> {
    const ids = await deps.repo.providerIds()
    const errors = prices.flatMap((p, i) =>
      ids.has(p.provider_id)
        ? []
        : [{ field: field(i), message: `provider ${p.provider_id} does not exist` }],
    )
    if (errors.length > 0) throw invalidFields('', errors.slice(0, 50))
  }

  return {
    reload,
    priceOf: (providerId: number, model: string): Price | undefined => byModel.get(keyOf(providerId, model)),

    list: (): Promise<PriceRecord[]> => deps.repo.list(),

    async set(price: PriceInput): Promise<PriceRecord> {
      await checkProviders([price], () => 'provider_id')
      await deps.repo.upsert([{ ...price, model: price.model.trim() }], new Date().toISOString())
      await deps.changes.configChanged()
      const saved = (await deps.repo.list()).find(
        (p) => p.provider_id === price.provider_id && p.model === price.model.trim(),
      )
      if (!saved) throw new AppError('price_not_found', 'the price was removed while it was being set')
      return saved
    },

    /** Sets every price of the file (all or nothing); prices it does not name stay. */
    async importAll(prices: PriceInput[]): Promise<{ imported: number }> {
      const seen = new Set<string>()
      prices.forEach((p, i) => {
        const key = keyOf(p.provider_id, p.model.trim())
        if (seen.has(key))
          throw fieldError(`prices[${i}]`, `a second price for ${p.model} of provider ${p.provider_id}`)
        seen.add(key)
      })
      await checkProviders(prices, (i) => `prices[${i}].provider_id`)
      await deps.repo.upsert(
        prices.map((p) => ({ ...p, model: p.model.trim() })),
        new Date().toISOString(),
      )
      await deps.changes.configChanged()
      return { imported: prices.length }
    },

    async remove(providerId: number, model: string): Promise<void> {
      if (!(await deps.repo.delete(providerId, model)))
        throw new AppError('price_not_found', `no price is set for ${model} of provider ${providerId}`)
      await deps.changes.configChanged()
    },

    stop(): void {
      unsubscribe()
    },
  }
}

export type Prices = ReturnType<typeof createPrices>
