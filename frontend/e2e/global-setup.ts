import type { TestProject } from 'vitest/node'
import { startBackend } from './support/backend'
import { startFakeProvider } from './support/fake-provider'

declare module 'vitest' {
  export interface ProvidedContext {
    baseURL: string
    adminToken: string
    fakeProviderURL: string
    backupFile: string
  }
}

/** One real backend and one fake upstream for the whole run; each test seeds what it needs. */
export default async function setup(project: TestProject) {
  const fake = await startFakeProvider()
  const backend = await startBackend()
  project.provide('baseURL', backend.baseURL)
  project.provide('adminToken', backend.adminToken)
  project.provide('fakeProviderURL', fake.baseUrl)
  project.provide('backupFile', backend.backupFile)
  console.log(`e2e: backend ${backend.baseURL} (log ${backend.logFile}), fake provider ${fake.baseUrl}`)
  return async () => {
    await backend.stop()
    await fake.close()
  }
}
