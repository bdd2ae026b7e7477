// The database side of a resolved scenario (resolve.ts): PostgreSQL's limits, its listen
// queue and handshake, PgBouncer, and the app's pools, each setting computed once from the
// scenario's database and app sections.
import type { Distribution } from '../engine/distributions.js';
import { fromSeconds, type Time } from '../engine/time.js';
import { toDistribution } from './durations.js';
import type { OwnHost } from './resolve.js';
import { allSteps } from './resolveSteps.js';
import type { Scenario } from './schema.js';

export interface PoolSettings {
  size: number;
  maxOverflow: number;
  /** pool_timeout; 0: a checkout that finds no connection raises at once (SQLAlchemy's Queue.get with timeout 0), it never waits. */
  timeout: Time;
  /** pool_pre_ping: the backend's CPU for the ping (SELECT 1) before each checkout of a pooled connection; undefined: no ping. */
  pingCpu?: Time;
}

export interface AsyncpgPoolSettings {
  minSize: number;
  maxSize: number;
  /** acquire's timeout; 0 = none. */
  timeout: Time;
  /** max_inactive_connection_lifetime; 0 = never. */
  maxInactiveConnectionLifetime: Time;
  onStartupError: 'exit' | 'serve';
  /** The client's CPU to open each connection (asyncpg's share of authentication), from the handler's dbConnect step. */
  connectCpu: Distribution | undefined;
}

export interface PostgresSettings {
  maxConnections: number;
  superuserReservedConnections: number;
  superuser: boolean;
  /** The postmaster's listen queue (min(2 x MaxBackends, the host's somaxconn)). */
  listenBacklog: number;
  /** Children the postmaster forks before new ones are dead ends (2 x MaxBackends). */
  maxChildren: number;
  postmasterCpu: Time;
  /** Extra postmaster CPU for an attempt that wakes it (none when it forks one after another). */
  postmasterWakeCpu: Time;
  forkTime: Time;
  backendStartupCpu: Time;
  /** Of it, before setsid(): in the postmaster's session. */
  backendBeforeSetsidCpu: Time;
  backendStartCpu: Time;
  /** Of it, before the first authentication request: while the backend holds its slot, before the client's turns. */
  backendBeforeAuthCpu: Time;
  backendStartTime: Time;
  backendExitTime: Time;
  backendExitCpu: Time;
  refusedCpu: Time;
  /** Client round trips before the startup packet (libpq's SSLRequest, answered 'N' by a server without SSL). */
  turnsBeforeSlot: number;
  /** The client's turns from the connected socket to its first message (the SSL request). */
  connectTurns: number;
  /** Client round trips of authentication (scram-sha-256: 2, md5: 1, trust: 0); the last carries the client's CPU. */
  authTurns: number;
  /** statement_timeout; 0: off (given, so the report shows the incident section); undefined: not given. */
  statementTimeout?: Time;
}

export interface PgBouncerSettings {
  poolMode: 'session' | 'transaction';
  defaultPoolSize: number;
  maxClientConn: number;
  loginTime: Time;
  /** Its own CPU, on its one thread: per client login, per query relayed, per server connection opened and closed. */
  loginCpu: Time;
  queryCpu: Time;
  serverCpu: Time;
  queryWaitTimeout: Time;
  /**
   * The app's client closes its connection inside a transaction (psycopg2 without
   * autocommit, a connection per request): it holds its server connection from its first
   * query to its close, and the close makes PgBouncer close that server connection.
   */
  closesInTransaction: boolean;
}

export interface DatabaseSettings {
  postgres: PostgresSettings;
  host: OwnHost;
  /** The client's TCP stack (the app's host) resending a SYN the postmaster dropped (µs). */
  synRetransmits: readonly Time[];
  /** The app's workers answer the handshake's messages themselves (PostgreSQL asks; answering costs them something). */
  clientAnswers: boolean;
  pgbouncer: PgBouncerSettings | undefined;
  /** Connections PostgreSQL grants the app's role (superusers may use the reserve). */
  roleLimit: number;
  /** Connections the configuration may hold: the pools' caps, PgBouncer's pool, or the role's limit. */
  connectionCap: number;
}

/**
 * MaxBackends beyond max_connections with PostgreSQL 15's defaults (postinit.c
 * InitializeMaxBackends): autovacuum_max_workers 3, the autovacuum launcher 1,
 * max_worker_processes 8, max_wal_senders 10.
 */
export const BACKENDS_BEYOND_MAX_CONNECTIONS = 3 + 1 + 8 + 10;
/** PostgreSQL's own cap on its listen backlog (pqcomm.h PG_SOMAXCONN, PostgreSQL 15). */
const PG_SOMAXCONN = 10000;
/** net.core.somaxconn's default since Linux 5.4. */
const LINUX_SOMAXCONN = 4096;

