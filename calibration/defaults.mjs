#!/usr/bin/env node
// Writes calibration/defaults-linux-2core.json: the costs this project ships as the schema's
// defaults (src/scenario/measuredCosts.ts holds the same figures; a test checks they agree),
// each the median over the kit's series that measured their own machine, with where it
// comes from. One machine is not the kind: the kit's machines, 2-core KVM guests on AMD
// EPYC and Intel Xeon hosts, computed the same work up to a fifth apart, and a user's
// machine is one the kit never saw. Node only (npm run build first).
//
//   node calibration/defaults.mjs           rewrite calibration/defaults-linux-2core.json
//   node calibration/defaults.mjs --print   print it instead
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { costFigures, medianOf, ownSeriesCosts, SHIPPED_SCENARIO } from '../dist/analysis/calibration/shippedCosts.js';
import { inMs } from '../dist/scenario/measuredCosts.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PLAN = 'calibration/validation.json';
const series = ownSeriesCosts(root, PLAN);
const four = (seconds) => Number(seconds.toPrecision(4));
const ms = (seconds) => `${inMs(seconds)} ms`;
const path = (section, key) => (section === 'connect' ? `app.steps.0.${key}` : `${section}.${key}`);
const figure = (key, x) => (key === 'backToBackShare' ? `${x}` : ms(x));

const scenario = {
  $schema: '../scenarios/schema.json',
  name: 'defaults-linux-2core',
  description: `The costs this project ships, the schema's defaults (src/scenario/measuredCosts.ts), on the article's gevent-100 configuration (hey -n 100 -c 100 -t 0 against 1 gevent worker x 1000 connections, psycogreen, a new connection per request, SELECT pg_sleep(1.0)). Each is the median over the ${series.size} series of the calibration kit that measured their own machine with scram-sha-256 (2-core KVM guests on AMD EPYC and Intel Xeon hosts, Linux 6.18, PostgreSQL 15, 2026-12-02 to 06), the figure of one of them: see "measured" and that series' own file, whose "measured" block says how it was measured. Written by calibration/defaults.mjs; docs/validation.md, "What measuring buys", prices every series with the median of the others.`,
  seed: 1,
  client: { requests: 100, concurrency: 100, timeout: 0 },
  machine: { cores: 2, os: 'linux', somaxconn: 4096 },
  server: { workerClass: 'gevent', workers: 1, workerConnections: 1000, keepalive: 2 },
  app: {
    status: 204,
    psycogreen: true,
    steps: [{ kind: 'dbConnect' }, { kind: 'dbQuery', time: 1 }, { kind: 'dbClose' }],
  },
  database: { maxConnections: 100, superuserReservedConnections: 3, superuser: true, authMethod: 'scram-sha-256' },
  measured: {},
  notes: {},
};
for (const { section, key, figures } of costFigures(series)) {
  const m = medianOf(figures);
  if (section === 'connect') scenario.app.steps[0][key] = four(m.seconds);
  else scenario[section][key] = four(m.seconds);
  // startCpu is a part of cpu, not a cost of its own (src/scenario/costs.ts): a note.
  scenario[key === 'startCpu' ? 'notes' : 'measured'][path(section, key)] =
    `the median over ${figures.length} series: ${figure(key, four(m.seconds))}, ${m.series}'s${m.seconds === 0 && m.low === m.high ? '' : ` (the series from ${figure(key, four(m.low))} to ${figure(key, four(m.high))})`}.`;
}
// libpq's side of connect + close with the other methods, for a scenario that states one
// (src/scenario/measuredCosts.ts's connectCpu): the series that measured their machine with it.
for (const auth of ['md5', 'trust']) {
  const others = ownSeriesCosts(root, PLAN, auth);
  const cpu = costFigures(others).find((c) => c.section === 'connect' && c.key === 'cpu');
  const m = medianOf(cpu.figures);
  scenario.notes[`app.steps.0.cpu with ${auth}`] =
    cpu.figures.length === 1
      ? `${ms(four(m.seconds))}: the one series that measured its machine with ${auth}, ${m.series}.`
      : `${ms(four(m.seconds))}: the median over the ${cpu.figures.length} series that measured their machine with ${auth}, ${m.series}'s (from ${ms(four(m.low))} to ${ms(four(m.high))}).`;
}
const text = `${JSON.stringify(scenario, null, 2)}\n`;
if (process.argv.includes('--print')) process.stdout.write(text);
else {
  writeFileSync(join(root, SHIPPED_SCENARIO), text);
  console.log(`${SHIPPED_SCENARIO}: the median of ${series.size} series`);
}
