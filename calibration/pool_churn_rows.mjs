#!/usr/bin/env node
// A diagnostic, computed after the runs: the table's rows of gthread workers on SQLAlchemy's
// pool (calibration/validation.json), priced as they were predicted (base), then on the
// kernel's scheduling as measure.sh measured it on the machine of their runs (amd1207t:
// per-core run queues, EEVDF with next-buddy, its wake-up latency; sched), then with each
// thread's resume after a wait taking the GIL back and running GLUE µs of the handler's CPU
// as a piece of its own, taken out of the handler's measured CPU (three resumes a request;
// take), as pool_churn_model.mjs's third part runs them. The error on Requests/sec of each.
// Node only (npm run build first).
//
//   node calibration/pool_churn_rows.mjs base|sched|take [GLUE]   (GLUE: 20)
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runValidation } from '../dist/analysis/calibration/validation.js';
import { measuredScheduling, takeGilOnResume } from './pool_model_hooks.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const mode = process.argv[2] ?? 'base';
const glue = Number(process.argv[3] ?? 20);
takeGilOnResume(() => (mode === 'take' ? glue : undefined));
const sched = measuredScheduling('calibration/measured-linux-2core-amd1207t.json');
const plan = JSON.parse(readFileSync('calibration/validation.json', 'utf8'));
const configurations = plan.configurations
  .filter((c) => (c.set ?? []).includes('server.workerClass=gthread') && (c.set ?? []).some((x) => x.startsWith('app.pool=')))
  .map((c) => {
    let set = mode === 'base' ? c.set : [...c.set, ...sched];
    if (mode === 'take') {
      const less = (x) => `app.steps.1.decodeCpu=${(Number(x.split('=')[1]) - 3 * glue * 1e-6).toFixed(7)}`;
      set = set.map((x) => (x.startsWith('app.steps.1.decodeCpu=') ? less(x) : x));
    }
    return { ...c, set };
  });
const file = `calibration/.pool-churn-rows-${process.pid}.json`;
writeFileSync(file, JSON.stringify({ ...plan, configurations }));
try {
  console.log(`${mode}${mode === 'take' ? ` ${glue} us a resume` : ''}: the error on Requests/sec`);
  for (const r of runValidation('.', file, 'calibration/results'))
    console.log(`  ${(100 * r.rpsError).toFixed(1).padStart(7)} %  ${r.config.name}`);
} finally {
  rmSync(file, { force: true });
}
