// npm run bench: the simulator against the hand-written reference loop for benchmark
// model B1 (shared/bench/README.md), in the same run, alternating, several times each.
// Prints, for B1 and B1s at 1M requests: median wall time, peak RSS, requests and events
// per wall second, the ratio to the reference (and, not the target, the pairs' median ratio
// and the fastest runs' ratio), and whether the results agree within the
// reference's stated tolerances; then B1 at 10M requests (memory must not grow), and a
// sweep of 100 B1 points on one thread and on two; and start-up: a small run's time, and
// what it must not load (Vega and resvg, Intl segmenters, node:crypto).
//
// Options: --n 1000000  --reps 3  --big 10000000 (0 skips it)  --sweep-points 100 (0 skips it)
//          --reference PATH
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus } from 'node:os';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = Object.fromEntries(process.argv.slice(2).flatMap((a, i, all) => (a.startsWith('--') ? [[a.slice(2), all[i + 1]]] : [])));
const N = Number(args.n ?? 1_000_000);
const REPS = Number(args.reps ?? 3);
const BIG = Number(args.big ?? 10_000_000);
const reference = resolve(args.reference ?? join(root, '..', 'shared', 'bench', 'b1-reference.mjs'));
if (!existsSync(reference)) {
  console.error(`bench: the reference ${reference} is missing (pass --reference PATH)`);
  process.exit(2);
}
if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) {
  console.error('bench: dist/ is missing; run npm run build first');
  process.exit(2);
}

const MODELS = {
  // Targets: issue 15's, B1 and B1s within 2x of the reference (the ratio of the median
  // wall times, sim over the reference); issue 16's older 1.6 and 1.8 no longer apply.
  B1: { scenario: 'scenarios/bench-b1.json', refArgs: [400, 5, 12345], target: 2.0 },
  B1s: { scenario: 'scenarios/bench-b1s.json', refArgs: [600, 250, 7], target: 2.0 },
};

