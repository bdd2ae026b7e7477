// The harness: one component of the model, alone, driven by hand and checked against an
// event log written by hand (SimPy's tests are the model: build a tiny process, run it,
// compare the log). Each log line is "<µs> <what happened>", in the order it happened.
import type { OnCore } from '../../../src/engine/cpu/cpu.js';
import { FifoCpu } from '../../../src/engine/cpu/fifo.js';
import type { Uniform } from '../../../src/engine/random.js';
import { Simulation } from '../../../src/engine/simulation.js';
import { Connection, HttpRequest, type ClientSide } from '../../../src/model/request.js';
import { Timeline, type Gauge } from '../../../src/stats/timeline.js';
import type { DbServer } from '../../../src/model/database/server.js';
import { Postgres, type PostgresSettings } from '../../../src/model/database/postgres.js';

export interface Harness {
  sim: Simulation;
  /** What happened so far, one "<µs> <what>" line each. */
  log: string[];
  /** Adds "<now> <what>" to the log. */
  note(what: string): void;
  /** Calls `fn` at simulated time `t` (µs). */
  at(t: number, fn: () => void): void;
  /** Runs until nothing is left to happen; returns the log. */
  run(): string[];
}

export function harness(): Harness {
  const sim = new Simulation();
  const log: string[] = [];
  return {
    sim,
    log,
    note: (what) => log.push(`${sim.now} ${what}`),
    at: (t, fn) => sim.schedule(t, fn, undefined),
    run: () => {
      sim.run();
      return log;
    },
  };
}

/**
 * PostgreSQL with nothing in the way but its slots: no reserved slots, no CPU or time for
 * the postmaster or a backend, no handshake turns, a listen queue and children to spare.
 * `changes`: what the test is about.
 */
export function postgresSettings(changes: Partial<PostgresSettings>): PostgresSettings {
  return {
    maxConnections: 100,
    superuserReservedConnections: 0,
    superuser: false,
    listenBacklog: 10,
    maxChildren: 10,
    postmasterCpu: 0,
    postmasterWakeCpu: 0,
    forkTime: 0,
    backendStartupCpu: 0,
    backendBeforeSetsidCpu: 0,
    backendStartCpu: 0,
    backendBeforeAuthCpu: 0,
    backendStartTime: 0,
    backendExitTime: 0,
    backendExitCpu: 0,
    refusedCpu: 0,
    turnsBeforeSlot: 0,
    connectTurns: 1,
    authTurns: 0,
    ...changes,
  };
}

/**
 * PostgreSQL alone, past the handshake, on `cores` cores of its own: `open` and `query` log
 * "ready ID" and "result ID" when they end, or "ID error" when they fail.
 */
export function postgresAlone(settings: PostgresSettings, cores: number) {
  const h = harness();
  const pg = new Postgres(h.sim, settings, new FifoCpu(h.sim, cores), gauge(), [1_000_000]);
  const log = (what: string) => (id: number, error: string | undefined) => h.note(error === undefined ? `${what} ${id}` : `${id} ${error}`);
  return {
    h,
    pg,
    open: (id: number) => pg.open(request(id), 0, log('ready'), id),
    query: (id: number, cpu: number, wait: number) => pg.query(request(id), cpu, wait, log('result'), id),
  };
}

/** The listener's random stream under the policy 'first', which takes none: a draw is a bug. */
export const noDraws: Uniform = () => {
  throw new Error('the policy "first" draws nothing');
};

/** A gauge nobody reads. */
export const gauge = (): Gauge => new Timeline().gauge('g');

const ledger = new Float64Array(16);

/** A request on a connection of its own; `client` hears what the server does with it. */
export function request(id: number, client: ClientSide = silentClient): HttpRequest {
  return new HttpRequest(id, new Connection(id, client), 0, ledger, 0);
}

const silentClient: ClientSide = { connected() {}, connectFailed() {}, response() {}, lateResponse() {}, serverClosed() {} };

/**
 * A client that writes its request as soon as its connection is established, and logs
 * what the server side does: "connected 3", "response 3 200", "closed 3", "failed 3 ...".
 */
export function loggingClient(h: Harness): ClientSide {
  return {
    connected(conn) {
      h.note(`connected ${conn.id}`);
      conn.pending = true;
    },
    connectFailed(conn, error) {
      conn.open = false;
      h.note(`failed ${conn.id} ${error}`);
    },
    response(req, status) {
      h.note(`response ${req.id} ${status}`);
    },
    lateResponse(req) {
      h.note(`late ${req.id}`);
    },
    serverClosed(conn) {
      h.note(`closed ${conn.id}`);
    },
  };
}

/**
 * A database server that opens a connection in `openTime` µs (or refuses with `refuse`),
 * runs a query in its wait alone, and logs "server open 3", "server query 3", "server close".
 * With `backends`, each connection it opens is a backend process of its own, named after the
 * request that opened it, and a query or close says whose: "server query 4 on backend 1".
 */
export function fakeServer(h: Harness, opts: { openTime: number; refuse?: string; backends?: boolean }): DbServer {
  const on = (req: HttpRequest | undefined) =>
    opts.backends === true ? ` on ${(req?.backend as { name?: string } | undefined)?.name ?? 'no backend'}` : '';
  return {
    open(req, _clientCpu, done, a) {
      h.note(`server open ${req.id}`);
      h.sim.schedule(
        opts.openTime,
        () => {
          if (opts.backends === true && opts.refuse === undefined) req.backend = { cpuCore: -1, name: `backend ${req.id}` } as OnCore;
          done(a, opts.refuse);
        },
        undefined,
      );
    },
    query(req, _cpu, wait, done, a) {
      h.note(`server query ${req.id}${on(req)}`);
      h.sim.schedule(wait, () => done(a, undefined), undefined);
    },
    close(req) {
      h.note(`server close${on(req)}`);
    },
  };
}
