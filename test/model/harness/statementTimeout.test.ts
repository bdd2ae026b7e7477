// statement_timeout, on PostgreSQL alone: a query running longer is cancelled at the
// deadline with PostgreSQL's error, and its session goes on: the backend keeps its slot,
// is idle again, and runs the next query (calibration/statement_timeout.sh checks this
// against PostgreSQL 15).
import { describe, expect, it } from 'vitest';
import { STATEMENT_TIMEOUT } from '../../../src/model/database/statementTimeout.js';
import { postgresAlone, postgresSettings } from './harness.js';

const SETTINGS = postgresSettings({ maxConnections: 1, statementTimeout: 500 });

function setup(cores = 1) {
  return postgresAlone(SETTINGS, cores);
}

describe('statement_timeout', () => {
  it('cancels a query still running at the deadline; the connection stays open and runs the next query', () => {
    const { h, pg, open, query } = setup();
    h.at(0, () => open(1));
    h.at(100, () => query(1, 0, 2000));
    h.at(700, () => h.note(`backends ${pg.backends}, in query ${pg.inQuery}`));
    h.at(800, () => query(1, 0, 300));
    expect(h.run()).toEqual(['0 ready 1', `600 1 ${STATEMENT_TIMEOUT}`, '700 backends 1, in query 0', '1100 result 1']);
    expect([pg.cancelled, pg.queries, pg.backends]).toEqual([1, 2, 1]);
  });

  it('lets a query that ends before the deadline end as usual', () => {
    const { h, pg, query } = setup();
    h.at(0, () => query(1, 0, 499));
    expect(h.run()).toEqual(['499 result 1']);
    expect(pg.cancelled).toBe(0);
  });

  it('counts time waiting for a core, and frees the core of a query cancelled mid-CPU', () => {
    // One core: 1 computes 0-400; 2 waits for the core until 400 and is cancelled at 500
    // with 300 of its 400 still to do, so 3 (sent at 150, queued behind it) gets the core
    // at 500 and ends at 600, before its own deadline (650).
    const { h, query } = setup(1);
    h.at(0, () => {
      query(1, 400, 0);
      query(2, 400, 0);
    });
    h.at(150, () => query(3, 100, 0));
    expect(h.run()).toEqual(['400 result 1', `500 2 ${STATEMENT_TIMEOUT}`, '600 result 3']);
  });

  it("counts a cancelled query's CPU as far as it ran, not the whole it was given", () => {
    // One core: 1 is cancelled at 500 with 500 of its 10,000 µs of CPU done; 2 runs its 300
    // after. The backends used 800 µs, not 10,300.
    const { h, pg, query } = setup(1);
    h.at(0, () => query(1, 10_000, 0));
    h.at(600, () => query(2, 300, 0));
    expect(h.run()).toEqual([`500 1 ${STATEMENT_TIMEOUT}`, '900 result 2']);
    expect(pg.backendCpuUsed).toBe(800);
  });
});
