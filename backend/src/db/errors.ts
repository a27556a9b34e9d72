/** Recognising constraint violations of either engine, so services can turn them into 409/422. */

interface DriverError {
  code?: string
  message?: string
}

/** A UNIQUE constraint refused the write (PostgreSQL 23505, SQLite SQLITE_CONSTRAINT_UNIQUE). */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as DriverError | null | undefined
  return (
    e?.code === '23505' ||
    e?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    /UNIQUE constraint/i.test(e?.message ?? '')
  )
}

/** A FOREIGN KEY constraint refused the write (PostgreSQL 23503, SQLite SQLITE_CONSTRAINT_FOREIGNKEY). */
export function isForeignKeyViolation(error: unknown): boolean {
  const e = error as DriverError | null | undefined
  return (
    e?.code === '23503' ||
    e?.code === 'SQLITE_CONSTRAINT_FOREIGNKEY' ||
    /FOREIGN KEY constraint/i.test(e?.message ?? '')
  )
}

/**
 * No id is left below 2^31 for the insert (PostgreSQL 2200H: the serial's sequence is at its maximum;
 * SQLite: the trigger of migration 0002). Reachable only after a restore of ids near the maximum.
 */
export function isIdSpaceExhausted(error: unknown): boolean {
  const e = error as DriverError | null | undefined
  return e?.code === '2200H' || /id space exhausted/.test(e?.message ?? '')
}
