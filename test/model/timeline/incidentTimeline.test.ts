// The timeline's events, applied to the running system at their exact times and undone at
// theirs: with fake targets (the log of what was set when), and through PostgreSQL (a
// query's time depends on when it starts).
import { describe, expect, it } from 'vitest';
import { FifoCpu } from '../../../src/engine/cpu/fifo.js';
import { Postgres } from '../../../src/model/database/postgres.js';
import { IncidentTimeline } from '../../../src/model/timeline/incidentTimeline.js';
import { resolveTimeline } from '../../../src/scenario/resolveIncidents.js';
import { gauge, harness, postgresSettings, request } from '../harness/harness.js';

function logged(events: Parameters<typeof resolveTimeline>[0]) {
  const h = harness();
  const t = new IncidentTimeline(h.sim, resolveTimeline(events)!, {
    setFactor: (change, factor) => h.note(`${change} x${factor}`),
    killWorkers: (n) => h.note(`kill ${n}`),
    reload: () => h.note('reload'),
  });
  t.start();
  return h;
}

describe('the incident timeline', () => {
  it('applies a change at `at` and undoes it at `until`, to the microsecond', () => {
    const h = logged([{ at: 10, until: 20.000001, change: 'database.queryTime', multiply: 5 }]);
    expect(h.run()).toEqual(['10000000 database.queryTime x5', '20000001 database.queryTime x1']);
  });

  it('multiplies overlapping changes of one quantity, and undoing one leaves the other', () => {
    const h = logged([
      { at: 1, until: 3, change: 'app.httpTime', multiply: 2 },
      { at: 2, until: 4, change: 'app.httpTime', multiply: 3 },
    ]);
    expect(h.run()).toEqual(['1000000 app.httpTime x2', '2000000 app.httpTime x6', '3000000 app.httpTime x3', '4000000 app.httpTime x1']);
  });

  it('keeps a change without `until` to the end, and kills workers and reloads once', () => {
    const h = logged([
      { at: 5, change: 'database.queryTime', multiply: 2 },
      { at: 6, killWorkers: 2 },
      { at: 7, reload: true },
    ]);
    expect(h.run()).toEqual(['5000000 database.queryTime x2', '6000000 kill 2', '7000000 reload']);
  });

  it('gives the report its window: from the first start to the last end', () => {
    const r = resolveTimeline([
      { at: 30, killWorkers: 1 },
      { at: 10, until: 20, change: 'database.queryTime', multiply: 5, note: 'disk saturated' },
    ])!;
    expect([r.start, r.end]).toEqual([10_000_000, 30_000_000]);
    expect(r.marks.map((m) => m.label)).toEqual(['kill 1 worker', 'disk saturated (database.queryTime x5)']);
  });
});

describe('database.queryTime through PostgreSQL', () => {
  it('slows the queries that start while it is applied, and only those', () => {
    const h = harness();
    const pg = new Postgres(h.sim, postgresSettings({ maxConnections: 5 }), new FifoCpu(h.sim, 4), gauge(), [1_000_000]);
    new IncidentTimeline(h.sim, resolveTimeline([{ at: 0.001, until: 0.002, change: 'database.queryTime', multiply: 5 }])!, {
      setFactor: (_change, f) => {
        pg.queryTimeFactor = f;
      },
      killWorkers: () => {},
      reload: () => {},
    }).start();
    const query = (id: number) => pg.query(request(id), 10, 100, (n: number) => h.note(`result ${n}`), id);
    // 1 starts before the change (110 µs), 2 at its start and 3 inside it (550 µs each),
    // 4 at its end (110 µs again).
    h.at(999, () => query(1));
    h.at(1000, () => query(2));
    h.at(1999, () => query(3));
    h.at(2000, () => query(4));
    expect(h.run()).toEqual(['1109 result 1', '1550 result 2', '2110 result 4', '2549 result 3']);
  });
});

describe('machine.cores through a run', () => {
  it("halves the app machine's cores for the span, and refuses a scheduler that cannot change them", async () => {
    const { run, scenario } = await import('../../helpers.js');
    // One request of 1 s of CPU on 1 core; from 0.2 to 0.6 s the core is halved: 0.2 s of
    // work done by then, 0.2 s more in the next 0.4 s, the last 0.6 s after: done at 1.2 s.
    const { summary } = run({
      client: { requests: 1, concurrency: 1 },
      machine: { cores: 1 },
      app: { steps: [{ kind: 'cpu', time: 1 }] },
      timeline: [{ at: 0.2, until: 0.6, change: 'machine.cores', multiply: 0.5 }],
    });
    expect(summary.summary.total).toBeCloseTo(1.2, 5);
    expect(() => scenario({ machine: { scheduler: 'fifo' }, timeline: [{ at: 1, change: 'machine.cores', multiply: 0.5 }] })).toThrow(
      /processor sharing/,
    );
  });
});
