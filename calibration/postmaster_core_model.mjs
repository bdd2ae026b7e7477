#!/usr/bin/env node
// The model's wave (one gevent worker x 1000, pg_sleep(1), hey -n C -c C for C = 50 and
// 100) with the postmaster started on a given core: Slowest - Fastest over the seeds, as
// the model places it (on the lightest core when it first wakes, mostly the worker's in
// these waves, until a core going idle pulls it away some 10-20 ms in), started on the
// worker's core, and started on the other one. The kernel wakes a long-sleeping process on the core it last ran on
// (or an idle one), which nothing in a kit run sets, so the comparison says how much of the
// model's spread hangs on that start (docs/validation.md, "The model's wave by where the
// postmaster starts"). Two cores, per-core run queues; gunicorn's worker starts on core 0.
// Node only (npm run build first).
//
//   node calibration/postmaster_core_model.mjs [seeds] [scenario] [--set path=value ...]
import { runWave, waveArgs } from './wave_model.mjs';

const options = waveArgs(process.argv.slice(2));
const starts = [
  ['as the model places it', undefined],
  ["on the worker's core", 0],
  ['on the other core', 1],
];
const f3 = (x) => x.toFixed(3);
console.log(`${[options.file, ...options.sets].join(' ')}: Slowest - Fastest (s) over seeds 1-${options.seeds}, median (range)`);
for (const c of [50, 100]) {
  for (const [label, core] of starts) {
    const spreads = [];
    for (let seed = 1; seed <= options.seeds; seed++) {
      const system = runWave(options, c, seed, (s) => {
        if (core !== undefined) s.postgres.postmaster.cpuCore = core;
      });
      const lat = system.recorder.latency;
      spreads.push((lat.max - lat.min) / 1e6);
    }
    spreads.sort((a, b) => a - b);
    const n = spreads.length;
    const median = n % 2 === 1 ? spreads[(n - 1) / 2] : (spreads[n / 2 - 1] + spreads[n / 2]) / 2;
    console.log(`  -c ${c}, the postmaster ${label}: ${f3(median)} (${f3(spreads[0])}-${f3(spreads[n - 1])})`);
  }
}
