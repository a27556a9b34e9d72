#!/usr/bin/env node
import { processIo, runCli } from '../dist/cli.js'

process.exitCode = await runCli(process.argv, processIo())
