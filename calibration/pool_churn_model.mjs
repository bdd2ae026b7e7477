#!/usr/bin/env node
// A diagnostic of the model, not a model input: what would make SQLAlchemy's pool in a
// gthread worker churn as the real one does (docs/validation.md, "Persistent connections in
// sync and gthread workers"), on the shape of pool_spans_model.mjs (one gthread worker,
// QueuePool 5 + 10, priced in a gthread worker as shapes-6.json prices it), seed 1.
// 1. The GIL's order. The model lets a thread whose IO ended go on at once; CPython's
//    PyEval_RestoreThread takes the GIL back first. Three ways of serving that take, beside
//    the model as it is:
//      fifo       the oldest waiter first (the model's Resource);
//      barge:W    take_gil/drop_gil as CPython runs them: a release signals the oldest
//                 waiter, which takes the GIL only W µs later (its wake-up), and a thread
//                 that asks meanwhile finds it unlocked and takes it first;
//      lifo       the newest first.
// 2. The backends' answers: an exponential wait of each query (app.steps.1.time), and the
//    kernel's scheduling as measure.sh measured it on one machine (per-core run queues,
//    EEVDF with next-buddy, its wake-up latency: measured-linux-2core-amd1206k.json).
// 3. The take with the Python each resume runs as a piece of CPU of its own (10, 20 or 30 µs,
//    taken out of the handler's measured CPU: three resumes a request, BEGIN's, the query's
//    and the ROLLBACK's), first come first served, on amd1206k's scheduling and under
//    processor sharing.
// Each row also gives how long the worker's pieces of CPU waited for a core, beside which
// pool_sched.sh measures the real processes' waits from their wake-ups.
// Node only (npm run build first).
//
//   node calibration/pool_churn_model.mjs [threads ...]   (default: 8 20)
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runSystem } from '../dist/model/run.js';
import { ThreadWorker } from '../dist/model/server/gthread.js';
import { Resource } from '../dist/engine/resource.js';
import { wireAtSpeed } from '../dist/model/system.js';
import { validateScenario } from '../dist/scenario/load.js';
import { applyOverride } from '../dist/scenario/overrides.js';
import { measuredScheduling, takeGilOnResume, watchPoolHolds } from './pool_model_hooks.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const file = 'calibration/defaults-linux-2core.json';
const SHAPE = [
  'server.workerClass=gthread',
  'server.workers=1',
  'app.pool={"size":5,"maxOverflow":10,"timeout":30}',
  'app.steps.1.time=0',
  'app.steps.1.cpu=0.0001843',
  'app.steps.1.decodeCpu=0.0003073',
  'server.requestCpu=0.0001192',
  'app.psycogreen=false',
  'client.requests=2000',
  'client.concurrency=40',
];
const threads = process.argv.slice(2).map(Number);

let sim;
let order = 'model';

/** The GIL of one gthread worker, served in `order`. */
class Gil extends Resource {
  locked = false;
  waiters = [];
  waking = false;
  get used() {
    return this.locked ? 1 : 0;
  }
  get queueLength() {
    return this.waiters.length;
  }
  get available() {
    return this.locked ? 0 : 1;
  }
  acquire(fn, a, b) {
    if (!this.locked) {
      this.locked = true;
      fn(a, b);
    } else if (order === 'lifo') this.waiters.unshift([fn, a, b]);
    else this.waiters.push([fn, a, b]);
  }
  tryAcquire() {
    if (this.locked) return false;
    this.locked = true;
    return true;
  }
  release() {
    this.locked = false;
    if (this.waiters.length === 0 || this.waking) return;
    const wake = order.startsWith('barge:') ? Number(order.slice(6)) : 0;
    if (wake === 0) this.grant();
    else {
      this.waking = true;
      sim.schedule(
        wake,
        (gil) => {
          gil.waking = false;
          // Taken meanwhile by a thread that asked: the woken one waits on; the next release signals again.
          if (!gil.locked && gil.waiters.length > 0) gil.grant();
        },
        this,
      );
    }
  }
  grant() {
    const [fn, a, b] = this.waiters.shift();
    this.locked = true;
    fn(a, b);
  }
}
const makeLoop = ThreadWorker.prototype.makeLoop;
ThreadWorker.prototype.makeLoop = function (name) {
  return order === 'model' ? makeLoop.call(this, name) : new Gil(1, name);
};
/** With the take: the Python each resume runs before its next wait (µs of CPU), 0 for none. */
let glue = 0;
takeGilOnResume(() => (order === 'model' ? undefined : glue));
const watch = watchPoolHolds(() => sim.now);