export function resolveDatabase(
  scenario: Scenario,
  d: NonNullable<Scenario['database']>,
  tcp: readonly Time[],
  direct: boolean,
): DatabaseSettings {
  const maxBackends = d.maxConnections + BACKENDS_BEYOND_MAX_CONNECTIONS;
  const b = d.pgbouncer;
  const roleLimit = databaseLimit(d);
  const pool = scenario.app.pool;
  // When answering costs the worker nothing (no resume cost, no client CPU in any connect)
  // every answer would be immediate, and the handshake skips them.
  const answersCost =
    scenario.server.switchCpu > 0 || allSteps(scenario).some((st) => st.kind === 'dbConnect' && st.cpu !== undefined && st.cpu !== 0);
  return {
    postgres: {
      maxConnections: d.maxConnections,
      superuserReservedConnections: d.superuserReservedConnections,
      superuser: d.superuser,
      // pqcomm.c StreamServerPort: listen(fd, min(2 * MaxBackends, PG_SOMAXCONN)), capped by the kernel.
      listenBacklog:
        d.listenBacklog ??
        Math.min(2 * maxBackends, PG_SOMAXCONN, d.somaxconn ?? (d.cores !== undefined ? LINUX_SOMAXCONN : scenario.machine.somaxconn)),
      // postmaster.c MaxLivePostmasterChildren.
      maxChildren: 2 * maxBackends,
      postmasterCpu: fromSeconds(d.postmasterCpu),
      postmasterWakeCpu: fromSeconds(d.postmasterWakeCpu),
      forkTime: fromSeconds(d.forkTime),
      backendStartupCpu: fromSeconds(d.backendStartupCpu),
      backendBeforeSetsidCpu: fromSeconds(Math.min(d.backendBeforeSetsidCpu, d.backendStartupCpu)),
      backendStartCpu: fromSeconds(d.backendStartCpu),
      backendBeforeAuthCpu: fromSeconds(Math.min(d.backendBeforeAuthCpu, d.backendStartCpu)),
      backendStartTime: fromSeconds(d.backendStartTime),
      backendExitTime: fromSeconds(d.backendExitTime),
      backendExitCpu: fromSeconds(d.backendExitCpu),
      refusedCpu: fromSeconds(d.refusedCpu),
      // libpq (sslmode=prefer) asks for SSL first; a server without it answers 'N', and
      // libpq then waits for the socket to be writable before it sends the startup packet
      // (fe-connect.c, CONNECTION_SSL_STARTUP: PGRES_POLLING_WRITING): two turns.
      turnsBeforeSlot: 2,
      // psycopg2's first poll of a new connection answers POLL_WRITE without calling libpq
      // (connection_int.c, CONN_STATUS_SETUP), and libpq's CONNECTION_STARTED asks for
      // write-ready once more ("Make sure we can write before advancing to next step")
      // before it sends the SSL request: two turns (calibration/bench/loop_turns.py).
      // asyncpg waits once, for asyncio's sock_connect.
      connectTurns: scenario.app.driver === 'asyncpg' ? 1 : 2,
      // auth-scram.c: SASLInitialResponse, then the proof; md5: the hash; trust: none.
      authTurns: d.authMethod === 'scram-sha-256' ? 2 : d.authMethod === 'md5' ? 1 : 0,
      // Given (even 0, off): the report then has an incident section, to set against a run with it on.
      ...(d.statementTimeout !== undefined ? { statementTimeout: fromSeconds(d.statementTimeout) } : {}),
    },
    host: d.cores,
    // The app's host is PostgreSQL's client: its TCP stack retransmits a dropped SYN.
    synRetransmits: tcp,
    // PgBouncer logs in itself: the app's workers answer only PostgreSQL's own handshake.
    clientAnswers: direct && answersCost,
    pgbouncer:
      b === undefined
        ? undefined
        : {
            poolMode: b.poolMode,
            defaultPoolSize: b.defaultPoolSize,
            maxClientConn: b.maxClientConn,
            loginTime: fromSeconds(b.loginTime),
            loginCpu: fromSeconds(b.loginCpu),
            queryCpu: fromSeconds(b.queryCpu),
            serverCpu: fromSeconds(b.serverCpu),
            queryWaitTimeout: fromSeconds(b.queryWaitTimeout),
            closesInTransaction:
              !(scenario.app.autocommit ?? scenario.app.driver === 'asyncpg') &&
              scenario.app.pool === undefined &&
              scenario.app.asyncpgPool === undefined,
          },
    roleLimit,
    // With an app-side pool, pool_size + max_overflow per worker process; behind PgBouncer,
    // its default_pool_size server connections; else each request opens its own.
    connectionCap:
      pool !== undefined
        ? Math.min(roleLimit, scenario.server.workers * (pool.size + pool.maxOverflow))
        : scenario.app.asyncpgPool !== undefined
          ? Math.min(roleLimit, scenario.server.workers * scenario.app.asyncpgPool.maxSize)
          : b !== undefined
            ? Math.min(roleLimit, b.defaultPoolSize)
            : roleLimit,
  };
}

/**
 * asyncpg's pool. Its connections are opened by the pool, not by a step, so the connect's
 * client CPU is the handler's dbConnect step's `cpu` (asyncpg's proof, measured), the one
 * cost a connection of this app has wherever it is opened.
 */
export function resolveAsyncpgPool(scenario: Scenario, p: NonNullable<Scenario['app']['asyncpgPool']>): AsyncpgPoolSettings {
  const connect = allSteps(scenario).find((st) => st.kind === 'dbConnect');
  const cpu = connect?.kind === 'dbConnect' ? connect.cpu : undefined;
  return {
    minSize: p.minSize,
    maxSize: p.maxSize,
    timeout: fromSeconds(p.timeout ?? 0),
    maxInactiveConnectionLifetime: fromSeconds(p.maxInactiveConnectionLifetime),
    onStartupError: p.onStartupError,
    connectCpu: cpu === undefined || cpu === 0 ? undefined : toDistribution(cpu),
  };
}

/** The connections PostgreSQL accepts from the app's role (superusers may use the reserve). */
function databaseLimit(d: NonNullable<Scenario['database']>): number {
  return d.superuser ? d.maxConnections : d.maxConnections - d.superuserReservedConnections;
}
