// The incident report's arithmetic on a hand-made time series: goodput before, during and
// after the timeline's events, and when it recovered.
import { describe, expect, it } from 'vitest';
import type { IncidentResult } from '../../src/model/results.js';
import { incidentSummary, RECOVERY_WINDOW } from '../../src/report/incident.js';
import type { TimelineData } from '../../src/stats/timeline.js';

/** One-second buckets of 2xx counts over `good.length` seconds; every attempt succeeded. */
function series(good: number[]): TimelineData {
  const zeros = good.map(() => 0);
  return {
    bucketSeconds: 1,
    t: good.map((_, i) => i),
    mean: {},
    peak: {},
    count: { '2xx': good, '3xx': zeros, attempts: good, late: zeros },
  };
}

const incident = (start: number, end: number, loadEnd: number): IncidentResult => ({
  marks: [{ at: start, until: end, label: 'x' }],
  window: { start: start * 1e6, end: end * 1e6 },
  loadEnd: loadEnd * 1e6,
  retries: undefined,
  lateResponses: 0,
  statementTimeouts: undefined,
  httpTimeouts: 0,
  gracefulTimeouts: 0,
  breakers: undefined,
});

describe('the incident report', () => {
  it('measures goodput before (after its first tenth), during and after the incident', () => {
    const good = [0, ...Array(9).fill(100), ...Array(10).fill(10), ...Array(20).fill(100)];
    const s = incidentSummary(incident(10, 20, 40), series(good), 3000);
    expect([s.goodput.before, s.goodput.during, s.goodput.after]).toEqual([100, 10, 100]);
  });

  it('dates the recovery from the last event to the first window from which every window stays within 10 %', () => {
    // After the incident: 3 s at 50, then 95 (within 10 % of 100) to the end.
    const good = [...Array(10).fill(100), ...Array(10).fill(0), 50, 50, 50, ...Array(17).fill(95)];
    const s = incidentSummary(incident(10, 20, 40), series(good), 3000);
    expect(RECOVERY_WINDOW).toBe(5);
    expect(s.recovery).toEqual({ recovered: true, seconds: 3, verdict: 'recovered 3.0 s after the last event' });
  });

  it('does not count a window that ends low, and says so', () => {
    const good = [...Array(10).fill(100), ...Array(10).fill(0), ...Array(15).fill(100), ...Array(5).fill(20)];
    const s = incidentSummary(incident(10, 20, 40), series(good), 3000);
    expect(s.recovery.recovered).toBe(false);
    expect(s.recovery.verdict).toBe('did not recover within the run');
  });

  it('catches a catch-up burst above the level as not recovered yet', () => {
    // The backlog drains at 200/s for 4 s: goodput above its level is not steady state.
    const good = [...Array(10).fill(100), ...Array(10).fill(0), ...Array(4).fill(200), ...Array(16).fill(100)];
    const s = incidentSummary(incident(10, 20, 40), series(good), 3000);
    expect(s.recovery.seconds).toBe(4);
  });
});
