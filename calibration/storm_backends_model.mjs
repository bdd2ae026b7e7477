#!/usr/bin/env node
// The model's side of storm_backends.sh: for each backend the postmaster forked in the
// storm's first 150 ms after its first fork, and in the 150-500 ms after it, the time from
// its fork (its first piece of work given to the cores) to the end of its work before the
// slot (it reads the SSL request then): count, median and 90th percentile by seed. The
// storm as storm_model.mjs wires it. Node only (npm run build first).
//
//   node calibration/storm_backends_model.mjs [seeds] [--scenario FILE] [path=value ...]
import * as starts from './backend_starts.mjs';
import { wireStorm } from './storm.mjs';

const args = process.argv.slice(2);
const at = args.indexOf('--scenario');
const file = at >= 0 ? args.splice(at, 2)[1] : undefined;
const seeds = Number(args[0] ?? 3);
const settings = args.slice(1);

console.log(`# node calibration/storm_backends_model.mjs ${seeds}${file ? ` --scenario ${file}` : ''} ${settings.join(' ')}`);
for (let seed = 1; seed <= seeds; seed++) {
  const storm = wireStorm({ clients: 1000, seed, ...(file !== undefined ? { file } : {}), extra: settings });
  starts.reset(storm.system);
  storm.run();
  const backends = starts.backends;
  const first = Math.min(...backends.map((x) => x.forked));
  for (const [from, to] of [
    [0, 150_000],
    [150_000, 500_000],
  ]) {
    const delays = backends
      .filter((x) => x.forked - first >= from && x.forked - first <= to)
      .map((x) => x.delay)
      .sort((x, y) => x - y);
    const q = (p) => (delays.length === 0 ? '-' : (delays[Math.min(delays.length - 1, Math.floor(p * delays.length))] / 1000).toFixed(2));
    console.log(
      `seed ${seed}: ${delays.length} backends forked ${from / 1000}-${to / 1000} ms after the first fork; fork to the end of their work before the slot median ${q(0.5)} ms (p90 ${q(0.9)})`,
    );
  }
}
