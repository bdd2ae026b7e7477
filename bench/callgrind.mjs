// Where a benchmark request's time goes, counted rather than timed (a loaded machine
// cannot time a few per cent): callgrind runs `sim run` and the reference at two sizes,
// and the difference, divided by the requests between them, is what one more request
// costs, start-up left out. Counted: instructions (Ir), L1 instruction-cache misses
// (I1mr), L1 data-cache read and write misses (D1mr, D1mw), conditional and indirect
// branches mispredicted (Bcm, Bim), in valgrind's model of the caches and predictors.
// The simulator's counts are also given per function: V8's --perf-basic-prof map names
// the JIT code (JS:* optimized; callees it inlined count in it), the rest is builtins and
// node itself. V8's --predictable keeps the counts within about 1 % between runs.
//
//   node bench/callgrind.mjs [--model B1|B1s] [--n1 100000] [--n2 300000] [--top 30]
//
// Needs valgrind and a build (npm run build); on a 2-core machine about ten minutes for B1 at
// the default sizes (smaller sizes count start-up's garbage collections as per-request work).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = Object.fromEntries(process.argv.slice(2).flatMap((a, i, all) => (a.startsWith('--') ? [[a.slice(2), all[i + 1]]] : [])));
const MODELS = {
  B1: { scenario: 'scenarios/bench-b1.json', refArgs: [400, 5, 12345] },
  B1s: { scenario: 'scenarios/bench-b1s.json', refArgs: [600, 250, 7] },
};
const model = MODELS[args.model ?? 'B1'];
const N1 = Number(args.n1 ?? 100_000);
const N2 = Number(args.n2 ?? 300_000);
const TOP = Number(args.top ?? 30);
const reference = resolve(args.reference ?? join(root, '..', 'shared', 'bench', 'b1-reference.mjs'));
const EVENTS = ['Ir', 'I1mr', 'D1mr', 'D1mw', 'Bcm', 'Bim'];

