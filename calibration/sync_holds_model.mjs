#!/usr/bin/env node
// The kit's sync storm in the model, in the figures bench/sync_holds.py reads from the real
// one (results/sync-holds-TAG.txt): each request's handler (from the worker taking it to its
// end; the real handler also leaves out gunicorn's parse, some tens of µs), the gap from a
// worker's handler to its next, the share of the workers' time in handlers, and the handlers
// running at once; and, which the real log cannot give, how much of each handler its
// database connection attempt or connection was open (from the connect's start to its close
// or refusal). A diagnostic, the model unchanged. Node only (npm run build first).
//
//   node calibration/sync_holds_model.mjs SCENARIO [seeds] [path=value ...]
import { App } from '../dist/model/app.js';
import { DatabaseAccess } from '../dist/model/database/access.js';
import { Worker } from '../dist/model/server/worker.js';
import { pct, wireSyncStorm } from './storm.mjs';

const [file, seedArg, ...extra] = process.argv.slice(2);
const seeds = Number(seedArg ?? 3);

let now = () => 0;
let reqs = new Map();
const runWorker = Worker.prototype.run;
Worker.prototype.run = function (conn, status) {
  reqs.set(conn.request, { worker: this.index, start: now(), end: -1, connect: -1, closed: -1, status: 0 });
  return runWorker.call(this, conn, status);
};
const connect = DatabaseAccess.prototype.connect;
DatabaseAccess.prototype.connect = function (req, clientCpu, done, a) {
  const r = reqs.get(req);
  if (r !== undefined) r.connect = now();
  return connect.call(this, req, clientCpu, done, a);
};
const close = DatabaseAccess.prototype.close;
DatabaseAccess.prototype.close = function (req) {
  const r = reqs.get(req);
  if (r !== undefined) r.closed = now();
  return close.call(this, req);
};
const end = App.prototype.end;
App.prototype.end = function (req, status) {
  const r = reqs.get(req);
  if (r !== undefined && r.end < 0) {
    r.end = now();
    r.status = status;
    if (r.closed < 0) r.closed = r.end; // refused: the attempt ended with the exception
  }
  return end.call(this, req, status);
};

const summary = (name, xs) => {
  if (xs.length === 0) return `${name}: none`;
  const ms = xs.map((x) => x / 1000);
  const mean = ms.reduce((a, b) => a + b, 0) / ms.length;
  return `${name}: n ${ms.length}, median ${pct(ms, 0.5).toFixed(1)} ms, mean ${mean.toFixed(1)}, p10 ${pct(ms, 0.1).toFixed(1)}, p90 ${pct(ms, 0.9).toFixed(1)}`;
};
function openAtOnce(spans, t0, t1) {
  const ev = [];
  for (const [s0, e0] of spans) {
    const s = Math.max(s0, t0);
    const e = Math.min(e0, t1);
    if (e > s) ev.push([s, 1], [e, -1]);
  }
  ev.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let area = 0;
  let n = 0;
  let last = t0;
  let peak = 0;
  for (const [t, d] of ev) {
    area += n * (t - last);
    n += d;
    peak = Math.max(peak, n);
    last = t;
  }
  return [area / (t1 - t0), peak];
}

console.log(`${file}, ${extra.join(' ') || 'as it is'}`);
for (let seed = 1; seed <= seeds; seed++) {
  const { system, run } = wireSyncStorm({ file, seed, extra });
  now = () => system.sim.now;
  reqs = new Map();
  run();
  const all = [...reqs.values()].filter((r) => r.end >= 0);
  const failed = all.filter((r) => r.status === 500);
  const served = all.filter((r) => r.status !== 500);
  const byWorker = new Map();
  for (const r of all) {
    if (!byWorker.has(r.worker)) byWorker.set(r.worker, []);
    byWorker.get(r.worker).push(r);
  }
  const gaps = [];
  const gapsFailed = [];
  const firsts = [];
  let busy = 0;
  let held = 0;
  let span = 0;
  for (const rs of byWorker.values()) {
    rs.sort((a, b) => a.start - b.start);
    firsts.push(rs[0].start);
    for (let i = 1; i < rs.length; i++) (rs[i - 1].status === 500 ? gapsFailed : gaps).push(rs[i].start - rs[i - 1].end);
    for (const r of rs) {
      busy += r.end - r.start;
      if (r.connect >= 0) held += r.closed - r.connect;
    }
    span += rs[rs.length - 1].end - rs[0].start;
  }
  const last = Math.max(...all.map((r) => r.end));
  // As hey counts it: the requests over the time to the last response (its handler's end here).
  console.log(
    `seed ${seed}: ${failed.length} 500s of ${all.length}, ${((all.length / last) * 1e6).toFixed(1)} req/s to the last handler's end`,
  );
  console.log(`  last handler ended ${(last / 1e6).toFixed(2)} s after the start`);
  console.log(
    `  ${summary(
      'handler, served',
      served.map((r) => r.end - r.start),
    )}`,
  );
  console.log(
    `  ${summary(
      'handler, failed',
      failed.map((r) => r.end - r.start),
    )}`,
  );
  console.log(`  ${summary("gap to the worker's next handler, after a served one", gaps)}`);
  console.log(`  ${summary("gap to the worker's next handler, after a failed one", gapsFailed)}`);
  console.log(`  ${summary("the start to a worker's first handler", firsts)}`);
  console.log(
    `  ${summary(
      'handler start to connect',
      all.filter((r) => r.connect >= 0).map((r) => r.connect - r.start),
    )}`,
  );
  console.log(
    `  ${summary(
      'close to handler end, served',
      served.map((r) => r.end - r.closed),
    )}`,
  );
  console.log(
    `  workers' time in handlers, from each one's first start to its last end: ${(busy / span).toFixed(3)}; connection (or attempt) open: ${(held / span).toFixed(3)}`,
  );
  for (const [a, b] of [
    [0, 2e6],
    [0, last],
  ]) {
    const [mean, peak] = openAtOnce(
      all.map((r) => [r.start, r.end]),
      a,
      b,
    );
    const [cmean, cpeak] = openAtOnce(
      all.filter((r) => r.connect >= 0).map((r) => [r.connect, r.closed]),
      a,
      b,
    );
    console.log(
      `  over ${(a / 1e6).toFixed(1)}-${(b / 1e6).toFixed(2)} s: handlers running at once mean ${mean.toFixed(1)}, peak ${peak}; connections open mean ${cmean.toFixed(1)}, peak ${cpeak}`,
    );
  }
  const fails = failed.map((r) => r.start / 1e6).sort((a, b) => a - b);
  if (fails.length > 0)
    console.log(
      `  failed handlers started at ${fails[0].toFixed(2)} s (first), ${pct(fails, 0.5).toFixed(2)} (median), ${fails[fails.length - 1].toFixed(2)} (last)`,
    );
}
