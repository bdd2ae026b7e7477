#!/usr/bin/env node
// Regenerates docs/validation.md's statement_timeout table from the kit's saved run
// (calibration/results/statement-timeout.txt, by calibration/statement_timeout.sh) and the
// model. Node only (npm run build first); a test checks it is current.
//
//   node calibration/incidents.mjs            rewrite the section
//   node calibration/incidents.mjs --print    print it instead
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  STATEMENT_TIMEOUT_BEGIN,
  STATEMENT_TIMEOUT_END,
  statementTimeoutSection,
} from '../dist/analysis/calibration/statementTimeoutCheck.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const section = statementTimeoutSection(readFileSync(join(root, 'calibration/results/statement-timeout.txt'), 'utf8'));
if (process.argv.includes('--print')) {
  console.log(section);
} else {
  const path = join(root, 'docs/validation.md');
  const doc = readFileSync(path, 'utf8');
  const a = doc.indexOf(STATEMENT_TIMEOUT_BEGIN);
  const b = doc.indexOf(STATEMENT_TIMEOUT_END);
  if (a < 0 || b < a) throw new Error(`docs/validation.md has no ${STATEMENT_TIMEOUT_BEGIN} ... ${STATEMENT_TIMEOUT_END} section`);
  writeFileSync(path, `${doc.slice(0, a + STATEMENT_TIMEOUT_BEGIN.length)}\n${section}\n${doc.slice(b)}`);
  console.log('docs/validation.md: statement_timeout table');
}
