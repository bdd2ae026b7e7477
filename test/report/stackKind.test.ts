// The kind of stack a scenario models, and what the report says of the kit's real runs of it.
import { describe, expect, it } from 'vitest';
import { heyText } from '../../src/report/heyText.js';
import { KIT_RECORD } from '../../src/report/kitRecord.js';
import { STACK_KINDS, stackKind } from '../../src/report/stackKind.js';
import { summarize } from '../../src/report/summary.js';
import { validatedFor, validatedText } from '../../src/report/validated.js';
import { simulate } from '../../src/model/system.js';
import { scenario } from '../helpers.js';

// scenario()'s base: 1 gevent worker x 1000, hey -c 10, connect / a 1 s query / close, as a superuser.
const actors = {
  app: { steps: [{ kind: 'dbConnect' as const }, { kind: 'dbQuery' as const, time: 0, cpu: 0.001 }, { kind: 'dbClose' as const }] },
};

describe('the kind of stack', () => {
  it("is a connection held waiting when its query waits longer than the connection's CPU, however many connect at once", () => {
    expect(stackKind(scenario())).toBe('waitingQuery');
    expect(stackKind(scenario({ client: { requests: 1000, concurrency: 150 } }))).toBe('waitingQuery');
    // A 1 ms wait against the connection's CPU: the query's, the client's proof, the backend's start and exit.
    const connection = (queryCpu: number, connectCpu: number, backendStartCpu: number) =>
      stackKind(
        scenario({
          app: { steps: [{ kind: 'dbConnect', cpu: connectCpu }, { kind: 'dbQuery', time: 0.001, cpu: queryCpu }, { kind: 'dbClose' }] },
          database: { backendStartCpu },
        }),
      );
    expect(connection(0, 0, 0)).toBe('waitingQuery');
    expect(connection(0.002, 0, 0)).toBe('oneWorker');
    expect(connection(0, 0.002, 0)).toBe('oneWorker');
    expect(connection(0, 0, 0.002)).toBe('oneWorker');
  });

  it("is a storm when more connections can be open at once than the role's slots, one worker or several", () => {
    // hey -c 10 against 4 x 100: ten at once, within the 100 slots.
    expect(stackKind(scenario({ ...actors, server: { workers: 4, workerConnections: 100 } }))).toBe('severalWorkers');
    expect(
      stackKind(scenario({ ...actors, client: { requests: 1000, concurrency: 1000 }, server: { workers: 4, workerConnections: 100 } })),
    ).toBe('storm');
    // One worker's 100 greenlets fill a superuser's 100 slots, not more.
    expect(stackKind(scenario({ ...actors, client: { requests: 1000, concurrency: 1000 }, server: { workerConnections: 100 } }))).toBe(
      'oneWorker',
    );
    // ... but not an ordinary role's 97: superuser_reserved_connections keeps 3.
    expect(
      stackKind(
        scenario({
          ...actors,
          client: { requests: 1000, concurrency: 1000 },
          server: { workerConnections: 100 },
          database: { superuser: false },
        }),
      ),
    ).toBe('storm');
  });

  it('is the pool, PgBouncer, the fleet or the worker class before any of that', () => {
    const storm = { ...actors, client: { requests: 1000, concurrency: 1000 }, server: { workers: 4, workerConnections: 100 } };
    expect(stackKind(scenario({ ...storm, app: { ...actors.app, pool: { size: 5 } } }))).toBe('pool');
    expect(stackKind(scenario({ ...storm, database: { pgbouncer: { defaultPoolSize: 20 } } }))).toBe('pgbouncer');
    // PgBouncer as the kit ran it: gevent workers connecting per request. Behind threads or an
    // app's own pool the kit ran nothing: no record, rather than the gevent rows'.
    const bouncer = { database: { pgbouncer: { defaultPoolSize: 20 } } };
    expect(stackKind(scenario({ ...storm, ...bouncer, server: { workerClass: 'gthread', threads: 8 } }))).toBeUndefined();
    expect(stackKind(scenario({ ...storm, ...bouncer, app: { ...actors.app, pool: { size: 5 } } }))).toBeUndefined();
    expect(stackKind(scenario({ ...storm, fleet: { instances: 2 } }))).toBe('fleet');
    expect(stackKind(scenario({ ...storm, server: { workerClass: 'gthread', threads: 25 } }))).toBe('gthread');
    expect(stackKind(scenario({ ...storm, server: { workerClass: 'sync', workers: 8 } }))).toBe('sync');
  });

  it("is SQLAlchemy's pool in gthread or sync workers, a kind apart from their connection per request", () => {
    const pooled = { ...actors, app: { ...actors.app, psycogreen: false, pool: { size: 5, maxOverflow: 10 } } };
    expect(stackKind(scenario({ ...pooled, server: { workerClass: 'gthread', workers: 4, threads: 4 } }))).toBe('gthreadPool');
    expect(stackKind(scenario({ ...pooled, server: { workerClass: 'sync', workers: 4 } }))).toBe('syncPool');
  });

  it("is the class gunicorn runs: sync with threads > 1 is gthread, as the report's Server: line says", () => {
    const pooled = { ...actors, app: { ...actors.app, psycogreen: false, pool: { size: 5, maxOverflow: 10 } } };
    expect(stackKind(scenario({ ...pooled, server: { workerClass: 'sync', workers: 4, threads: 4 } }))).toBe('gthreadPool');
    expect(stackKind(scenario({ ...actors, server: { workerClass: 'sync', workers: 4, threads: 4 } }))).toBe('gthread');
    expect(stackKind(scenario({ ...actors, server: { workerClass: 'sync', workers: 4, threads: 1 } }))).toBe('sync');
  });

  it('is no database for a gevent handler of CPU alone, and none the kit ran for eventlet or IO without a database', () => {
    expect(stackKind(scenario({ app: { steps: [{ kind: 'cpu', time: 0.0001 }] } }))).toBe('noDatabase');
    expect(stackKind(scenario({ app: { steps: [{ kind: 'sleep', time: 0.1 }] } }))).toBeUndefined();
    expect(stackKind(scenario({ server: { workerClass: 'eventlet' } }))).toBeUndefined();
  });
});

