// The parts every instance of the app is built of, the same for a single instance
// (wire.ts) and for each of a fleet's (fleet/wireFleet.ts): its database access (a
// SQLAlchemy pool or asyncpg's), the app, and its listening socket, each from its resolved
// settings and the instance's own random streams, and gunicorn's arbiter over them. One
// place, so that a setting added to one of them reaches both.
import type { Cpu } from '../engine/cpu/cpu.js';
import type { RandomStreams } from '../engine/random.js';
import type { SideSteps } from '../engine/sideSteps.js';
import type { Simulation } from '../engine/simulation.js';
import type { AppSettings, ListenerSettings } from '../scenario/resolve.js';
import type { Gauge } from '../stats/timeline.js';
import { App } from './app.js';
import { DatabaseAccess } from './database/access.js';
import type { DbServer } from './database/server.js';
import { Listener } from './listener.js';
import { Arbiter, type ArbiterSettings } from './server/arbiter.js';
import type { WorkerGauges } from './server/worker.js';
import { compileEndpoints } from './steps.js';

/** How the app reaches `server` (PostgreSQL, or PgBouncer in front of it): through its pool, if it has one. */
export function newDatabaseAccess(sim: Simulation, server: DbServer, app: AppSettings, streams: RandomStreams): DatabaseAccess {
  const asyncpg = app.asyncpgPool;
  return asyncpg === undefined
    ? new DatabaseAccess(sim, server, app.pool)
    : new DatabaseAccess(sim, server, undefined, asyncpg, streams.stream('app.asyncpgPool.connect'));
}

/** The app, its workers' work on `cpu`. */
export function newApp(sim: Simulation, app: AppSettings, cpu: Cpu, db: DatabaseAccess | undefined, streams: RandomStreams): App {
  return new App(
    sim,
    compileEndpoints(app.endpoints, streams),
    cpu,
    db,
    streams.stream('app.endpoint'),
    app.errorCpu,
    app.switchCpu,
    app.driver,
  );
}

/** gunicorn's listening socket; `backlog`: its accept queue over time; `wakes`: the run's budget of acceptors told. */
export function newListener(sim: Simulation, l: ListenerSettings, streams: RandomStreams, backlog: Gauge, wakes: SideSteps): Listener {
  return new Listener(sim, l.capacity, l.synRetransmits, l.acceptPolicy, streams.stream('server.accept'), backlog, wakes);
}

/** gunicorn's arbiter, forking workers that accept on `listener` and run `app`. */
export function newArbiter(
  sim: Simulation,
  listener: Listener,
  app: App,
  settings: ArbiterSettings,
  gauges: WorkerGauges,
  streams: RandomStreams,
): Arbiter {
  return new Arbiter(sim, listener, app, settings, gauges, streams.stream('server.maxRequestsJitter'), streams.stream('server.spawnSleep'));
}
