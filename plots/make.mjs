#!/usr/bin/env node
// Regenerates the example charts committed under plots/ (`npm run plots`, which builds
// first), or writes them under another folder given as the first argument:
// the charts of some of the article's runs, exactly as `sim run SCENARIO --plot DIR`
// writes them, and a sweep of the article's gevent scenario over concurrency, patched
// and unpatched, as issue 6's sweeps will produce it. test/charts/examples.test.ts
// fails when these files are not what the current code produces.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../dist/cli/main.js';
import { writePlots } from '../dist/cli/writePlots.js';
import { sweepPoint } from '../dist/charts/sweep/sweep.js';
import { sweepCharts } from '../dist/charts/sweep/sweepCharts.js';
import { loadScenarioFile } from '../dist/cli/loadScenarioFile.js';
import { simulate } from '../dist/model/system.js';
import { summarize } from '../dist/report/summary.js';

const EXAMPLE_SCENARIOS = ['gevent-unpatched-10', 'gevent-100', 'gevent-125', 'gevent-4x100-actors', 'incident-retry-storm'];
const SWEEP_DIR = 'sweep-gevent-concurrency';
const SWEEP_CONCURRENCIES = [10, 25, 50, 75, 100, 101, 110, 125, 150];

/** gevent-100 at -c = -n over SWEEP_CONCURRENCIES, with psycogreen and without. */
function exampleSweep() {
  const points = [];
  for (const psycogreen of [true, false]) {
    for (const c of SWEEP_CONCURRENCIES) {
      const sets = [`client.concurrency=${c}`, `client.requests=${c}`, `app.psycogreen=${psycogreen}`];
      const scenario = loadScenarioFile('scenarios/gevent-100.json', sets);
      const summary = summarize(simulate(scenario), 'gevent-100', scenario.seed);
      points.push(sweepPoint(summary, { 'client.concurrency': c }, psycogreen ? 'patched (psycogreen)' : 'unpatched'));
    }
  }
  return {
    x: 'client.concurrency',
    xTitle: 'hey -c (concurrent clients; -n = -c)',
    description: 'scenarios/gevent-100.json with -n = -c, one run per point (seed 1)',
    points,
  };
}

/** The sweep's points as a table, for the HTML report's text. */
function sweepTable(sweep) {
  const f = (v, d) => (v === null ? '-' : v.toFixed(d));
  const lines = [`series                 ${sweep.x.padEnd(20)} 2xx/s     5xx/s     errors/s  p50 (s)   p99 (s)`];
  for (const p of sweep.points) {
    const r = p.requestsPerSec;
    lines.push(
      [
        p.series.padEnd(22),
        String(p.parameters[sweep.x]).padEnd(20),
        f(r['2xx'], 3).padEnd(9),
        f(r['5xx'], 3).padEnd(9),
        f(r.errors, 3).padEnd(9),
        f(p.latency.p50, 4).padEnd(9),
        f(p.latency.p99, 4),
      ].join(' '),
    );
  }
  return `${lines.join('\n')}\n`;
}

async function writeSweepExample(dir, sweep) {
  mkdirSync(dir, { recursive: true });
  // The charts' input, as a sweep runner would hand it over.
  writeFileSync(join(dir, 'sweep.json'), `${JSON.stringify(sweep, null, 2)}\n`);
  return writePlots(dir, sweepCharts(sweep), { title: 'gevent-100: throughput and latency against concurrency', text: sweepTable(sweep) });
}

const root = process.argv[2] ?? 'plots';
const quiet = { out: () => {}, err: (t) => process.stderr.write(t) };
for (const name of EXAMPLE_SCENARIOS) {
  const code = await main(['run', `scenarios/${name}.json`, '--plot', join(root, name)], quiet);
  if (code !== 0) process.exit(code);
}
const files = await writeSweepExample(join(root, SWEEP_DIR), exampleSweep());
process.stderr.write(`Wrote ${files.length + 1} files to ${join(root, SWEEP_DIR)}\n`);