describe("the report's line", () => {
  it("quotes its kind's row of the kit's record", () => {
    const record = KIT_RECORD.waitingQuery!;
    const v = validatedFor(scenario({ measured: { 'database.backendStartCpu': 'costs.sh' } }));
    expect(v).toEqual({ kind: STACK_KINDS.waitingQuery, ...record, costsMeasured: true });
    expect(validatedText(v)).toContain(
      `${STACK_KINDS.waitingQuery}: ${record.withinTargets} of the kit's ${record.rows} configurations of this kind`,
    );
    expect(validatedText(v)).not.toContain('stated as measured');
  });

  it("adds, for a scenario that states none of its costs as measured or fitted, what the shipped costs did on the kit's machines", () => {
    const shipped = KIT_RECORD.waitingQuery!.shipped!;
    const v = validatedFor(scenario());
    expect(v.costsMeasured).toBe(false);
    expect(validatedText(v)).toContain(
      `None of this scenario's costs is stated as measured: priced from the defaults instead of each machine's own costs (the median of the kit's other machines), ${shipped.withinTargets} of ${shipped.rows} such configurations came within them, against ${shipped.withinTargetsOwn}`,
    );
    expect(validatedFor(scenario({ fitted: { 'database.forkTime': 'sim fit' } })).costsMeasured).toBe(true);
  });

  it("says how its kind was priced: from each machine's measured costs, or, for the pools in blocking workers, from the defaults and the handler's own", () => {
    expect(validatedText(validatedFor(scenario()))).toContain("priced from each machine's measured costs");
    const pooled = scenario({
      app: { psycogreen: false, steps: [{ kind: 'dbConnect' }, { kind: 'dbQuery', time: 0 }, { kind: 'dbClose' }], pool: { size: 5 } },
      server: { workerClass: 'gthread', threads: 4 },
    });
    expect(KIT_RECORD.gthreadPool?.pricedFromDefaults).toBe(true);
    expect(validatedText(validatedFor(pooled))).toContain(
      "priced from the defaults and each handler's costs measured on the machine of its runs",
    );
  });

  it('says plainly when the kit has run nothing of the kind', () => {
    const v = validatedFor(scenario({ server: { workerClass: 'eventlet' } }));
    expect(v).toEqual({ kind: null, rows: 0, costsMeasured: false });
    expect(validatedText(v)).toBe('not against real runs: the calibration kit has run nothing of this kind (docs/validation.md)');
  });

  it('is in the text and the JSON of a run given its scenario, and not otherwise', () => {
    const s = scenario();
    const result = simulate(s);
    const withIt = summarize(result, 'test', s.seed, s);
    expect(withIt.simulation.validated?.kind).toBe(STACK_KINDS.waitingQuery);
    expect(heyText(withIt)).toContain(`  Validated:\t${STACK_KINDS.waitingQuery}: `);
    const without = summarize(result, 'test', s.seed);
    expect(without.simulation.validated).toBeUndefined();
    expect(heyText(without)).not.toContain('Validated:');
  });
});
