#!/usr/bin/env node
// The simulated actors storm over its first second, in the figures storm_timeline.sh
// reads from the real one (results/storm-timeline/summary.txt): the postmaster's cores
// from 0.1 to 0.6 s, backends refused and authorized by 0.5 and 1.0 s. Node only (npm run
// build first).
//
//   node calibration/storm_model.mjs [none|session|service] [seeds]
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runSystem } from '../dist/model/run.js';
import { wire } from '../dist/model/wire.js';
import { validateScenario } from '../dist/scenario/load.js';
import { applyOverride } from '../dist/scenario/overrides.js';
import { resolve } from '../dist/scenario/resolve.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const plan = JSON.parse(readFileSync(join(root, 'calibration/validation.json'), 'utf8'));
const taskGroups = process.argv[2];
const seeds = Number(process.argv[3] ?? 3);
const STORM = ['server.workers=4', 'server.workerConnections=100', 'client.requests=1000', 'client.concurrency=1000', ...plan.actors];

for (let seed = 1; seed <= seeds; seed++) {
  const raw = JSON.parse(readFileSync(join(root, plan.scenario), 'utf8'));
  for (const o of [...STORM, `seed=${seed}`, ...(taskGroups ? [`machine.taskGroups=${taskGroups}`] : [])]) applyOverride(raw, o);
  const system = wire(resolve(validateScenario(raw, plan.scenario)), false);
  const pg = system.postgres;
  // CPU work finished from 0.1 to 0.6 s by the workers and by PostgreSQL's processes (the
  // real storm's cpu samples, summed the same way). With task groups they run on views
  // of one host; without, on the host itself, and cannot be told apart here.
  const work = { workers: 0, postgres: 0 };
  const count = (cpu, key) => {
    const run = cpu.run.bind(cpu);
    cpu.run = (w, fn, a, b) =>
      run(
        w,
        (x, y) => {
          if (system.sim.now >= 100_000 && system.sim.now <= 600_000) work[key] += w;
          fn(x, y);
        },
        a,
        b,
      );
  };
  const apart = system.app.cpu !== pg.cpu;
  if (apart) {
    count(system.app.cpu, 'workers');
    count(pg.cpu, 'postgres');
  }
  // Every 20 ms, as bench/cpu_sampler.py samples the real processes. The postmaster's CPU
  // is counted when a fork starts: over half a second that is within one fork's cost.
  // Handlers started: the app's start of a request (the real storm's handlers' log lines).
  let started = 0;
  const start = system.app.start.bind(system.app);
  system.app.start = (req, cpu) => {
    started++;
    start(req, cpu);
  };
  const samples = [];
  const sample = () => {
    samples.push({ t: system.sim.now, postmaster: pg.postmaster.cpuUsed, refused: pg.refused, authorized: pg.connections, started });
    if (system.sim.now < 1_000_000) system.sim.schedule(20_000, sample, undefined);
  };
  system.sim.schedule(0, sample, undefined);
  runSystem(system, { maxEvents: raw.limits?.maxEvents ?? 10_000_000, maxSimTime: 3600e6 });
  const at = (t) => samples.find((s) => s.t >= t);
  const [a, b, half, one] = [at(100_000), at(600_000), at(500_000), at(1_000_000)];
  const handlers = [200_000, 300_000, 500_000, 1_000_000].map((t) => at(t).started).join('/');
  console.log(
    `seed ${seed}: handlers started ${handlers} by 0.2/0.3/0.5/1.0 s; postmaster ${((b.postmaster - a.postmaster) / (b.t - a.t)).toFixed(2)} cores 0.1-0.6 s; ` +
      `refused ${half.refused}/${one.refused} and authorized ${half.authorized}/${one.authorized} by 0.5/1.0 s; refused ${pg.refused} in all` +
      (apart
        ? `; cores 0.1-0.6 s: workers ${(work.workers / 500_000).toFixed(2)}, PostgreSQL ${(work.postgres / 500_000).toFixed(2)}`
        : ''),
  );
}
