// The kit's saved measurements (calibration/results) and the calibrated scenario made
// from them: every output parses, and the committed fit is what sim fit gives today, so
// docs/validation.md's numbers stay reproducible.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fit } from '../../src/analysis/fit.js';
import { parseHeyRun } from '../../src/analysis/heyRun.js';

const DIR = 'calibration/results';
const outputs = readdirSync(DIR).filter((f) => /\.r\d+\.txt$/.test(f)).sort();
const run = (f: string) => parseHeyRun(readFileSync(`${DIR}/${f}`, 'utf8'), `${DIR}/${f}`);

describe('calibration/results', () => {
  it('holds the article runs and the extra runs, three times each', () => {
    expect(outputs.length).toBe(41);
    for (const c of [10, 50, 75, 100, 101, 125]) expect(outputs).toContain(`patched-c${c}.r3.txt`);
    expect(outputs).toContain('unpatched-c10.r3.txt');
    expect(outputs).toContain('actors-c1000.r3.txt');
  });

  for (const f of outputs) {
    it(`${f} parses, with the command that made it`, () => {
      const r = run(f);
      expect(r.command).toBeDefined();
      expect(r.report.responses + r.report.errorCount).toBe(Math.floor(r.command!.requests / r.command!.concurrency) * r.command!.concurrency);
      expect(r.report.histogram.reduce((a, b) => a + b.count, 0)).toBe(r.report.responses);
    });
  }

  it('calibration/fitted-linux-2core.json is what sim fit gives on the patched -c 10 and -c 100 runs', () => {
    const start = JSON.parse(readFileSync('calibration/linux-2core.json', 'utf8'));
    const runs = outputs.filter((f) => /^patched-c(10|100)\.r\d\.txt$/.test(f)).map(run);
    expect(runs).toHaveLength(6);
    const result = fit(start, runs, [], { free: ['database.forkTime', 'database.backendStartTime'] }, 'calibration/linux-2core.json');
    // The written file names the runs by the paths validate.sh gives; compare the values.
    const committed = JSON.parse(readFileSync('calibration/fitted-linux-2core.json', 'utf8'));
    expect(committed.database).toEqual(result.calibrated.database);
    expect(committed.description).toBe(result.calibrated.description);
  });
});
