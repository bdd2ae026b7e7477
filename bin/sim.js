#!/usr/bin/env node
// The `sim` command: a thin shim over the CLI. `npm run build` (run by `npm ci` through
// `prepare`) bundles the CLI into one script, dist/sim.cjs (loading one module instead
// of a few hundred small ones takes a third of the start-up time), and saves V8's code
// cache for it (dist/sim.cache, see src/cli/codeCache.ts).
import { loadCli } from '../dist/cli/codeCache.js';

// `sim ... | head`: the reader has what it wanted and closed the pipe. Stop quietly, as
// command-line tools do on SIGPIPE, rather than die with a stack trace on EPIPE.
// Any other failure to write stdout (`> /dev/full`: ENOSPC) is said in one line, exit 2:
// where the output goes is the user's choice, and a stack trace would say nothing more.
const stdoutFailed = (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  const why = e.code === 'ENOSPC' ? 'no space left on the device' : e.code === 'EACCES' || e.code === 'EPERM' ? 'permission denied' : String(e.message);
  process.stderr.write(`sim: cannot write the output (stdout): ${why}\n`);
  process.exit(2);
};
process.stdout.on('error', stdoutFailed);

process.exitCode = await loadCli().main(process.argv.slice(2));

// The command is done (main returns only then). Left to itself, Node would now wait for
// V8's work in the background (compilations, the collector's sweeping) and free the heap
// before exiting, milliseconds after a large run for nothing: exit as soon as stdout and
// stderr have taken the output instead, unless something else is still pending (a file
// being written, a child process, a timer), which Node's own exit would wait for, or the
// output failed (stdoutFailed says so).
const STANDARD_STREAMS = new Set(['PipeWrap', 'TTYWrap', 'CloseReq']);
if (process.getActiveResourcesInfo().every((r) => STANDARD_STREAMS.has(r))) {
  process.stdout.write('', (e) => e || process.stderr.write('', (e2) => e2 || process.exit()));
}
