#!/usr/bin/env node
// The article's two fitted costs (docs/calibration.md), fitted again with sim fit's own
// search to the two rows that fix them (-c 10 and -c 100: the article prints their
// Requests/sec), then every row of the article's table predicted with them. Node only
// (npm run build first).
//
//   node calibration/article_fit.mjs               fit, and print the table
//   node calibration/article_fit.mjs --check       the table at the values the scenarios hold
//   node calibration/article_fit.mjs --postmaster  the other placement of the serial cost
//     (docs/calibration.md): database.forkTime and backendStartTime fitted the same way,
//     the worker's connect at its md5 default
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fit } from '../dist/analysis/calibration/fit.js';
import { simulate } from '../dist/model/system.js';
import { summarize } from '../dist/report/summary.js';
import { validateScenario } from '../dist/scenario/load.js';
import { applyOverride } from '../dist/scenario/overrides.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const POSTMASTER = process.argv.includes('--postmaster');
const FREE = POSTMASTER ? ['database.forkTime', 'database.backendStartTime'] : ['app.steps.0.cpu', 'database.backendStartTime'];
// The article's rows (shared/seed): hey -n C -c C -t 0 against each scenario (the same
// rows test/scenarios/article.test.ts checks).
const ARTICLE = JSON.parse(readFileSync(join(root, 'calibration', 'article-rows.json'), 'utf8'));
const rowOf = (name) => ARTICLE.find((r) => r.scenario === name);
const codesText = (statusCodes) =>
  Object.entries(statusCodes)
    .map(([k, n]) => `${n} x ${k}`)
    .join(', ');
const read = (name) => {
  const raw = JSON.parse(readFileSync(join(root, 'scenarios', `${name}.json`), 'utf8'));
  if (POSTMASTER) {
    // The worker's connect back at its default for the method; the fork starts from 1 ms.
    delete raw.app.steps.find((s) => s.kind === 'dbConnect').cpu;
    raw.database.forkTime = 0.001;
    delete raw.fitted?.['app.steps.0.cpu'];
  }
  return raw;
};

// A run the article printed: only its Requests/sec and status codes are known.
const articleRun = (name) => {
  const rps = rowOf(name).requestsPerSec;
  const c = read(name).client.concurrency;
  return {
    source: `article -c ${c}`,
    command: { requests: c, concurrency: c, timeout: 0, keepAlive: true, url: 'http://127.0.0.1:8000', text: `hey -n ${c} -c ${c} -t 0` },
    report: {
      summary: { total: c / rps, slowest: null, fastest: null, average: null, requestsPerSec: rps, totalData: null, sizePerRequest: null },
      distributionsLimitedTo: null,
      histogram: [],
      latency: {},
      details: null,
      statusCodes: { 204: c },
      errors: {},
      responses: c,
      errorCount: 0,
    },
  };
};

let values = FREE.map((p) => p.split('.').reduce((o, k) => o?.[k], read('gevent-100')));
if (!process.argv.includes('--check')) {
  const r = fit(read('gevent-100'), [articleRun('gevent-10'), articleRun('gevent-100')], [], { free: FREE }, 'gevent-100.json');
  values = r.parameters.map((p) => p.fitted);
  console.log(`fitted (${r.evaluations} simulations, ${r.converged ? 'converged' : 'NOT converged'}):`);
  for (const p of r.parameters) console.log(`  ${p.path.padEnd(26)} ${p.fitted} s (from ${p.start} s)`);
}
console.log('scenario                  article   simulated  difference  status codes');
for (const { scenario: name, requestsPerSec: rps, statusCodes } of ARTICLE) {
  const raw = read(name);
  for (const [i, p] of FREE.entries()) applyOverride(raw, `${p}=${values[i]}`);
  const scenario = validateScenario(raw, name);
  const s = summarize(simulate(scenario, { timeSeries: false }), name, scenario.seed);
  const got = codesText(s.statusCodes);
  const codes = codesText(statusCodes);
  const d = (100 * (s.summary.requestsPerSec / rps - 1)).toFixed(1);
  console.log(
    `${name.padEnd(24)} ${rps.toFixed(4).padStart(9)} ${s.summary.requestsPerSec.toFixed(4).padStart(11)} ${`${d.startsWith('-') ? '' : '+'}${d} %`.padStart(11)}  ${got}${got === codes ? '' : ` (article: ${codes})`}`,
  );
}
