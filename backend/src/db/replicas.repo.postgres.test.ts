// PostgreSQL only (advisory locks): the sqlite project leaves out *.postgres.test.ts.
import { describe, expect, it, onTestFinished } from 'vitest'
import { tempDir, testDatabaseUrl } from '../../test/helpers.js'
import { parseDatabaseUrl } from '../settings.js'
import { openDatabase } from './database.js'
import { createLeaderLock } from './replicas.repo.js'

describe('leader lock on PostgreSQL', () => {
  it('is held by one holder at a time and passes on when released', async () => {
    const url = await testDatabaseUrl(tempDir())
    const config = parseDatabaseUrl(url)!
    const db = await openDatabase(config)
    onTestFinished(() => db.close())
    const one = createLeaderLock(config, 'test')
    const two = createLeaderLock(config, 'test')
    onTestFinished(async () => {
      await one.release()
      await two.release()
    })
    expect(await one.tryHold()).toBe(true)
    expect(await two.tryHold()).toBe(false)
    expect(await one.tryHold()).toBe(true)
    await one.release()
    expect(await two.tryHold()).toBe(true)
    expect(await one.tryHold()).toBe(false)
  })

  it('does not block another schema on the same database', async () => {
    const a = parseDatabaseUrl(await testDatabaseUrl(tempDir()))!
    const b = parseDatabaseUrl(await testDatabaseUrl(tempDir()))!
    const one = createLeaderLock(a, 'test')
    const two = createLeaderLock(b, 'test')
    onTestFinished(async () => {
      await one.release()
      await two.release()
    })
    expect(await one.tryHold()).toBe(true)
    expect(await two.tryHold()).toBe(true)
  })
})
