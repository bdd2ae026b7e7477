#!/usr/bin/env node
// How far the model's postmaster falls behind in the kit's sync storm, in the figures
// bench/postmaster_backlog.py reads from the real one (results/postmaster-backlog-TAG.txt):
// over the first 2 s, the connections waiting in the postmaster's accept queue (from the
// SYN the kernel completes to the accept that starts their fork) and each one's wait. A
// diagnostic, the model unchanged. Node only (npm run build first).
//
//   node calibration/postmaster_backlog_model.mjs SCENARIO [seeds] [path=value ...]
import { Postmaster } from '../dist/model/database/postmaster.js';
import { pct, wireSyncStorm } from './storm.mjs';

const [file, seedArg, ...extra] = process.argv.slice(2);
const seeds = Number(seedArg ?? 3);
const WINDOW = 2e6;

let now = () => 0;
let ins = [];
let outs = [];
const syn = Postmaster.prototype.syn;
Postmaster.prototype.syn = function (attempt) {
  const drops = this.synDrops;
  const out = syn.call(this, attempt);
  if (this.synDrops === drops) ins.push(now());
  return out;
};
const fork = Postmaster.prototype.fork;
Postmaster.prototype.fork = function (attempt, wake) {
  outs.push(now());
  return fork.call(this, attempt, wake);
};

console.log(`${file}, ${extra.join(' ') || 'as it is'}`);
for (let seed = 1; seed <= seeds; seed++) {
  const { system, run } = wireSyncStorm({ file, seed, extra });
  now = () => system.sim.now;
  ins = [];
  outs = [];
  run();
  const t0 = ins[0];
  const t1 = t0 + WINDOW;
  const inW = ins.filter((t) => t <= t1);
  const outW = outs.filter((t) => t <= t1);
  const events = [...inW.map((t) => [t, 1]), ...outW.map((t) => [t, -1])].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let n = 0;
  let last = t0;
  let area = 0;
  let peak = 0;
  const spans = [];
  for (const [t, d] of events) {
    area += n * (t - last);
    spans.push([n, t - last]);
    n = Math.max(0, n + d);
    peak = Math.max(peak, n);
    last = t;
  }
  spans.sort((a, b) => a[0] - b[0]);
  const total = spans.reduce((x, [, dt]) => x + dt, 0);
  let acc = 0;
  let p90 = 0;
  for (const [k, dt] of spans) {
    acc += dt;
    if (acc >= 0.9 * total) {
      p90 = k;
      break;
    }
  }
  const waits = inW.map((t, i) => (outW[i] !== undefined ? (outW[i] - t) / 1000 : undefined)).filter((x) => x !== undefined);
  const mean = waits.reduce((x, y) => x + y, 0) / waits.length;
  console.log(`seed ${seed}: connections into the accept queue in the first 2 s: ${inW.length}, accepted: ${outW.length}`);
  console.log(`  waiting to be accepted: mean ${(area / (last - t0)).toFixed(1)}, 90 % of the time at most ${p90}, peak ${peak}`);
  console.log(
    `  a connection's wait for its accept (first in, first out): median ${pct(waits, 0.5).toFixed(2)} ms, mean ${mean.toFixed(2)}, p90 ${pct(waits, 0.9).toFixed(2)}, max ${Math.max(...waits).toFixed(2)}`,
  );
}
