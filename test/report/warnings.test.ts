// The report's warnings: what the run itself says about how far to trust it.
import { describe, expect, it } from 'vitest';
import { run } from '../helpers.js';

// 40 connects at once against a postmaster whose listen queue holds 5 and whose fork is
// CPU: it falls behind, SYNs are dropped and retried, and 10 slots refuse the rest.
const storm = (postmasterCpu: number, forkTime = 0, taskGroups: 'none' | 'session' = 'none') =>
  run({
    client: { requests: 40, concurrency: 40 },
    machine: { taskGroups },
    database: { maxConnections: 10, superuserReservedConnections: 0, listenBacklog: 5, postmasterCpu, forkTime },
  }).summary;

describe('the report warns', () => {
  it("when the postmaster's CPU made its listen queue overflow in a run with refusals: the 500s are likely low", () => {
    const s = storm(0.001);
    expect(s.simulation.database!.postmaster.synDrops).toBeGreaterThan(0);
    expect(s.statusCodes['500']).toBeGreaterThan(0);
    expect(s.simulation.warnings).toEqual([
      expect.stringMatching(
        /^the postmaster's listen queue overflowed \(\d+ SYNs retried a second or more later\).*500s here are likely low/,
      ),
    ]);
  });

  it('not when the scheduler groups processes (the postmaster has a share of its own: the overflow is real)', () => {
    const s = storm(0.001, 0, 'session');
    expect(s.simulation.database!.postmaster.synDrops).toBeGreaterThan(0);
    expect(s.simulation.warnings).toEqual([]);
  });

  it('not when the postmaster is a delay rather than CPU (the article scenarios: nothing to share the cores with)', () => {
    const s = storm(0, 0.001);
    expect(s.simulation.database!.postmaster.synDrops).toBeGreaterThan(0);
    expect(s.simulation.warnings).toEqual([]);
  });
});
