// @ts-check
/**
 * A SQLite batch plan run as one transaction: plain JavaScript, so the request log's writer thread
 * (log-writer-thread.worker.mjs) loads it without a TypeScript loader, and the in-process writer
 * (requests.repo.ts, for `:memory:` databases) runs the same code.
 */

/** @typedef {{ sql: string, params: unknown[][] }} BatchStatement */
/** @typedef {BatchStatement[]} BatchPlan */

/**
 * Each statement prepared once by its SQL text, then run for each of its parameter rows; all of a
 * plan or none of it.
 * @param {import('better-sqlite3').Database} sqlite
 * @returns {(plan: BatchPlan) => void}
 */
export function createPlanRunner(sqlite) {
  /** @type {Map<string, import('better-sqlite3').Statement>} */
  const statements = new Map()
  return sqlite.transaction((/** @type {BatchPlan} */ plan) => {
    for (const { sql, params } of plan) {
      let statement = statements.get(sql)
      if (statement === undefined) {
        statement = sqlite.prepare(sql)
        statements.set(sql, statement)
      }
      for (const row of params) statement.run(row)
    }
  })
}
