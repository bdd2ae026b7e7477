// calibration/storm_model.mjs: the simulated actors storm in the figures storm_timeline.sh
// reads from the real one. It reads the model's own records (the postmaster's CPU, the
// refusals), so a renamed field breaks it silently unless something runs it: this does,
// and checks its totals against `sim run` of the same storm.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sim } from '../../sim.js';

describe('calibration/storm_model.mjs', () => {
  it("prints the storm's first second, and refuses in all what sim run's report counts as 500s", async () => {
    const r = spawnSync(process.execPath, ['calibration/storm_model.mjs', '', '1'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const line =
      /^seed 1: handlers started (\d+)\/(\d+)\/(\d+)\/(\d+) by 0\.2\/0\.3\/0\.5\/1\.0 s; postmaster ([\d.]+) cores 0\.1-0\.6 s; refused (\d+)\/(\d+) and authorized (\d+)\/(\d+) by 0\.5\/1\.0 s; refused (\d+) in all; cores 0\.1-0\.6 s: workers ([\d.]+), PostgreSQL ([\d.]+)$/m.exec(
        r.stdout,
      );
    expect(line, r.stdout + r.stderr).not.toBeNull();
    const [started02, , , started10] = line!.slice(1, 5).map(Number);
    expect(started02).toBeLessThanOrEqual(started10);
    // The postmaster did some work in the wave, and no more than a core.
    expect(Number(line![5])).toBeGreaterThan(0);
    expect(Number(line![5])).toBeLessThanOrEqual(1);
    const plan = JSON.parse(readFileSync('calibration/validation.json', 'utf8'));
    const storm = ['server.workers=4', 'server.workerConnections=100', 'client.requests=1000', 'client.concurrency=1000', ...plan.actors];
    const report = await sim('run', plan.scenario, '--json', ...storm.flatMap((s: string) => ['--set', s]));
    expect(report.code).toBe(0);
    expect(Number(line![10])).toBe(JSON.parse(report.out).statusCodes['500']);
  });
});

describe('calibration/storm_wire_model.mjs', () => {
  it("prints each step's count over the storm's first second, in order, and refuses in all what sim run counts as 500s", async () => {
    const r = spawnSync(process.execPath, ['calibration/storm_wire_model.mjs', 'c400', '1'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const counts = (label: string): number[] => {
      const m = new RegExp(`${label} (\\d+)/(\\d+)/(\\d+)/(\\d+)/(\\d+)`).exec(r.stdout);
      expect(m, `${label} in\n${r.stdout}`).not.toBeNull();
      return m!.slice(1).map(Number);
    };
    for (const label of [
      'dials',
      'first requests written',
      'handlers started',
      'SYNs',
      'startup packets',
      'proofs sent',
      'slots taken',
      'refused',
      'authenticated',
    ]) {
      const c = counts(label);
      for (let i = 1; i < c.length; i++) expect(c[i]).toBeGreaterThanOrEqual(c[i - 1]);
    }
    // Each connection's steps come in order: no more slots than startup packets, no more authenticated than proofs.
    const [startup, slots, proofs, ok] = [counts('startup packets'), counts('slots taken'), counts('proofs sent'), counts('authenticated')];
    for (let i = 0; i < 5; i++) {
      expect(slots[i]).toBeLessThanOrEqual(startup[i]);
      expect(ok[i]).toBeLessThanOrEqual(proofs[i]);
    }
    const plan = JSON.parse(readFileSync('calibration/validation.json', 'utf8'));
    const storm = ['server.workers=4', 'server.workerConnections=100', 'client.requests=1000', 'client.concurrency=400', ...plan.actors];
    const report = await sim('run', plan.scenario, '--json', ...storm.flatMap((s: string) => ['--set', s]));
    expect(report.code).toBe(0);
    expect(Number(/500s in all (\d+)/.exec(r.stdout)![1])).toBe(JSON.parse(report.out).statusCodes['500']);
  });
});
