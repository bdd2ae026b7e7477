// Issue 17, item 25: `npm test` once died with "FATAL ERROR: v8::Module::IsGraphAsync must
// be used on an instantiated module" in a sweep's worker thread. This shows the cause and
// that the build's worker file is immune:
//
//   npm run build && node scripts/workerTerminateRepro.mjs [rounds]
//
// For each worker file, in a child process (the crash takes the whole process with it): a
// 2-thread piscina pool, as the sweep runner makes, destroyed after a delay that walks
// across the time a thread takes to load the file, `rounds` times (default 400).
//
// - dist/analysis/sweep/pointWorker.js, the compiled ES module: piscina require()s it, so Node
//   instantiates it through require(esm) (ModuleWrap::InstantiateSync). When
//   worker.terminate() lands during that instantiation, V8 stops it half-done and Node
//   goes on to ask whether the graph is async: the process aborts (exit 134). On a
//   2-core machine, about one round in a hundred lands there.
// - dist/analysis/sweep/pointWorker.cjs, the CommonJS bundle the runner uses: no instantiation
//   step, so termination at any point of the load only stops the thread.
//
// Exit code 0 when the bundle survived every round (and says what the ES module did).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

const root = fileURLToPath(new URL('..', import.meta.url));

if (process.argv[2] === '--child') {
  const [, , , file, roundsArg] = process.argv;
  const { Piscina } = await import('piscina');
  // How long a thread takes to load the file (median of 5), so the delays cover it.
  const loads = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const w = new Worker(`require(${JSON.stringify(file)}); require('node:worker_threads').parentPort.postMessage(0);`, { eval: true });
    await new Promise((resolve) => w.once('message', resolve));
    loads.push(performance.now() - t0);
    await w.terminate();
  }
  const load = loads.sort((a, b) => a - b)[2];
  const rounds = Number(roundsArg);
  for (let i = 0; i < rounds; i++) {
    // From a fifth of the load time to a third past it, in steps that differ every pass.
    const delay = load * (0.2 + 1.13 * ((i * 0.618034) % 1));
    process.stderr.write(`round ${i} delay ${delay.toFixed(1)} ms\n`);
    const pool = new Piscina({ filename: pathToFileURL(file).href, minThreads: 2, maxThreads: 2 });
    await new Promise((resolve) => setTimeout(resolve, delay));
    await pool.destroy();
  }
  console.log(`load ${load.toFixed(0)} ms; survived ${rounds} rounds`);
  process.exit(0);
}

const rounds = process.argv[2] ?? '400';
let failed = false;
for (const [name, expectCrash] of [
  ['dist/analysis/sweep/pointWorker.js', true],
  ['dist/analysis/sweep/pointWorker.cjs', false],
]) {
  const file = `${root}${name}`;
  if (!existsSync(file)) {
    console.log(`${name}: missing; run "npm run build" first`);
    process.exit(2);
  }
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', file, rounds], { cwd: root, encoding: 'utf8' });
  const lastRound = r.stderr
    .split('\n')
    .filter((l) => l.startsWith('round '))
    .at(-1);
  const fatal = /FATAL ERROR: [^\n]*/.exec(r.stderr)?.[0];
  if (r.status === 0) console.log(`${name}: ${r.stdout.trim()}`);
  else console.log(`${name}: exit ${r.status ?? r.signal} at ${lastRound}: ${fatal ?? r.stderr.trim().split('\n').at(-1)}`);
  if (!expectCrash && r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
