// Each invariant catches the fault it is named for: a real run's figures, broken one at a
// time, give exactly that violation, with the figures in its message.
import { describe, expect, it } from 'vitest';
import { findViolations, INVARIANTS } from '../../src/check/invariants.js';
import { Simulation } from '../../src/engine/simulation.js';
import type { RunResult } from '../../src/model/system.js';
import { run } from '../helpers.js';

function healthy(): RunResult {
  // 20 requests through 2 gthread workers of 2 threads, 5 slots, and PostgreSQL.
  return run({ client: { requests: 20, concurrency: 5 }, server: { workerClass: 'gthread', workers: 2, threads: 2, workerConnections: 5 } })
    .result;
}

describe('the invariant checker', () => {
  it('finds nothing wrong with a healthy run', () => {
    expect(findViolations(healthy())).toEqual([]);
  });

  const faults: [string, (r: RunResult) => void, RegExp][] = [
    [INVARIANTS.endsOnce, (r) => (r.sent += 1), /2xx 20 \+ 5xx 0 \+ transport errors 0 \+ unfinished 0 = 20, but 21 were sent/],
    [INVARIANTS.endsOnce, (r) => (r.evidence.inSystemAtEnd = 1), /unfinished 1 = 21, but 20 were sent/],
    [
      INVARIANTS.tallies,
      (r) => (r.recorder as unknown as { byStatus: number[] }).byStatus[200]++,
      /responses: 20 latencies, 21 status codes, 20 in the timeline/,
    ],
    [INVARIANTS.tallies, (r) => r.timeline.count['2xx'][0]++, /21 in the timeline/],
    [INVARIANTS.dbLimit, (r) => (r.database!.peakOpen = r.database!.maxConnections + 1), /peak 101 open of max_connections 100/],
    [
      INVARIANTS.workerConnections,
      (r) => (r.evidence.peakConnectionsPerWorker = 6),
      /a gthread worker held 6 connections at once, its slots are 5/,
    ],
    [INVARIANTS.workerHandlers, (r) => (r.evidence.peakHandlersPerWorker = 3), /a gthread worker ran 3 handlers at once, it may run 2/],
    [INVARIANTS.littlesLaw, (r) => (r.meanInSystem *= 1.01), /mean requests in the system .*, but throughput x mean time in the system = /],
    [INVARIANTS.time, (r) => (r.total = -1), /the run ended at -1 µs/],
    [
      INVARIANTS.noStall,
      (r) => {
        r.stopReason = 'stalled';
        r.complete = false;
      },
      /no event left at .* s with 0 requests unfinished/,
    ],
  ];
  for (const [invariant, breakIt, figures] of faults) {
    it(`catches a broken "${invariant}"`, () => {
      const r = healthy();
      breakIt(r);
      const violations = findViolations(r);
      expect(violations.map((v) => v.invariant)).toEqual([invariant]);
      expect(violations[0].figures).toMatch(figures);
    });
  }

  it('simulated time never goes backwards: the engine stops at the first event in the past', () => {
    const sim = new Simulation();
    sim.schedule(10, () => {}, undefined);
    sim.run();
    // Only a broken heap could do this; reach into it to play that part.
    (sim as any).queue.push(5, 0, () => {}, undefined, undefined);
    expect(() => sim.run()).toThrow(
      /invariant violated: simulated time never goes backwards: the clock is at 10 µs and the next event is at 5 µs/,
    );
  });
});