function timed(argv, preload = []) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [...preload, '--import', join(root, 'bench', 'maxrss.mjs'), ...argv], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed (${r.status}): ${r.stderr}`);
  const rss = Number(/__maxrss_kb__ (\d+)/.exec(r.stderr)[1]) / 1024;
  return { wall, rss, stdout: r.stdout, stderr: r.stderr };
}

function runSim(model, n) {
  // Budgets lifted: 10M requests are 40M events and 7 simulated hours.
  const t = timed([
    'bin/sim.js',
    'run',
    MODELS[model].scenario,
    '--json',
    '--set',
    `client.requests=${n}`,
    '--max-events',
    '1000000000',
    '--max-sim-time',
    '1000h',
  ]);
  const r = JSON.parse(t.stdout);
  if (!r.simulation.complete) throw new Error(`${model} at ${n} stopped early: ${r.simulation.stopReason}`);
  const ok = r.statusCodes['204'] ?? 0;
  const err = r.statusCodes['500'] ?? 0;
  const drop = r.summary.errors;
  return {
    ...t,
    events: r.simulation.events,
    ok,
    err,
    drop,
    mean: r.summary.average,
    p99: r.latency.p99,
    thru: (ok + err) / r.summary.total,
  };
}

function runReference(model, n) {
  const t = timed([reference, String(n), ...MODELS[model].refArgs.map(String)]);
  const f = Object.fromEntries([...t.stdout.matchAll(/(\w+)=([\d.]+)/g)].map((m) => [m[1], Number(m[2])]));
  return {
    ...t,
    events: f.events,
    ok: f.ok204,
    err: f.err500,
    drop: f.drop,
    mean: f.mean_ms / 1000,
    p99: f.p99_ms / 1000,
    thru: f.thru_rps,
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (x) => `${(100 * x).toFixed(2)} %`;

console.log(`Benchmark model B1 (shared/bench/README.md): ${N.toLocaleString('en')} requests, ${REPS} runs each, alternating`);
console.log(`Machine: ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}\n`);
let allOk = true;
for (const model of Object.keys(MODELS)) {
  const sims = [];
  const refs = [];
  for (let i = 0; i < REPS; i++) {
    refs.push(runReference(model, N));
    sims.push(runSim(model, N));
  }
  const s = sims[0];
  const r = refs[0];
  const row = (name, runs) => {
    const wall = median(runs.map((x) => x.wall));
    return { name, wall, rss: Math.max(...runs.map((x) => x.rss)), rps: N / wall, eps: runs[0].events / wall };
  };
  const rs = row('sim', sims);
  const rr = row('reference', refs);
  console.log(`${model}:`);
  for (const x of [rs, rr]) {
    console.log(
      `  ${x.name.padEnd(10)} wall ${x.wall.toFixed(3)} s (median)  peak RSS ${x.rss.toFixed(0)} MiB  ` +
        `${(x.rps / 1e6).toFixed(2)} M requests/s  ${(x.eps / 1e6).toFixed(2)} M events/s`,
    );
  }
  const ratio = rs.wall / rr.wall;
  const target = MODELS[model].target;
  console.log(`  ratio sim / reference: ${ratio.toFixed(2)} (target <= ${target.toFixed(2)})`);
  // Not the target, for reading it: this kind of machine's cores switch between two speeds
  // 1.8 times apart for a tenth of a second to many seconds (calibration/core_speed.sh), so a
  // median of a few runs mixes the two. Each pair ran back to back; the fastest runs are the
  // ones a slow spell touched least.
  const pairs = sims.map((x, i) => x.wall / refs[i].wall);
  const fastest = (runs) => Math.min(...runs.map((x) => x.wall));
  console.log(
    `  (not the target) pair by pair: median ratio ${median(pairs).toFixed(2)}, range ${Math.min(...pairs).toFixed(2)}-${Math.max(...pairs).toFixed(2)}; ` +
      `fastest runs: ${fastest(sims).toFixed(3)} s against ${fastest(refs).toFixed(3)} s, ratio ${(fastest(sims) / fastest(refs)).toFixed(2)}`,
  );
  // The reference's stated tolerances: throughput 0.5 %, mean latency 1 %, fractions of
  // 500s and drops within 1 point (shared/bench/README.md).
  const checks = [
    ['throughput', Math.abs(s.thru / r.thru - 1), 0.005, `${s.thru.toFixed(2)} vs ${r.thru.toFixed(2)} req/s`],
    ['mean latency', Math.abs(s.mean / r.mean - 1), 0.01, `${(s.mean * 1000).toFixed(3)} vs ${(r.mean * 1000).toFixed(3)} ms`],
    ['500 fraction', Math.abs(s.err - r.err) / N, 0.01, `${pct(s.err / N)} vs ${pct(r.err / N)}`],
    ['drop fraction', Math.abs(s.drop - r.drop) / N, 0.01, `${pct(s.drop / N)} vs ${pct(r.drop / N)}`],
  ];
  for (const [what, diff, tolerance, detail] of checks) {
    const ok = diff <= tolerance;
    allOk &&= ok;
    console.log(`  ${ok ? 'agrees ' : 'DIFFERS'} ${what.padEnd(13)} ${detail}  (difference ${pct(diff)}, tolerance ${pct(tolerance)})`);
  }
  allOk &&= ratio <= target;
  console.log(`  p99 ${(s.p99 * 1000).toFixed(2)} vs ${(r.p99 * 1000).toFixed(2)} ms (not a stated tolerance)\n`);
}

if (BIG > 0) {
  const big = runSim('B1', BIG);
  console.log(
    `B1 at ${BIG.toLocaleString('en')} requests: wall ${big.wall.toFixed(2)} s, peak RSS ${big.rss.toFixed(0)} MiB (target < 150), ` +
      `${(BIG / big.wall / 1e6).toFixed(2)} M requests/s`,
  );
  allOk &&= big.rss < 150;
}
const SWEEP_POINTS = Number(args['sweep-points'] ?? 100);
if (SWEEP_POINTS > 0) {
  // A sweep of B1 at 100k requests a point: both cores should make it close to twice as fast.
  const sweep = (jobs) =>
    timed([
      'bin/sim.js',
      'sweep',
      MODELS.B1.scenario,
      '--set',
      'client.requests=100000',
      '--vary',
      `seed=1..${SWEEP_POINTS}`,
      '--jobs',
      String(jobs),
      '--json',
    ]);
  const one = sweep(1);
  const two = sweep(2);
  const same = one.stdout === two.stdout;
  console.log(
    `\nSweep of ${SWEEP_POINTS} points of B1 at 100,000 requests: --jobs 1 ${one.wall.toFixed(2)} s, --jobs 2 ${two.wall.toFixed(2)} s, ` +
      `speed-up ${(one.wall / two.wall).toFixed(2)} on ${cpus().length} cores; output ${same ? 'byte-identical' : 'DIFFERS'}`,
  );
  allOk &&= same;
}
{
  // Start-up: a 1,000-request run against an empty node and the reference at 1,000
  // requests, and what the run loaded. The bundle must require Vega, Vega-Lite and resvg
  // only through lazyImport (they take longer to load than a small run takes), and the run
  // build no Intl segmenter and load no node:crypto.
  const small = [];
  const empty = [];
  const ref = [];
  for (let i = 0; i < REPS; i++) {
    small.push(
      timed(['bin/sim.js', 'run', MODELS.B1.scenario, '--set', 'client.requests=1000'], ['--import', join(root, 'bench', 'startup.mjs')]),
    );
    empty.push(timed(['-e', '0']));
    ref.push(runReference('B1', 1000));
  }
  const loaded = JSON.parse(/__startup__ (.*)/.exec(small[0].stderr)[1]);
  const bundle = readFileSync(join(root, 'dist', 'sim.cjs'), 'utf8');
  const eager = bundle.match(/require\("(vega|vega-lite|vega-embed|@resvg\/resvg-js)"\)/g) ?? [];
  const lazy = /lazyImport\w*\("vega"\)/.test(bundle);
  const ms = (runs) => `${(1000 * median(runs.map((x) => x.wall))).toFixed(0)} ms`;
  console.log(`\nStart-up: B1 at 1,000 requests ${ms(small)} (median), reference ${ms(ref)}, an empty node ${ms(empty)}`);
  const startupChecks = [
    ['Vega and resvg loaded only for --plot', eager.length === 0 && lazy, eager.length === 0 ? 'through lazyImport' : eager.join(', ')],
    ['no Intl segmenter built', loaded.segmenters === 0, `${loaded.segmenters} built`],
    ['no node:crypto loaded', !loaded.crypto, loaded.crypto ? 'loaded' : 'not loaded'],
  ];
  for (const [what, ok, detail] of startupChecks) {
    allOk &&= ok;
    console.log(`  ${ok ? 'ok     ' : 'FAILED '} ${what} (${detail})`);
  }
}
console.log(allOk ? '\nAll targets met.' : '\nSome targets NOT met (see above).');
