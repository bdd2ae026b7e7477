// Two builds of the simulator against each other, in whole processes run in alternating
// pairs (A B, B A, ...), for a change too small for bench/run.mjs's medians on a shared
// machine. Besides each process's wall time it reports the main thread's own time on a
// core (Linux's /proc/thread-self/schedstat, read at exit): a process that waits for a
// core while other work runs does not count that wait there, so the figure moves far less
// with the machine's load than the wall time does (the compiler's and the collector's
// threads are in the process's CPU time, also reported).
//
//   node bench/pairs.mjs DIR_A DIR_B [--model B1|B1s] [--n 1000000] [--pairs 10]
//
// DIR_A and DIR_B are copies of the repository's bin/ and dist/ (with package.json and
// node_modules beside them, as a build leaves them): cp -a bin dist package.json to a
// directory and link node_modules, before and after a change. The two outputs must be
// the same: a pair whose reports differ is an error.
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const dirs = argv.filter((a, i) => !a.startsWith('--') && (i === 0 || !argv[i - 1].startsWith('--'))).map((d) => resolve(d));
const args = Object.fromEntries(argv.flatMap((a, i) => (a.startsWith('--') ? [[a.slice(2), argv[i + 1]]] : [])));
if (dirs.length !== 2) {
  console.error('usage: node bench/pairs.mjs DIR_A DIR_B [--model B1|B1s] [--n 1000000] [--pairs 10]');
  process.exit(2);
}
const model = args.model ?? 'B1';
const scenario = join(root, 'scenarios', `bench-${model.toLowerCase()}.json`);
const N = Number(args.n ?? 1_000_000);
const PAIRS = Number(args.pairs ?? 10);
const HOOK = join(root, 'bench', 'threadCpu.mjs');

function run(dir) {
  const t0 = process.hrtime.bigint();
  const argv = [`--import=${HOOK}`, join(dir, 'bin', 'sim.js'), 'run', scenario, '--json', '--set', `client.requests=${N}`];
  const r = spawnSync(process.execPath, [...argv, '--max-events', '1000000000', '--max-sim-time', '1000h'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${dir}: exit ${r.status}: ${r.stderr}`);
  const m = /__thread_cpu__ ([\d.]+) ([\d.]+) ([\d.]+)/.exec(r.stderr);
  return { wall, main: Number(m[1]), waited: Number(m[2]), cpu: Number(m[3]), out: r.stdout };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const k = s.length >> 1;
  return s.length % 2 === 1 ? s[k] : (s[k - 1] + s[k]) / 2;
};
const runs = [[], []];
for (let p = 0; p < PAIRS; p++) {
  const order = p % 2 === 0 ? [0, 1] : [1, 0];
  const pair = [];
  for (const i of order) pair[i] = run(dirs[i]);
  if (pair[0].out !== pair[1].out) throw new Error(`pair ${p + 1}: the two builds' reports differ`);
  runs[0].push(pair[0]);
  runs[1].push(pair[1]);
}
const ms = (x) => `${x.toFixed(1)} ms`;
console.log(`${model} at ${N.toLocaleString('en')} requests, ${PAIRS} alternating pairs (medians)`);
for (const [i, name] of ['A', 'B'].entries()) {
  const r = runs[i];
  const f = (k) => median(r.map((x) => x[k]));
  console.log(
    `  ${name}: wall ${ms(f('wall'))}, main thread on a core ${ms(f('main'))} (waited for one ${ms(f('waited'))}), process CPU ${ms(f('cpu'))}  ${dirs[i]}`,
  );
}
for (const k of ['main', 'wall', 'cpu']) {
  const ratios = runs[0].map((a, p) => runs[1][p][k] / a[k]);
  const lower = ratios.filter((x) => x < 1).length;
  console.log(`  B/A ${k}: median of the pairs' ratios ${median(ratios).toFixed(3)}, B lower in ${lower} of ${PAIRS}`);
}
