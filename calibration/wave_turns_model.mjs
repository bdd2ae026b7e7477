#!/usr/bin/env node
// The model's side of wave_turns.sh: one gevent worker x 1000, pg_sleep(1), hey -n C -c C,
// per seed: Slowest - Fastest, the turns of the worker's loop from the wave's first connect
// to its queries (a turn: from the loop taking a call after a poll or a nap to the poll that
// ends it, counted by wrapping HubLoop's methods), the longest turn, and when each
// connection's BEGIN went out (psycopg2 sends it as soon as its connect has returned) and
// when its query did, in ms from the first connect's SYN to PostgreSQL: the figures
// bench/wave_turns.py gives for the real worker, with, by wait, how many connections were
// answered only after the turn that followed the one in which they began to wait (r2: the
// connect's second turn, ... r7: BEGIN sent, r8: the query sent, as the real log counts).
// --turns also lists each turn's resumes by wait. Node only (npm run build first).
//
//   node calibration/wave_turns_model.mjs [seeds] [scenario] [--turns] [--set path=value ...]
import { readFileSync } from 'node:fs';
import { HubLoop } from '../dist/model/hubLoop.js';
import { runSystem } from '../dist/model/run.js';
import { wireAtSpeed } from '../dist/model/system.js';
import { validateScenario } from '../dist/scenario/load.js';
import { applyOverride } from '../dist/scenario/overrides.js';
import { recordConnects } from './connect_record.mjs';

const args = process.argv.slice(2);
const extra = [];
for (let i = args.indexOf('--set'); i >= 0; i = args.indexOf('--set')) extra.push(...args.splice(i, 2).slice(1));
const listTurns = args.includes('--turns');
if (listTurns) args.splice(args.indexOf('--turns'), 1);
const [seedsArg = '3', file = 'calibration/measured-linux-2core.json'] = args;

let sim;
let turns = [];
let current = null;
const { release, acquire, acquireCallback } = HubLoop.prototype;
const worker = (loop) => loop.name !== 'pgbouncer';
HubLoop.prototype.release = function () {
  if (worker(this) && current !== null) {
    current.calls++;
    if (this.batch === 0 && this.callbacks.length === 0) {
      current.end = sim.now;
      turns.push(current);
      current = this.io.length > 0 ? { start: sim.now, calls: 0 } : null;
    }
  }
  return release.call(this);
};
const starting = (method) =>
  function (...a) {
    if (worker(this) && !this.busy && current === null) current = { start: sim.now, calls: 0 };
    return method.apply(this, a);
  };
HubLoop.prototype.acquire = starting(acquire);
HubLoop.prototype.acquireCallback = starting(acquireCallback);

