#!/usr/bin/env node
// The `sim` command: a thin shim over the CLI. `npm run build` (run by `npm ci` through
// `prepare`) bundles the CLI into one script, dist/sim.cjs (loading one module instead
// of a few hundred small ones takes a third of the start-up time), and saves V8's code
// cache for it (dist/sim.cache, see src/cli/codeCache.ts).
import { loadCli } from '../dist/cli/codeCache.js';

// `sim ... | head`: the reader has what it wanted and closed the pipe. Stop quietly, as
// command-line tools do on SIGPIPE, rather than die with a stack trace on EPIPE.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

process.exitCode = await loadCli().main(process.argv.slice(2));
