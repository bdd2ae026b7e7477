#!/usr/bin/env node
// What the model's sync worker does after it closes its database connection, in the kit's
// sync storm, in the figures bench/sync_close.py reads from the real one
// (results/sync-close-TAG.txt): whether the worker leaves its core runnable (preempted)
// between the close and its next connect, to whom, how long it waits then, and the
// stretch from the close to the next connect's start (the real one's wake of the postmaster).
// Under machine.timeSlices "eevdf" only (the picks are EEVDF's). A diagnostic, the model
// unchanged. Node only (npm run build first).
//
//   node calibration/sync_close_model.mjs SCENARIO [seeds] [path=value ...]
import { EevdfCore } from '../dist/engine/cpu/eevdf.js';
import { EevdfTasks } from '../dist/engine/cpu/eevdfTasks.js';
import { DatabaseAccess } from '../dist/model/database/access.js';
import { Worker } from '../dist/model/server/worker.js';
import { pct, wireSyncStorm } from './storm.mjs';

const [file, seedArg, ...extra] = process.argv.slice(2);
const seeds = Number(seedArg ?? 3);

let now = () => 0;
let log = new Map(); // worker -> [[t, 'close'|'connect'|'out'|'in', taker, core]]
// Every switch to a process, in time order: [t, core, process].
let ins = [];
const note = (w, x) => {
  if (!(w instanceof Worker)) return;
  if (!log.has(w)) log.set(w, []);
  log.get(w).push(x);
};
// Each entity's process, kept past its task's end (an entity outlives its tasks).
const procOf = (e) => e?.process;
// Each worker's CPU since it last woke from a sleep (reset when its entity wakes other than
// at the instant its last piece ended).
let ranSince = new Map();
const wake = EevdfTasks.prototype.wake;
EevdfTasks.prototype.wake = function (t, initial) {
  const before = t.process !== undefined ? this.entities.get(t.process) : undefined;
  const slept = !(before?.ending && before.rq !== undefined && !before.delayed);
  const out = wake.call(this, t, initial);
  t.entity.process = t.process;
  if (t.process instanceof Worker && slept) ranSince.set(t.process, { ran: 0, since: -1 });
  return out;
};
const pick = EevdfCore.prototype.pick;
EevdfCore.prototype.pick = function (t) {
  const old = this.running;
  const out = pick.call(this, t);
  if (out !== old) {
    const r0 = ranSince.get(procOf(old));
    if (r0 !== undefined && r0.since >= 0) {
      r0.ran += now() - r0.since;
      r0.since = -1;
    }
    const r1 = ranSince.get(procOf(out));
    if (r1 !== undefined) r1.since = now();
    const p = procOf(old);
    if (old !== undefined && (old.task !== undefined || old.ending))
      note(p, [now(), 'out', out === undefined ? undefined : (procOf(out) ?? 'none'), this.core, ranSince.get(p)?.ran ?? 0]);
    const q = procOf(out);
    note(q, [now(), 'in', undefined, this.core]);
    if (q !== undefined) ins.push([now(), this.core, q]);
  }
  return out;
};
const close = DatabaseAccess.prototype.close;
DatabaseAccess.prototype.close = function (req) {
  note(req.host, [now(), 'close']);
  return close.call(this, req);
};
const connect = DatabaseAccess.prototype.connect;
DatabaseAccess.prototype.connect = function (req, clientCpu, done, a) {
  note(req.host, [now(), 'connect']);
  return connect.call(this, req, clientCpu, done, a);
};

