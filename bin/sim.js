#!/usr/bin/env node
// The `sim` command: a thin shim over the compiled CLI (built by `npm ci` through `prepare`).
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
