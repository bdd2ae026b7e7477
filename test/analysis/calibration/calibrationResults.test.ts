// The kit's saved measurements (calibration/results) and what is made from them: every
// output parses, docs/validation.md's tables are what the model predicts today from the
// measured costs, and the committed fits (sim fit's examples) are what sim fit gives today.
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fit } from '../../../src/analysis/calibration/fit.js';
import { kitRecordModule } from '../../../src/analysis/calibration/kindTable.js';
import { runShippedTransfer } from '../../../src/analysis/calibration/shippedCosts.js';
import { parseHeyRun } from '../../../src/analysis/calibration/heyRun.js';
import { KINDS_BEGIN, KINDS_END, sectionOf } from '../../../src/analysis/calibration/generatedSection.js';
import {
  kindsSection,
  runBootStorms,
  runValidation,
  settingsOf,
  validationSection,
  type ValidationPlan,
} from '../../../src/analysis/calibration/validation.js';

const DIR = 'calibration/results';
const outputs = readdirSync(DIR)
  .filter((f) => /\.r\d+\.txt$/.test(f))
  .sort();
const run = (f: string) => parseHeyRun(readFileSync(`${DIR}/${f}`, 'utf8'), `${DIR}/${f}`);

describe('calibration/results', () => {
  const plan = JSON.parse(readFileSync('calibration/validation.json', 'utf8')) as ValidationPlan;

  it('holds every configuration of calibration/validation.json: 3 runs each, 5 for the storms', () => {
    for (const c of plan.configurations) {
      const names = Array.isArray(c.name) ? c.name : [c.name];
      const runs = outputs.filter((f) => names.some((n) => f.startsWith(`${n}.r`)));
      expect(runs.length, names.join(', ')).toBeGreaterThanOrEqual(c.storm === true ? 5 : 3);
    }
  });

  it("sets the plan's own settings on every configuration first, then its scenario file's, then the configuration's, ACTORS spelled out", () => {
    const p = {
      scenario: 'a.json',
      set: ['machine.speedVariation=0.1'],
      scenarioSet: { 'b.json': ['machine.speedVariation=0.03'] },
      actors: ['app.steps.2.time=0', 'app.steps.2.cpu=0.001'],
    };
    expect(settingsOf(p, { set: ['server.workers=4', 'ACTORS'] })).toEqual([
      'machine.speedVariation=0.1',
      'server.workers=4',
      'app.steps.2.time=0',
      'app.steps.2.cpu=0.001',
    ]);
    expect(settingsOf(p, { scenario: 'b.json', set: ['server.workers=4'] })).toEqual([
      'machine.speedVariation=0.1',
      'machine.speedVariation=0.03',
      'server.workers=4',
    ]);
    expect(settingsOf({ scenario: 'a.json', actors: [] }, { set: ['server.workers=4'] })).toEqual(['server.workers=4']);
  });

  it('simulates a row whose spread is compared over spreadSeeds seeds, every other row over seeds', () => {
    const rows = ['a1206e-spread-c50', 'a1206e-patched-c10'];
    const small = { ...plan, seeds: 2, spreadSeeds: 3, configurations: plan.configurations.filter((c) => rows.includes(String(c.name))) };
    expect(small.configurations.map((c) => c.spread === true)).toEqual([true, false]);
    const file = `calibration/.spread-seeds-${process.pid}.json`;
    writeFileSync(file, JSON.stringify(small));
    try {
      expect(runValidation('.', file, DIR).map((r) => r.simulated.runs)).toEqual([3, 2]);
    } finally {
      rmSync(file, { force: true });
    }
  });

  it("docs/validation.md's tables, and the kinds' record sim run quotes, are what the measured costs predict today (node calibration/validate.mjs)", () => {
    const doc = readFileSync('docs/validation.md', 'utf8');
    const bootStorms = runBootStorms('.', 'calibration/validation.json', DIR);
    const rows = runValidation('.', 'calibration/validation.json', DIR);
    expect(sectionOf(doc)).toBe(validationSection(rows, plan.seeds, bootStorms, plan));
    expect(sectionOf(doc, KINDS_BEGIN, KINDS_END)).toBe(kindsSection(rows));
    const transfer = runShippedTransfer('.', 'calibration/validation.json', DIR);
    expect(readFileSync('src/report/kitRecord.ts', 'utf8')).toBe(kitRecordModule(rows, transfer));
    // Every configuration of the table simulated with every seed: its time grows with the
    // table and with whatever else shares the cores, so the limit is only there to stop a hang.
  }, 900_000);

  for (const f of outputs) {
    it(`${f} parses, with the command that made it`, () => {
      const r = run(f);
      expect(r.command).toBeDefined();
      expect(r.report.responses + r.report.errorCount).toBe(
        Math.floor(r.command!.requests / r.command!.concurrency) * r.command!.concurrency,
      );
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
    }, 120_000);
  }
});