/** Who took a worker's core: undefined for another worker (or nobody). */
function takerKind(taker) {
  if (taker === undefined || taker instanceof Worker) return undefined;
  if (taker === 'none') return 'a task of no process of its own (hey)';
  return taker.constructor?.name === 'Postmaster' ? 'the postmaster' : 'a backend';
}
/** The first of `ins` (in time order) at or after `t`. */
function firstAt(ins, t) {
  let lo = 0;
  let hi = ins.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ins[mid][0] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
const line = (name, xs) => {
  if (xs.length === 0) return `  ${name}: none`;
  const ms = xs.map((x) => x / 1000);
  return `  ${name}: n ${ms.length}, median ${pct(ms, 0.5).toFixed(2)} ms, mean ${(ms.reduce((a, b) => a + b, 0) / ms.length).toFixed(2)}, p90 ${pct(ms, 0.9).toFixed(2)}`;
};

console.log(`${file}, ${extra.join(' ') || 'as it is'}`);
for (let seed = 1; seed <= seeds; seed++) {
  const { system, run } = wireSyncStorm({ file, seed, extra });
  now = () => system.sim.now;
  log = new Map();
  ins = [];
  ranSince = new Map();
  run();
  let closes = 0;
  let preempted = 0;
  let byOwn = 0;
  const stretch = [];
  const waited = [];
  const firstWait = [];
  for (const evs of log.values()) {
    for (let i = 0; i < evs.length; i++) {
      if (evs[i][1] !== 'close' || evs[i][0] > 2e6) continue;
      closes++;
      const t0 = evs[i][0];
      let wait = 0;
      let since;
      let pre = false;
      let first;
      let end;
      for (let j = i + 1; j < evs.length; j++) {
        const [t, kind, taker] = evs[j];
        if (kind === 'connect') {
          end = t;
          break;
        }
        if (kind === 'close') break;
        if (kind === 'out') {
          if (!pre && takerKind(taker) === 'a backend') byOwn++;
          pre = true;
          since = t;
        } else if (kind === 'in' && since !== undefined) {
          wait += t - since;
          if (first === undefined) first = t - since;
          since = undefined;
        }
      }
      if (end === undefined) continue;
      preempted += pre ? 1 : 0;
      stretch.push(end - t0);
      waited.push(wait);
      if (first !== undefined) firstWait.push(first);
    }
  }
  // Each preemption of a worker by a backend, the postmaster or a task of no process of its own
  // (hey's): how many other workers ran on its core before it ran again.
  const before = new Map();
  const byRun = new Map();
  for (const [w, evs] of log) {
    for (let i = 0; i < evs.length; i++) {
      const [t, kind, taker, core, ran] = evs[i];
      const by = kind === 'out' ? takerKind(taker) : undefined;
      if (by === undefined) continue;
      const back = evs.slice(i + 1).find((e) => e[1] === 'in');
      if (back === undefined) continue;
      const others = new Set();
      for (let j = firstAt(ins, t); j < ins.length && ins[j][0] <= back[0]; j++) {
        const [, c, p] = ins[j];
        if (c === core && p instanceof Worker && p !== w) others.add(p);
      }
      if (!before.has(by)) before.set(by, [0, 0, 0, 0, 0, 0]);
      before.get(by)[Math.min(5, others.size)]++;
      if (by === 'a backend') {
        const b = Math.min(6, Math.floor(ran / 500));
        if (!byRun.has(b)) byRun.set(b, [0, 0]);
        byRun.get(b)[0]++;
        if (others.size === 0) byRun.get(b)[1]++;
      }
    }
  }
  console.log(`seed ${seed}: closes in the first 2 s ${closes}, with the next connect ${stretch.length}`);
  console.log(
    `  the worker preempted before its next connect: ${preempted} of ${stretch.length}, its first taker not a worker nor the postmaster (a backend): ${byOwn}`,
  );
  console.log(line('from the close to the next connect', stretch));
  console.log(line('of it, waiting for a core', waited));
  console.log(line('the first wait, where preempted', firstWait));
  const runs = [...byRun.entries()].sort((a, b) => a[0] - b[0]);
  console.log(
    `  a worker preempted by a backend, by its run since it last woke: ${runs.map(([k, [n, first]]) => `${(k * 0.5).toFixed(1)}${k === 6 ? '+' : `-${(k * 0.5 + 0.5).toFixed(1)}`} ms first again ${(first / n).toFixed(2)} of ${n}`).join(', ')}`,
  );
  for (const by of ['a backend', 'the postmaster', 'a task of no process of its own (hey)'])
    if (before.has(by))
      console.log(
        `  a worker preempted by ${by} (any moment): other workers run on its core before it runs again, 0/1/2/3/4/5+: ${before.get(by).join(' / ')}`,
      );
}