console.log(`${file} ${SHAPE.join(' ')}, seed 1`);
for (const n of threads.length > 0 ? threads : [8, 20]) {
  console.log(`server.threads=${n}:`);
  for (order of ['model', 'fifo', 'barge:10', 'barge:30', 'lifo']) {
    console.log(`  ${order.padEnd(9)} ${churn([`server.threads=${n}`])}`);
  }
}

const sched = measuredScheduling(join(root, 'calibration/measured-linux-2core-amd1206k.json'));
order = 'model';
console.log("\nThe backends' answers, the GIL as the model serves it:");
for (const n of threads.length > 0 ? threads : [8, 20]) {
  console.log(`server.threads=${n}:`);
  for (const mean of [0.0005, 0.001, 0.002, 0.004]) {
    const wait = `app.steps.1.time={"dist":"exponential","mean":${mean}}`;
    console.log(`  each query waits ${mean * 1000} ms (exponential) ${churn([`server.threads=${n}`, wait])}`);
  }
  console.log(`  amd1206k's scheduling ${churn([`server.threads=${n}`, ...sched])}`);
}

console.log("\nThe take with each resume's Python as a piece of CPU (the handler's CPU split), first come first served:");
order = 'fifo';
for (const n of threads.length > 0 ? threads : [8, 20]) {
  console.log(`server.threads=${n}:`);
  for (const g of [10, 20, 30]) {
    glue = g;
    // The handler's CPU beyond a trivial request, less its three resumes' share.
    const decode = `app.steps.1.decodeCpu=${(0.0003073 - 3 * g * 1e-6).toFixed(7)}`;
    console.log(`  ${g} us a resume, amd1206k's scheduling ${churn([`server.threads=${n}`, decode, ...sched])}`);
    console.log(`  ${g} us a resume, processor sharing    ${churn([`server.threads=${n}`, decode])}`);
  }
  glue = 0;
}
order = 'model';

/** One run of the shape with `more` settings: its figures. */
function churn(more) {
  watch.reset();
  const raw = JSON.parse(readFileSync(join(root, file), 'utf8'));
  for (const o of [...SHAPE, ...more]) applyOverride(raw, o);
  const system = wireAtSpeed(validateScenario(raw, file), { timeSeries: false }).system;
  sim = system.sim;
  // Each of the worker's pieces of CPU: how long it waited for a core beyond its work
  // (pool_sched.sh measures the real processes' waits from their wake-ups).
  const waits = [];
  const cpu = system.app.cpu;
  const run = cpu.run;
  cpu.run = (work, fn, a, b, process) => {
    const from = sim.now;
    return run.call(
      cpu,
      work,
      (x, y) => {
        waits.push(sim.now - from - work);
        fn(x, y);
      },
      a,
      b,
      process,
    );
  };
  runSystem(system, { maxEvents: 100_000_000, maxSimTime: 3600e6 });
  const held = watch.held.sort((x, y) => x - y);
  waits.sort((x, y) => x - y);
  const q = (p) => (held[Math.min(held.length - 1, Math.floor(p * held.length))] / 1000).toFixed(2);
  const w = (p) => (waits[Math.min(waits.length - 1, Math.floor(p * waits.length))] / 1000).toFixed(3);
  const over = ((100 * waits.filter((x) => x > 1000).length) / waits.length).toFixed(1);
  return `${(held.length / (sim.now / 1e6)).toFixed(0).padStart(5)} req/s, ${String(system.postgres.connections).padStart(4)} connections opened, a connection held (ms) p10 ${q(0.1)} p50 ${q(0.5)} p90 ${q(0.9)} p99 ${q(0.99)}; the worker's ${waits.length} pieces waited for a core (ms) p90 ${w(0.9)} p99 ${w(0.99)}, over 1 ms ${over} %`;
}
