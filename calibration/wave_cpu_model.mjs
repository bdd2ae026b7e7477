#!/usr/bin/env node
// The model's side of bench/wave_cpu.py (wave_wakes.sh): who ran on the cores in the first
// 100 ms of a wave (one gevent worker x 1000, pg_sleep(1), hey -n C -c C for C = 50 and
// 100), as ms of CPU by 10 ms window from the worker's first piece of work, the mean over
// the seeds: the worker, the postmaster, the backends, hey, other processes, idle cores.
// Per-core run queues only (the scenario's machine.runQueues). Node only (npm run build first).
//
//   node calibration/wave_cpu_model.mjs [seeds] [scenario] [--set path=value ...]
import { byWindow, onAdvance, runWave, waveArgs } from './wave_model.mjs';

const options = waveArgs(process.argv.slice(2));
const seeds = options.seeds;

const WINDOW = 10_000;
const WINDOWS = 10;
const KINDS = ['worker', 'postmaster', 'backends', 'hey', 'other', 'idle'];
// A task's process, as the cores see it: gunicorn's worker and the postmaster are classes of
// their own, a backend a plain record with its parent, hey's goroutines none.
function kindOf(process) {
  if (process === undefined) return 3;
  const name = process.constructor?.name;
  if (name === 'Postmaster') return 1;
  if (/Worker$/.test(name)) return 0;
  if (name === 'Object') return 2;
  return 4;
}

let state;
// The CPU each kind got over each interval, and each idle core's time, go to their windows.
onAdvance((cpu, from, to) => {
  if (state.start === undefined && cpu.queues.tasks.some((t) => t.rate > 0 && kindOf(t.process) === 0)) state.start = from;
  for (const t of cpu.queues.tasks) if (t.rate > 0) state.intervals.push([kindOf(t.process), from, to, t.rate]);
  for (let c = 0; c < cpu.cores; c++) if (cpu.queues.onCore[c] === 0) state.intervals.push([5, from, to, 1]);
});

for (const c of [50, 100]) {
  const total = Array.from({ length: WINDOWS }, () => new Array(KINDS.length).fill(0));
  for (let seed = 1; seed <= seeds; seed++) {
    runWave(options, c, seed, () => {
      state = { start: undefined, intervals: [] };
    });
    const start = state.start ?? 0;
    for (const [kind, a, b, rate] of state.intervals) {
      byWindow(start, WINDOW, WINDOWS, a, b, (w, d) => {
        total[w][kind] += (d * rate) / 1000 / seeds;
      });
    }
  }
  console.log(`c${c}, ${seeds} seeds: ms of CPU by 10 ms window from the worker's first work (${KINDS.join(' / ')})`);
  for (let w = 0; w < WINDOWS; w++) {
    const row = total[w].map((x) => x.toFixed(1).padStart(5)).join(' ');
    console.log(`  ${String(w * 10).padStart(3)}-${String(w * 10 + 10).padStart(4)}: ${row}`);
  }
}
