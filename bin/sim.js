#!/usr/bin/env node
// The `sim` command: a thin shim over the CLI, bundled into one file by `npm run build`
// (run by `npm ci` through `prepare`): loading one module instead of a few hundred small
// ones takes a third of the start-up time.
import { main } from '../dist/sim.mjs';

process.exitCode = await main(process.argv.slice(2));
