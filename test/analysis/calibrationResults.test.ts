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

  const fits: [string, string, string[]][] = [
    ['linux-2core', 'fitted-linux-2core', ['database.forkTime', 'database.backendStartTime']],
    ['linux-2core-worker-cpu', 'fitted-linux-2core-worker-cpu', ['app.steps.1.time', 'database.backendStartTime']],
    ['linux-2core-connect-cpu', 'fitted-linux-2core-connect-cpu', ['database.forkTime', 'database.backendStartCpu']],
  ];
  for (const [start, fitted, free] of fits) {
    it(`calibration/${fitted}.json is what sim fit gives today on the patched -c 10 and -c 100 runs`, () => {
      const scenario = JSON.parse(readFileSync(`calibration/${start}.json`, 'utf8'));
      const runs = outputs.filter((f) => /^patched-c(10|100)\.r\d\.txt$/.test(f)).map(run);
      expect(runs).toHaveLength(6);
      const result = fit(scenario, runs, [], { free }, `calibration/${start}.json`);
      expect(JSON.parse(readFileSync(`calibration/${fitted}.json`, 'utf8'))).toEqual(result.calibrated);
    });
  }
});
