#!/usr/bin/env node
// The model's side of wave_backends.sh: for each backend of the wave (one gevent worker x
// 1000, pg_sleep(1), hey -n C -c C for C = 50 and 100), the time from its fork (its first
// piece of work given to the cores) to the end of its work before the slot (it reads the SSL
// request then): medians and 90th percentiles by seed. Node only (npm run build first).
//
//   node calibration/wave_backends_model.mjs [seeds] [scenario] [--set path=value ...]
import * as starts from './backend_starts.mjs';
import { runWave, waveArgs } from './wave_model.mjs';

const options = waveArgs(process.argv.slice(2));

for (const c of [50, 100]) {
  for (let seed = 1; seed <= options.seeds; seed++) {
    runWave(options, c, seed, starts.reset);
    const delays = starts.backends.map((x) => x.delay);
    delays.sort((x, y) => x - y);
    const q = (p) => (delays[Math.min(delays.length - 1, Math.floor(p * delays.length))] / 1000).toFixed(2);
    console.log(
      `c${c} seed ${seed}: ${delays.length} backends, fork to the end of their work before the slot median ${q(0.5)} ms (p90 ${q(0.9)})`,
    );
  }
}