// Spearman's rank correlation: +1 when the answers of a turn come in the order their
// connections began to wait (their previous answer), -1 reversed.
const rankCorrelation = (x, y) => {
  const ranks = (v) => {
    const sorted = [...v].sort((p, q) => p - q);
    return v.map((e) => sorted.indexOf(e));
  };
  const a = ranks(x);
  const b = ranks(y);
  const mean = (v) => v.reduce((p, q) => p + q, 0) / v.length;
  const ma = mean(a);
  const mb = mean(b);
  let cov = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < a.length; i++) {
    cov += (a[i] - ma) * (b[i] - mb);
    va += (a[i] - ma) ** 2;
    vb += (b[i] - mb) ** 2;
  }
  return va > 0 && vb > 0 ? cov / Math.sqrt(va * vb) : Number.NaN;
};
const quantiles = (xs, t0) => {
  const a = xs.filter((x) => x !== undefined).sort((x, y) => x - y);
  return [0, 0.1, 0.5, 0.9, 1].map((p) => ((a[Math.min(a.length - 1, Math.floor(p * a.length))] - t0) / 1000).toFixed(0)).join(' ');
};
for (const c of [50, 100]) {
  for (let seed = 1; seed <= Number(seedsArg); seed++) {
    const raw = JSON.parse(readFileSync(file, 'utf8'));
    for (const o of [`client.requests=${c}`, `client.concurrency=${c}`, `seed=${seed}`, ...extra]) applyOverride(raw, o);
    const system = wireAtSpeed(validateScenario(raw, file), { timeSeries: false }).system;
    sim = system.sim;
    turns = [];
    current = null;
    const conns = recordConnects(system);
    const latencies = [];
    const response = system.client.response.bind(system.client);
    system.client.response = (req, status) => {
      latencies.push(sim.now - req.sentAt);
      response(req, status);
    };
    runSystem(system, { maxEvents: 10_000_000, maxSimTime: 3600e6 });
    const rs = [...conns.values()];
    const t0 = Math.min(...rs.map((r) => r.syn));
    const last = Math.max(...rs.map((r) => r.query2 ?? 0));
    const wave = turns.filter((t) => t.end > t0 && t.start <= last);
    const longest = wave.reduce((a, b) => (b.end - b.start > a.end - a.start ? b : a));
    console.log(
      `c${c} seed ${seed}: Slowest - Fastest ${((Math.max(...latencies) - Math.min(...latencies)) / 1e6).toFixed(3)} s; ` +
        `${wave.length} turns, the longest ${((longest.end - longest.start) / 1000).toFixed(0)} ms (${longest.calls} calls, from ${((longest.start - t0) / 1000).toFixed(0)} ms); ` +
        `ms from the first connect, min p10 median p90 max: BEGIN sent ${quantiles(
          rs.map((r) => r.query),
          t0,
        )}; queries sent ${quantiles(
          rs.map((r) => r.query2),
          t0,
        )}`,
    );
    // The loop turn in which `at` fell: the last one started by then.
    const turnAt = (at) => {
      let lo = 0;
      let hi = turns.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (turns[mid].start <= at) lo = mid;
        else hi = mid - 1;
      }
      return lo;
    };
    // Each connection's answers in order (its handshake's turns, BEGIN, the query): wait k
    // began at answer k-1 and was answered at answer k, in turn turnAt(answer k).
    const answers = rs.map((r) => [...r.turns.map((t) => t.answered), r.query, r.query2]);
    const skipped = [];
    const resumed = [];
    const byTurn = new Map();
    for (const seq of answers) {
      for (let k = 1; k < seq.length; k++) {
        if (seq[k] === undefined || seq[k - 1] === undefined) continue;
        const w = turnAt(seq[k]);
        resumed[k + 1] = (resumed[k + 1] ?? 0) + 1;
        if (w - turnAt(seq[k - 1]) >= 2) skipped[k + 1] = (skipped[k + 1] ?? 0) + 1;
        if (!byTurn.has(w)) byTurn.set(w, []);
        byTurn.get(w).push([seq[k], seq[k - 1]]);
      }
    }
    console.log(
      '  order within each turn of 8 answers or more against the order they began to wait (rank correlation, +1 the same): ' +
        [...byTurn]
          .sort((p, q) => p[0] - q[0])
          .filter(([, xs]) => xs.length >= 8)
          .map(([, xs]) => {
            const r = rankCorrelation(
              xs.map((x) => x[0]),
              xs.map((x) => x[1]),
            );
            return `${r >= 0 ? '+' : ''}${r.toFixed(2)}`;
          })
          .join(' '),
    );
    console.log(
      '  resumed after a turn skipped, by wait: ' +
        resumed
          .map((n, k) => (n === undefined ? '' : `r${k} ${skipped[k] ?? 0}/${n}`))
          .filter((x) => x !== '')
          .join(' '),
    );
    if (listTurns) {
      const counts = wave.map(() => new Map());
      for (const seq of answers) {
        seq.forEach((at, i) => {
          if (at === undefined) return;
          const w = wave.findIndex((t) => at >= t.start && at <= t.end);
          if (w >= 0) counts[w].set(i + 1, (counts[w].get(i + 1) ?? 0) + 1);
        });
      }
      console.log(
        '  turns (answers by wait, span in ms): ' +
          wave
            .map(
              (t, w) =>
                `${
                  [...counts[w]]
                    .sort((a, b) => a[0] - b[0])
                    .map(([k, n]) => `r${k}x${n}`)
                    .join(' ') || '-'
                } ` + `${((t.start - t0) / 1000).toFixed(0)}-${((t.end - t0) / 1000).toFixed(0)}`,
            )
            .join(' | '),
      );
    }
  }
}
