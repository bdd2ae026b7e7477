// machine.slowSpells: each core alternates fast and slow spells within a run
// (src/engine/cpu/slowSpells.ts). One gevent worker on one core, 1 ms of CPU a request,
// hey -c 10: without spells every response waits for the same nine others and takes ten
// requests' CPU (1 ms each and the loop's switches); with them, a response in a slow spell
// takes longer and one in a fast spell less, while over a long run the machine does the
// same work per second.
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/model/system.js';
import { heyText } from '../../src/report/heyText.js';
import { summarize } from '../../src/report/summary.js';
import { validateScenario } from '../../src/scenario/load.js';

function run(slowSpells?: object) {
  const raw = {
    client: { requests: 20_000, concurrency: 10 },
    machine: { cores: 1, ...(slowSpells !== undefined ? { slowSpells } : {}) },
    server: { workerClass: 'gevent', workers: 1, workerConnections: 100, requestCpu: 0, acceptCpu: 0 },
    app: { steps: [{ kind: 'cpu', time: 0.001 }] },
  };
  return summarize(simulate(validateScenario(raw, 'slow spells')), 'slow spells', 1);
}

describe("a core's slow spells", () => {
  // Twice as slow a quarter of the time: the mean speed is then 0.875 of a fast core's, so
  // a fast core prices work at 0.875 of its cost, a slow one at 1.75.
  const SPELLS = { slowdown: 2, slow: { dist: 'exponential', mean: 0.1 }, fast: { dist: 'exponential', mean: 0.3 } };

  it('spread the responses between the fast and the slow speed, where one speed keeps them together', () => {
    const steady = run().latency;
    expect(steady.p99! / steady.p10!).toBeLessThan(1.01);
    const spells = run(SPELLS).latency;
    expect(spells.p10! / steady.p50!).toBeCloseTo(0.875, 2);
    expect(spells.p99! / steady.p50!).toBeCloseTo(1.75, 2);
  });

  it('leave the throughput of a long run as it was: the spells are scaled to the speed the costs state', () => {
    // 20 s of simulated time is some fifty cycles of spells: within a few percent.
    // (Priced at the spells' mean cost instead of their mean speed, the run came out 9.7 % fast.)
    const steady = run().summary.requestsPerSec;
    const spells = run(SPELLS).summary.requestsPerSec;
    expect(Math.abs(spells / steady - 1)).toBeLessThan(0.06);
  });

  it('give the same run for the same seed', () => {
    expect(run(SPELLS)).toEqual(run(SPELLS));
  });

  it('say in the report how much of the run the cores were slow, and say nothing without spells', () => {
    // Exponential spells of 0.1 s and 0.3 s: slow a quarter of the time in the long run;
    // 20 s hold some fifty spells, so this run's share is near it, not on it.
    const spells = run(SPELLS);
    const w = spells.simulation.slowSpells!;
    expect(w.slowdown).toBe(2);
    expect(w.slowShare).toBeGreaterThan(0.15);
    expect(w.slowShare).toBeLessThan(0.35);
    expect(heyText(spells)).toContain(
      `Slow spells:\tthe cores slow (each piece of work x2 of a fast core's) ${(100 * w.slowShare).toFixed(1)} % of this run's core-time (machine.slowSpells)`,
    );
    const steady = run();
    expect(steady.simulation.slowSpells).toBeUndefined();
    expect(heyText(steady)).not.toContain('Slow spells');
  });
});
