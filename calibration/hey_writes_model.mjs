#!/usr/bin/env node
// The model's side of bench/hey_writes.py: when the simulated hey dialed and wrote a
// wave's requests (one gevent worker x 1000, pg_sleep(1), hey -n C -c C), in the same
// batches (no gap over 0.5 ms), and the wave's Slowest - Fastest. Node only (npm run build
// first).
//
//   node calibration/hey_writes_model.mjs SCENARIO [seeds] [--set path=value ...]
import { readFileSync } from 'node:fs';
import { wireAtSpeed } from '../dist/model/system.js';
import { runSystem } from '../dist/model/run.js';
import { validateScenario } from '../dist/scenario/load.js';
import { applyOverride } from '../dist/scenario/overrides.js';

const args = process.argv.slice(2);
const extra = [];
for (let i = args.indexOf('--set'); i >= 0; i = args.indexOf('--set')) extra.push(...args.splice(i, 2).slice(1));
const [file, seeds = '3'] = args;
if (!file) {
  console.error('usage: hey_writes_model.mjs SCENARIO [seeds] [--set path=value ...]');
  process.exit(2);
}
const ms = (t) => (t / 1000).toFixed(2);
for (const c of [50, 100]) {
  for (let seed = 1; seed <= Number(seeds); seed++) {
    const raw = JSON.parse(readFileSync(file, 'utf8'));
    for (const o of [`client.requests=${c}`, `client.concurrency=${c}`, `seed=${seed}`, ...extra]) applyOverride(raw, o);
    const system = wireAtSpeed(validateScenario(raw, file), { timeSeries: false }).system;
    const client = system.client;
    const dials = [];
    const writes = [];
    const responses = [];
    const dialed = client.dialed.bind(client);
    client.dialed = (req) => {
      dials.push(system.sim.now);
      dialed(req);
    };
    const written = client.written.bind(client);
    client.written = (req) => {
      writes.push(system.sim.now);
      written(req);
    };
    const response = client.response.bind(client);
    client.response = (req, status) => {
      responses.push(system.sim.now);
      response(req, status);
    };
    runSystem(system, { maxEvents: 10_000_000, maxSimTime: 3600e6 });
    const batches = [[writes[0]]];
    for (const w of writes.slice(1)) {
      if (w - batches.at(-1).at(-1) > 500) batches.push([w]);
      else batches.at(-1).push(w);
    }
    responses.sort((a, b) => a - b);
    console.log(
      `c${c}.s${seed}: Slowest - Fastest ${((responses.at(-1) - responses[0]) / 1e6).toFixed(3)} s; dials 0-${ms(dials.at(-1))} ms; writes in batches ${batches.map((b) => `${b.length} at ${ms(b[0])}-${ms(b.at(-1))}`).join(' | ')} ms`,
    );
  }
}
