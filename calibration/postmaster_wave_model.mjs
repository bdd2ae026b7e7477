#!/usr/bin/env node
// The model's side of postmaster_wave.sh: in one wave of the spread rows' stack (one gevent
// worker x 1000, pg_sleep(1), hey -n C -c C), how long the postmaster's forks waited for a
// core beyond their CPU (each fork's wall time on the cores less its work: processor sharing
// runs it slower rather than later), against the wave's spread. Node only (npm run build first).
//
//   node calibration/postmaster_wave_model.mjs [scenario] [seeds] [path=value ...]
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { wireAtSpeed } from '../dist/model/system.js';
import { runSystem } from '../dist/model/run.js';
import { validateScenario } from '../dist/scenario/load.js';
import { applyOverride } from '../dist/scenario/overrides.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const file = args[0] !== undefined && !args[0].includes('=') ? args.shift() : 'calibration/measured-linux-2core.json';
const seeds = args[0] !== undefined && /^\d+$/.test(args[0]) ? Number(args.shift()) : 5;
for (const c of [50, 100]) {
  const out = [];
  for (let seed = 1; seed <= seeds; seed++) {
    const raw = JSON.parse(readFileSync(join(root, file), 'utf8'));
    for (const o of [`client.requests=${c}`, `client.concurrency=${c}`, `seed=${seed}`, ...args]) applyOverride(raw, o);
    // Each seed at its own speed of the machine, as sim run runs it.
    const system = wireAtSpeed(validateScenario(raw, file), { timeSeries: false }).system;
    const pm = system.postgres.postmaster;
    const now = () => system.sim.now;
    // Each fork's start and CPU, then its end: the hooks wrap the postmaster's own steps.
    const started = new Map();
    let waited = 0;
    let ran = 0;
    const fork = pm.fork.bind(pm);
    pm.fork = (attempt, wake) => {
      started.set(attempt, [now(), pm.settings.postmasterCpu + wake]);
      fork(attempt, wake);
    };
    const forking = pm.forking;
    pm.forking = (attempt) => {
      const [at, work] = started.get(attempt);
      waited += now() - at - work;
      ran += work;
      forking(attempt);
    };
    runSystem(system, { maxEvents: 10_000_000, maxSimTime: 3600e6 });
    const lat = system.recorder.latency;
    out.push(`ran ${(ran / 1000).toFixed(1)} waited ${(waited / 1000).toFixed(1)} ms, spread ${((lat.max - lat.min) / 1e6).toFixed(3)} s`);
  }
  console.log(`-c ${c}: ${out.join('; ')}`);
}
