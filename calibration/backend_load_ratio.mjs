#!/usr/bin/env node
// What a request's backends cost in the kit's load runs against what the micro-benchmarks
// priced them at, series by series: for each scenario of validation.json that priced one
// gevent worker x 100 on the actors query (the rows whose backends bind), the load runs'
// postmaster children CPU (backends that exited: cutime + cstime, loadrun.py's
// NAME.rN.cpu.txt) per handled request, median over the runs, against the scenario's
// backendStartupCpu + backendStartCpu + backendExitCpu + the actors query's CPU, and the
// reading of measure.sh's check for a core that idles slower (results/TAG/duty-check.txt),
// when the series had one. Reads saved files only.
//
//   node calibration/backend_load_ratio.mjs     (results/backend-load-ratio.txt)
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const plan = JSON.parse(readFileSync(join(here, 'validation.json'), 'utf8'));
const results = join(here, 'results');
const files = readdirSync(results);
const actors = Number(plan.actors.find((x) => x.startsWith('app.steps.1.cpu=')).split('=')[1]);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 === 1 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};

const series = new Map();
for (const config of plan.configurations) {
  const name = [config.name].flat()[0];
  if (!/(^|-)actors1x100-ka[02]-c\d+$/.test(name)) continue;
  const scenarioFile = config.scenario ?? plan.scenario;
  const set = Object.fromEntries(config.set.filter((x) => x.includes('=')).map((x) => x.split('=')));
  const query = set['app.steps.1.cpu'] !== undefined ? Number(set['app.steps.1.cpu']) : actors;
  const key = `${scenarioFile} ${query}`;
  if (!series.has(key)) {
    const db = JSON.parse(readFileSync(join(root, scenarioFile), 'utf8')).database;
    const priced = db.backendStartupCpu + db.backendStartCpu + db.backendExitCpu + query;
    series.set(key, { scenarioFile, priced, perRequest: [], names: new Set() });
  }
  const s = series.get(key);
  if (s.names.has(name)) continue;
  s.names.add(name);
  for (const f of files.filter((x) => x.startsWith(`${name}.r`) && x.endsWith('.cpu.txt'))) {
    const text = readFileSync(join(results, f), 'utf8');
    const children = text.match(/postmaster children cpu: ([\d.]+)/);
    const handled = text.match(/handled requests: (\d+)/);
    if (children && handled && Number(handled[1]) > 0) s.perRequest.push(Number(children[1]) / Number(handled[1]));
  }
}

const ms = (x) => (1000 * x).toFixed(2);
console.log("The backends' CPU a request in the one-worker actors rows' load runs, against what the scenario priced it at (ms)");
console.log('scenario | its check for a core that idles slower | priced | load runs, median (range) | runs | load / priced');
for (const s of series.values()) {
  if (s.perRequest.length === 0) continue;
  const tag = s.scenarioFile.match(/measured-linux-2core-(.+)\.json$/)?.[1];
  const check =
    tag !== undefined && existsSync(join(results, tag, 'duty-check.txt'))
      ? readFileSync(join(results, tag, 'duty-check.txt'), 'utf8')
          .trim()
          .split('\n')
          .at(-1)
      : '-';
  const m = median(s.perRequest);
  console.log(
    `${s.scenarioFile.replace('calibration/', '')} | ${check} | ${ms(s.priced)} | ${ms(m)} (${ms(Math.min(...s.perRequest))}-${ms(Math.max(...s.perRequest))}) | ${s.perRequest.length} | ${(m / s.priced).toFixed(2)}`,
  );
}
