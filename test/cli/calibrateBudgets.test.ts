// sim compare and sim fit refuse a measured run whose work is predictably beyond the
// scenario's budgets, as sim run refuses it (src/scenario/budgets.ts), before any run is
// simulated. Before, a saved `hey -z 10h` output was simulated to the default hour and
// compared as a partial run (exit 0), and sim fit fitted a cost to 69 such partial runs
// (15 s) and printed "converged". Every simulation is counted here.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { assertInvariants } from '../../src/check/invariants.js';
import { sim } from '../sim.js';

const simulations = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../src/model/system.js', async (importOriginal) => {
  const model = await importOriginal<typeof import('../../src/model/system.js')>();
  return {
    ...model,
    simulate: (...args: Parameters<typeof model.simulate>) => {
      simulations.count++;
      const result = model.simulate(...args);
      assertInvariants(result);
      return result;
    },
  };
});

const SCENARIO = 'calibration/linux-2core.json';
const C10 = 'test/fixtures/hey/patched-c10.r1.txt';
const dir = mkdtempSync(join(tmpdir(), 'sim-calibrate-budgets-'));
// hey's own report of a -c 10 run, as if it had been run with -z 10h.
const Z10H = join(dir, 'z10h.txt');
writeFileSync(Z10H, readFileSync(C10, 'utf8').replace('$ hey -n 10 -c 10 ', '$ hey -z 10h -c 10 '));
const beyondTime = (run: string) =>
  `sim: ${SCENARIO} (for ${run}): at limits.maxSimTime: the run could not finish within its simulated-time budget of 3600 s: client.duration = 36000 s of sending (hey -z): at least 36000 simulated seconds; raise the budget (--set limits.maxSimTime=T) or shorten client.duration\n`;

beforeEach(() => {
  simulations.count = 0;
});

describe('sim compare: a run beyond the budgets is refused before any run is simulated', () => {
  it('hey -z 10h against the default hour: exit 2, one line naming the run, nothing simulated', async () => {
    const r = await sim('compare', SCENARIO, Z10H);
    expect(r.err).toBe(beyondTime(Z10H));
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(simulations.count).toBe(0);
  });

  it('after a run within them: the one before is not simulated either', async () => {
    const r = await sim('compare', SCENARIO, C10, Z10H, '--json');
    expect(r.err).toBe(beyondTime(Z10H));
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(simulations.count).toBe(0);
  });

  it('names the --set that gave the budget, and raising it as the message says lets the run go', async () => {
    const r = await sim('compare', SCENARIO, C10, '--set', 'limits.maxEvents=9');
    expect(r.err).toBe(
      `sim: --set limits.maxEvents=9 (for ${C10}): at limits.maxEvents: the run could not finish within its event budget of 9: client.requests = 10: at least 10 events (one or more each); raise the budget (--set limits.maxEvents=N, at most 1000000000) or send fewer requests\n`,
    );
    expect(r.code).toBe(2);
    expect(simulations.count).toBe(0);
    // sim compare has no --max-events: the message names what it takes instead.
    expect((await sim('compare', SCENARIO, C10, '--max-events', '10')).err).toBe('sim: unknown option --max-events\n');
    // Within the budget, the run is simulated (and cut short by it here).
    const raised = await sim('compare', SCENARIO, C10, '--set', 'limits.maxEvents=10');
    expect(raised.code).toBe(0);
    expect(raised.out).toContain('PARTIAL: the simulation stopped before every request ended');
    expect(simulations.count).toBe(1);
  });

  it("checks each run's own client: another tool's duration (wrk -d) as well", async () => {
    // wrk's output states its duration; --set gives the scenario less time than that.
    const wrk = 'test/fixtures/wrk/c10-d3s.txt';
    const r = await sim('compare', SCENARIO, wrk, '--set', 'limits.maxSimTime=2s');
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      `sim: --set limits.maxSimTime=2s (for ${wrk}): at limits.maxSimTime: the run could not finish within its simulated-time budget of 2 s: client.duration = 3 s of sending (hey -z): at least 3 simulated seconds; raise the budget (--set limits.maxSimTime=T) or shorten client.duration\n`,
    );
    expect(simulations.count).toBe(0);
  });
});

describe('sim fit: a run beyond the budgets is refused before the first simulation', () => {
  it('exit 2, the same line as sim compare, nothing simulated and nothing written', async () => {
    const out = join(dir, 'fitted.json');
    const r = await sim('fit', SCENARIO, C10, Z10H, '--free', 'database.forkTime', '--out', out);
    expect(r.err).toBe(beyondTime(Z10H));
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(simulations.count).toBe(0);
    expect(existsSync(out)).toBe(false);
  });

  it('names the --set that gave the budget; within the budgets the fit runs', async () => {
    const r = await sim('fit', SCENARIO, C10, '--free', 'database.forkTime', '--set', 'limits.maxEvents=9');
    expect(r.code).toBe(2);
    expect(r.err).toContain('raise the budget (--set limits.maxEvents=N, at most 1000000000) or send fewer requests');
    expect(simulations.count).toBe(0);
    const raised = await sim('fit', SCENARIO, C10, '--free', 'database.forkTime', '--max-evaluations', '3');
    expect(raised.code).toBe(0);
    expect(simulations.count).toBeGreaterThan(0);
  });
});
