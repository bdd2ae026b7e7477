// Wiring: which host's cores each process runs on. PostgreSQL's processes and PgBouncer's
// share the database's machine (database.cores): one machine, made once.
import { describe, expect, it } from 'vitest';
import { run } from '../helpers.js';

// Two clients at once; PgBouncer logs each in with 1 s of its CPU (one at a time, on its
// one thread) and each query takes 1 s of backend CPU, all on the database's 1 core.
// 0-1 s: the first login alone. 1-3 s: the second login and the first query share the
// core, half each. 3-4 s: the second query. On cores of its own (as PgBouncer ran, on a
// machine made a second time) the second login and first query ran side by side: 3 s.
const onOneCore = {
  client: { requests: 2, concurrency: 2 },
  app: { steps: [{ kind: 'dbConnect' as const }, { kind: 'dbQuery' as const, cpu: 1 }, { kind: 'dbClose' as const }] },
  database: {
    cores: 1,
    forkTime: 0,
    backendStartTime: 0,
    pgbouncer: { poolMode: 'session' as const, defaultPoolSize: 2, loginCpu: 1, queryCpu: 0, serverCpu: 0 },
  },
};

describe("the database's machine", () => {
  it("runs PgBouncer on the same cores as PostgreSQL's backends", () => {
    const { summary } = run(onOneCore);
    expect(summary.summary.total).toBeCloseTo(4, 2);
    expect(summary.summary.fastest).toBeCloseTo(3, 2);
  });

  it("runs a fleet's shared PgBouncer on the same cores as PostgreSQL's backends", () => {
    const { summary } = run({
      ...onOneCore,
      fleet: { instances: 2, pgbouncer: 'shared', loadBalancer: { requestCpu: 0, connectionCpu: 0 } },
    });
    expect(summary.summary.total).toBeCloseTo(4, 2);
  });
});
