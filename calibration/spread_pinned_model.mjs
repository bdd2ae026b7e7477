#!/usr/bin/env node
// The model's side of calibration/spread_pinned.sh: the spread wave (one gevent worker x
// 1000, pg_sleep(1), hey -n C -c C) with the stack's processes on both cores (shared), with
// PostgreSQL on a core of its own and the worker and hey on the other (pg-apart: a host of
// one core for each, machine.cores 1 and database.cores 1), and with everything on one core
// (one-core: machine.cores 1). Medians and ranges over the seeds of hey's Fastest, Slowest,
// Slowest - Fastest and Requests/sec; with --storm, the kit's storm (4 gevent workers x
// 100, hey -n 1000 -c 1000; the actors query's costs as --set gives them) and its
// Requests/sec and share of 500s. Node only (npm run build first).
//
//   node calibration/spread_pinned_model.mjs [--storm] [scenario] [seeds] [--set path=value ...]
import { readFileSync } from 'node:fs';
import { simulate } from '../dist/model/system.js';
import { summarize } from '../dist/report/summary.js';
import { validateScenario } from '../dist/scenario/load.js';
import { applyOverride } from '../dist/scenario/overrides.js';

const args = process.argv.slice(2);
const storm = args.includes('--storm');
if (storm) args.splice(args.indexOf('--storm'), 1);
const extra = [];
for (let i = args.indexOf('--set'); i >= 0; i = args.indexOf('--set')) extra.push(...args.splice(i, 2).slice(1));
const [file = 'calibration/measured-linux-2core-intel1204c.json', seedsArg = '10'] = args;
const CONDITIONS = {
  shared: [],
  'pg-apart': ['machine.cores=1', 'database.cores=1'],
  'one-core': ['machine.cores=1'],
};
const spread = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  const median = n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  return `${median.toFixed(3)} (${s[0].toFixed(3)}-${s[n - 1].toFixed(3)})`;
};
console.log(
  `# node calibration/spread_pinned_model.mjs${storm ? ' --storm' : ''} ${file} ${seedsArg}${extra.map((x) => ` --set ${x}`).join('')}`,
);
console.log(
  storm
    ? '# condition  Requests/sec  500s %: median (range) over the seeds'
    : '# condition  -c  Fastest  Slowest  Slowest-Fastest  Requests/sec: median (range) over the seeds',
);
for (const [condition, sets] of Object.entries(CONDITIONS)) {
  for (const c of storm ? [1000] : [50, 100]) {
    const figures = [];
    for (let seed = 1; seed <= Number(seedsArg); seed++) {
      const raw = JSON.parse(readFileSync(file, 'utf8'));
      const load = storm
        ? ['server.workers=4', 'server.workerConnections=100', 'client.requests=1000', 'client.concurrency=1000']
        : [`client.requests=${c}`, `client.concurrency=${c}`];
      for (const x of [...load, `seed=${seed}`, ...extra, ...sets]) applyOverride(raw, x);
      const s = summarize(simulate(validateScenario(raw, file), { timeSeries: false }), condition, seed);
      figures.push({ ...s.summary, f500: (s.statusCodes['500'] ?? 0) / (s.summary.responses + s.summary.errors) });
    }
    if (storm) {
      console.log(`${condition.padEnd(9)}  ${spread(figures.map((f) => f.requestsPerSec))}  ${spread(figures.map((f) => 100 * f.f500))}`);
      continue;
    }
    console.log(
      `${condition.padEnd(9)} ${String(c).padStart(3)}  ${spread(figures.map((f) => f.fastest))}  ${spread(figures.map((f) => f.slowest))}  ${spread(
        figures.map((f) => f.slowest - f.fastest),
      )}  ${spread(figures.map((f) => f.requestsPerSec))}`,
    );
  }
}
