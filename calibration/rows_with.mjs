#!/usr/bin/env node
// Some rows of docs/validation.md's table, each priced several ways: the rows whose label
// matches a regular expression, with named sets of settings added to each (a variant with
// no settings is the table's own pricing). A quicker look than validate_with.mjs, which
// prices the whole table, at how a mechanism that is not the default moves the rows it is
// about. Prints each row's real Requests/sec (median) and each variant's error on it.
// Node only (npm run build first).
//
//   node calibration/rows_with.mjs 'pool_workers.sh' \
//     '{"default": [], "eevdf": ["machine.runQueues=per-core", "machine.timeSlices=eevdf"]}' [seeds]
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseHeyRun } from '../dist/analysis/calibration/heyRun.js';
import { settingsOf, validateConfig } from '../dist/analysis/calibration/validation.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [pattern, variantsJson, seedsArg] = process.argv.slice(2);
let variants;
try {
  variants = JSON.parse(variantsJson ?? '');
} catch {
  variants = undefined;
}
const seedCount = seedsArg === undefined ? 10 : Number(seedsArg);
if (pattern === undefined || typeof variants !== 'object' || variants === null || !Number.isInteger(seedCount) || seedCount < 1) {
  console.error('usage: node calibration/rows_with.mjs LABEL_REGEX \'{"name": ["path=value", ...], ...}\' [seeds, 10]');
  process.exit(2);
}
const plan = JSON.parse(readFileSync(join(root, 'calibration/validation.json'), 'utf8'));
const files = readdirSync(join(root, 'calibration/results'));
const seeds = Array.from({ length: seedCount }, (_, i) => i + 1);
const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const re = new RegExp(pattern);
console.log(`rows whose label matches /${pattern}/, ${seedCount} seeds a row; the error on Requests/sec (medians)`);
for (const [name, set] of Object.entries(variants))
  console.log(`  ${name}: ${set.length === 0 ? "the table's own settings" : set.join(' ')}`);
for (const config of plan.configurations.filter((c) => re.test(c.label))) {
  const names = Array.isArray(config.name) ? config.name : [config.name];
  const runs = files
    .filter((f) => names.some((n) => new RegExp(`^${escapeRegExp(n)}\\.r\\d+\\.txt$`).test(f)))
    .sort()
    .map((f) => parseHeyRun(readFileSync(join(root, 'calibration/results', f), 'utf8'), f));
  const file = config.scenario ?? plan.scenario;
  const raw = JSON.parse(readFileSync(join(root, file), 'utf8'));
  let real;
  const errors = Object.entries(variants).map(([name, extra]) => {
    const row = validateConfig(raw, file, { ...config, set: [...settingsOf(plan, config), ...extra] }, runs, seeds);
    real = row.real.requestsPerSec.median;
    return `${name} ${row.rpsError >= 0 ? '+' : ''}${(100 * row.rpsError).toFixed(1)} %`;
  });
  console.log(`- ${config.label}: real ${real.toFixed(1)} req/s; ${errors.join(', ')}`);
}
