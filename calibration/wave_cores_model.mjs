#!/usr/bin/env node
// The model's side of bench/wave_cores.py (wave_cores.sh): on which core the gevent worker
// and the postmaster ran through a wave (one gevent worker x 1000, pg_sleep(1), hey -n C -c C
// for C = 50 and 100), by 10 ms window from the worker's first piece of work: each one's ms
// of CPU on each core, and the ms each ran on the core the other was on; per seed, with the
// wave's Slowest - Fastest. Two cores, per-core run queues. Node only (npm run build first).
//
//   node calibration/wave_cores_model.mjs [seeds] [scenario] [--set path=value ...]
import { byWindow, onAdvance, runWave, waveArgs } from './wave_model.mjs';

const options = waveArgs(process.argv.slice(2));
const WINDOW = 10_000;
const WINDOWS = 10;

let state;
const isWorker = (t) => /Worker$/.test(t.process?.constructor?.name ?? '');
// The worker's and the postmaster's CPU over each interval go to their windows, by core;
// where the worker is is taken once the queues are up to date.
onAdvance(
  (cpu, from, to) => {
    const running = cpu.queues.tasks.filter((t) => t.rate > 0);
    const worker = running.find(isWorker);
    const postmaster = running.find((t) => t.process?.constructor?.name === 'Postmaster');
    if (state.start === undefined && worker !== undefined) state.start = from;
    // Where each one is now (its core, running or not), so that "on the other's core" counts either way.
    const cores = { worker: state.workerCore, postmaster: state.postmaster?.cpuCore };
    for (const [who, t] of [
      ['worker', worker],
      ['postmaster', postmaster],
    ]) {
      if (t === undefined) continue;
      const other = who === 'worker' ? cores.postmaster : cores.worker;
      state.intervals.push([who, t.core, t.core === other, from, to, t.rate]);
    }
  },
  (cpu) => {
    const w = cpu.queues.tasks.find(isWorker);
    if (w !== undefined) state.workerCore = w.core;
  },
);

const f1 = (x) => x.toFixed(1).padStart(5);
for (const c of [50, 100]) {
  for (let seed = 1; seed <= options.seeds; seed++) {
    const system = runWave(options, c, seed, (s) => {
      state = { start: undefined, intervals: [], workerCore: 0, postmaster: s.postgres.postmaster };
    });
    const lat = system.recorder.latency;
    console.log(`c${c} seed ${seed}: Slowest - Fastest ${((lat.max - lat.min) / 1e6).toFixed(3)} s`);
    console.log(
      "  ms by 10 ms window from the worker's first work: w0 w1 pm0 pm1, and each one's ms on the other's core (worker / postmaster)",
    );
    const rows = Array.from({ length: WINDOWS }, () => ({ worker: [0, 0], postmaster: [0, 0], together: { worker: 0, postmaster: 0 } }));
    const start = state.start ?? 0;
    for (const [who, core, together, a, b, rate] of state.intervals) {
      byWindow(start, WINDOW, WINDOWS, a, b, (w, d) => {
        const ms = (d * rate) / 1000;
        rows[w][who][core] += ms;
        if (together) rows[w].together[who] += ms;
      });
    }
    for (const [w, r] of rows.entries()) {
      const cells = [...r.worker, ...r.postmaster].map(f1).join(' ');
      console.log(
        `    ${String(10 * w).padStart(4)}-${String(10 * w + 10).padStart(4)}: ${cells}   ${f1(r.together.worker)} ${f1(r.together.postmaster)}`,
      );
    }
  }
}
