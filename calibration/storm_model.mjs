#!/usr/bin/env node
// The simulated actors storm over its first second, in the figures storm_timeline.sh
// reads from the real one (results/storm-timeline/summary.txt): the postmaster's cores
// from 0.1 to 0.6 s, backends refused and authorized by 0.5 and 1.0 s. Node only (npm run
// build first).
//
//   node calibration/storm_model.mjs [none|session|service] [seeds] [--scenario FILE] [path=value ...]
import { wireStorm } from './storm.mjs';

const taskGroups = process.argv[2];
const seeds = Number(process.argv[3] ?? 3);
const settings = process.argv.slice(4);
const at = settings.indexOf('--scenario');
const file = at >= 0 ? settings.splice(at, 2)[1] : undefined;

for (let seed = 1; seed <= seeds; seed++) {
  const storm = wireStorm({
    clients: 1000,
    seed,
    ...(file !== undefined ? { file } : {}),
    extra: [...(taskGroups ? [`machine.taskGroups=${taskGroups}`] : []), ...settings],
  });
  const system = storm.system;
  const pg = system.postgres;
  // CPU work finished from 0.1 to 0.6 s by the workers and by PostgreSQL's processes (the
  // real storm's cpu samples, summed the same way). With task groups they run on views
  // of one host; without, on the host itself, and cannot be told apart here.
  const work = { workers: 0, postgres: 0 };
  const count = (cpu, key) => {
    const run = cpu.run.bind(cpu);
    cpu.run = (w, fn, a, b, process) =>
      run(
        w,
        (x, y) => {
          if (system.sim.now >= 100_000 && system.sim.now <= 600_000) work[key] += w;
          fn(x, y);
        },
        a,
        b,
        process,
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
  storm.run();
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
