#!/usr/bin/env node
// Regenerates the tables of docs/validation.md from the saved runs (calibration/results)
// and calibration/measured-linux-2core.json: every configuration of the kit, predicted
// from measured costs only, row by row and summed by kind of stack at the page's head; and src/report/kitRecord.ts, each kind of stack's row of it
// with the same rows priced from the defaults as a machine the kit never saw gets them (each
// series with the median of the others: calibration/defaults_transfer.mjs), which `sim run`
// quotes (npm run build after it). Node only (npm run build first); a test
// checks both are current.
//
//   node calibration/validate.mjs            rewrite docs/validation.md's generated sections and kitRecord.ts
//   node calibration/validate.mjs --print    print the sections instead
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kitRecordModule } from '../dist/analysis/calibration/kindTable.js';
import { runShippedTransfer } from '../dist/analysis/calibration/shippedCosts.js';
import { KINDS_BEGIN, KINDS_END, replaceSection } from '../dist/analysis/calibration/generatedSection.js';
import { kindsSection, runBootStorms, runValidation, validationSection } from '../dist/analysis/calibration/validation.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const plan = JSON.parse(readFileSync(join(root, 'calibration/validation.json'), 'utf8'));
const rows = runValidation(root, 'calibration/validation.json', 'calibration/results');
const bootStorms = runBootStorms(root, 'calibration/validation.json', 'calibration/results');
const section = validationSection(rows, plan.seeds, bootStorms, plan);
const kinds = kindsSection(rows);
if (process.argv.includes('--print')) {
  console.log(`${kinds}\n\n${section}`);
} else {
  const doc = join(root, 'docs/validation.md');
  writeFileSync(doc, replaceSection(replaceSection(readFileSync(doc, 'utf8'), section), kinds, KINDS_BEGIN, KINDS_END));
  const transfer = runShippedTransfer(root, 'calibration/validation.json', 'calibration/results');
  writeFileSync(join(root, 'src/report/kitRecord.ts'), kitRecordModule(rows, transfer));
  console.log(`docs/validation.md: ${rows.length} configurations; src/report/kitRecord.ts: run npm run build for sim run to quote it`);
}
