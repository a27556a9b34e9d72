import { defaultExclude, defineConfig } from 'vitest/config'

// Integration tests run twice: on a SQLite file per test, and on a fresh PostgreSQL schema per test
// when TEST_POSTGRES_URL is set (CI always sets it; .ci/run starts PostgreSQL if it is down).
const postgresUrl = process.env.TEST_POSTGRES_URL
const integration = [
  'src/cli.test.ts',
  'src/api/**/*.test.ts',
  'src/services/**/*.test.ts',
  'src/db/**/*.test.ts',
  'test/**/*.test.ts',
]

if (!postgresUrl) {
  if (process.env.CI)
    throw new Error('TEST_POSTGRES_URL must be set in CI: the PostgreSQL suite may not be skipped')
  console.warn(
    '\n\x1b[33m!!! TEST_POSTGRES_URL is not set: the PostgreSQL run of the integration tests is SKIPPED.\n' +
      '!!! Set TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test to run it.\x1b[0m\n',
  )
}

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'sqlite',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          // Several replicas need PostgreSQL: that file runs in the postgres project only.
          exclude: [...defaultExclude, 'test/deploy/scale-out.test.ts', '**/*.postgres.test.ts'],
          env: { SWITCHBOARD_TEST_DB: 'sqlite' },
        },
      },
      ...(postgresUrl
        ? [
            {
              extends: true as const,
              test: {
                name: 'postgres',
                include: integration,
                // The deployment files, nginx and the entrypoint do not depend on the engine.
                exclude: [...defaultExclude, 'test/deploy/{files,nginx,entrypoint}.test.ts'],
                env: { SWITCHBOARD_TEST_DB: 'postgres' },
              },
            },
          ]
        : []),
    ],
  },
})
