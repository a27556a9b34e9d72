import { defineConfig } from 'vitest/config'

/** Browser tests against the real backend; `npm run test:e2e` (e2e/run.mjs) drives this config. */
export default defineConfig({
  test: {
    environment: 'node',
    include: ['e2e/**/*.e2e.ts'],
    globalSetup: ['e2e/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
})
