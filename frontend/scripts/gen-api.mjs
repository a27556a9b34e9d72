#!/usr/bin/env node
// The frontend's API types, generated from the backend's OpenAPI document: `npm run gen:api` writes
// src/api/schema.d.ts; `npm run gen:api -- --check` (part of `npm run check` and CI) fails when that
// file is not what the backend's route schemas give today. No server runs: backend/scripts/openapi.ts
// builds the app in-process and prints `app.swagger()`.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import openapiTS, { astToString } from 'openapi-typescript'

const frontendDir = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const backendDir = resolve(frontendDir, '..', 'backend')
const target = resolve(frontendDir, 'src', 'api', 'schema.d.ts')
const check = process.argv.includes('--check')

const HEADER = `/**
 * Generated from the backend's OpenAPI document by \`npm run gen:api\` (frontend/scripts/gen-api.mjs).
 * Do not edit: change the backend's route schemas and run it again. \`npm run check\` fails when stale.
 */

`

function openApiDocument() {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/openapi.ts'], {
    cwd: backendDir,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
  if (run.status !== 0) {
    process.stderr.write(run.stderr)
    throw new Error(`backend/scripts/openapi.ts exited with ${run.status ?? run.signal}`)
  }
  return JSON.parse(run.stdout)
}

// redocly's lint notes on the document go to the console only when they are errors
const ast = await openapiTS(openApiDocument(), { silent: true })
const generated = HEADER + astToString(ast)
const where = relative(process.cwd(), target)

if (check) {
  const current = existsSync(target) ? readFileSync(target, 'utf8') : null
  if (current !== generated) {
    console.error(
      `${where} is stale: the backend's OpenAPI document gives other types. Run \`npm run gen:api\` and commit it.`,
    )
    process.exit(1)
  }
  console.log(`${where} matches the backend's OpenAPI document.`)
} else {
  writeFileSync(target, generated)
  console.log(`wrote ${where}`)
}