/** Runs `node argv` under callgrind; returns its costs by function (all functions when `perFunction` is false: one row). */
function callgrind(argv, perFunction) {
  const dir = mkdtempSync(join(tmpdir(), 'callgrind-'));
  const out = join(dir, 'callgrind.out');
  const r = spawnSync(
    'valgrind',
    [
      '--tool=callgrind',
      '--cache-sim=yes',
      '--branch-sim=yes',
      ...(perFunction ? ['--dump-instr=yes'] : []),
      `--callgrind-out-file=${out}`,
      process.execPath,
      '--predictable',
      // The perf map goes to /tmp/perf-<pid>.map; V8's own log, which comes with it, to the scratch directory.
      ...(perFunction ? ['--perf-basic-prof', '--no-logfile-per-isolate', `--logfile=${join(dir, 'v8.log')}`] : []),
      ...argv,
    ],
    { cwd: root, encoding: 'utf8', maxBuffer: 256 << 20 },
  );
  if (r.status !== 0) throw new Error(`valgrind ${argv.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  try {
    return costs(readFileSync(out, 'utf8'), perFunction);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Sums a callgrind output's self costs by function. With --dump-instr=yes each cost line
 * starts with an instruction address (absolute, or relative to the previous one: +n, -n,
 * *; n in decimal), which the perf map names when it is JIT code; a `calls=` line's next line is the
 * callee's inclusive cost and is skipped.
 */
function costs(text, perFunction) {
  const events = /^events: (.*)$/m.exec(text)[1].split(' ');
  const columns = EVENTS.map((e) => events.indexOf(e));
  const positions = /^positions: (.*)$/m.exec(text)[1].split(' ').length;
  const pid = /^pid: (\d+)/m.exec(text)[1];
  const jit = perFunction ? perfMap(`/tmp/perf-${pid}.map`) : undefined;
  const totals = new Map();
  let address = 0;
  let skip = false;
  let object = '';
  let fn = '';
  const names = { ob: new Map(), fn: new Map() };
  for (const line of text.split('\n')) {
    const c = line[0];
    if (c === '0' || c === '+' || c === '-' || c === '*') {
      const parts = line.split(' ');
      const p = parts[0];
      // Absolute addresses are written 0x..., relative ones in decimal unless they say 0x
      // (callgrind's format: Number is decimal or 0x-prefixed hex); Number() reads both.
      if (p[0] === '+') address += Number(p.slice(1));
      else if (p[0] === '-') address -= Number(p.slice(1));
      else if (p !== '*') address = Number(p);
      if (skip) {
        skip = false;
        continue;
      }
      const key = !perFunction ? 'all' : (jit.name(address) ?? `[${object}] ${fn}`);
      let t = totals.get(key);
      if (t === undefined) {
        t = new Float64Array(EVENTS.length);
        totals.set(key, t);
      }
      for (let i = 0; i < EVENTS.length; i++) t[i] += Number(parts[positions + columns[i]] ?? 0);
    } else if (line.startsWith('calls=')) skip = true;
    else {
      // ob=(3) /usr/bin/node, fn=(12) name, or a later reference to them by number alone: fn=(12).
      const m = /^c?(ob|fn)=(?:\((\d+)\))?\s*(.*)$/.exec(line);
      if (m === null) continue;
      let name = m[3];
      if (m[2] !== undefined) {
        if (name !== '') names[m[1]].set(m[2], name);
        else name = names[m[1]].get(m[2]);
      }
      if (!line.startsWith('c')) {
        if (m[1] === 'ob') object = name.split('/').pop();
        else fn = name;
      }
    }
  }
  if (jit !== undefined) rmSync(jit.file, { force: true });
  return totals;
}

/** V8's --perf-basic-prof map: "start size name" per line, JIT code only. */
function perfMap(file) {
  const entries = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => {
      const m = /^([0-9a-f]+) ([0-9a-f]+) (.*)$/.exec(l);
      return [Number.parseInt(m[1], 16), Number.parseInt(m[2], 16), m[3].replace(/ \/\S*\/dist\//, ' dist/')];
    })
    .sort((a, b) => a[0] - b[0]);
  return {
    file,
    name(address) {
      let lo = 0;
      let hi = entries.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (entries[mid][0] <= address) lo = mid;
        else hi = mid - 1;
      }
      const e = entries[lo];
      return e !== undefined && e[0] <= address && address < e[0] + e[1] ? e[2] : undefined;
    },
  };
}

/** Per request between the two sizes, by function. */
function marginal(small, large) {
  const rows = new Map();
  for (const key of new Set([...small.keys(), ...large.keys()])) {
    const a = small.get(key) ?? new Float64Array(EVENTS.length);
    const b = large.get(key) ?? new Float64Array(EVENTS.length);
    rows.set(
      key,
      b.map((v, i) => (v - a[i]) / (N2 - N1)),
    );
  }
  return rows;
}

const sum = (rows) => [...rows.values()].reduce((s, v) => s.map((x, i) => x + v[i]), new Float64Array(EVENTS.length));
const row = (values, name) => `${[...values].map((v) => v.toFixed(1).padStart(8)).join(' ')}  ${name}`;

if (!existsSync(join(root, 'dist', 'sim.cjs'))) {
  console.error('callgrind: dist/ is missing; run npm run build first');
  process.exit(2);
}
const sim = (n) => callgrind(['bin/sim.js', 'run', model.scenario, '--json', '--set', `client.requests=${n}`], true);
const ref = (n) => callgrind([reference, String(n), ...model.refArgs.map(String)], false);
const simRows = marginal(sim(N1), sim(N2));
const refRows = marginal(ref(N1), ref(N2));
console.log(
  `${args.model ?? 'B1'}, per request (callgrind, ${N2.toLocaleString('en')} minus ${N1.toLocaleString('en')} requests, node --predictable)`,
);
console.log(`${EVENTS.map((e) => e.padStart(8)).join(' ')}`);
console.log(row(sum(simRows), 'sim'));
console.log(row(sum(refRows), 'reference'));
console.log(`\nsim by function (the ${TOP} with the most instructions):`);
for (const [name, v] of [...simRows].sort((a, b) => b[1][0] - a[1][0]).slice(0, TOP)) console.log(row(v, name.slice(0, 100)));
