// The database section of the scenario format: PostgreSQL's settings and costs, and
// PgBouncer in front (schema.ts assembles the sections).
import * as z from 'zod';
import { MEASURED_COSTS as M } from './measuredCosts.js';
import { count, MAX_BACKLOG, MAX_CORES, MAX_FDS, MAX_PG_CONNECTIONS, positiveCount, positiveCountOptional, seconds } from './units.js';

/** PostgreSQL 14 and later hash new passwords with scram-sha-256, and initdb's host lines ask for it. */
export const DEFAULT_AUTH_METHOD = 'scram-sha-256';

export const databaseSchema = z.strictObject({
  maxConnections: positiveCount(
    'PostgreSQL max_connections; at most 262,143 (MAX_BACKENDS: PostgreSQL refuses to start above it).',
    MAX_PG_CONNECTIONS,
  ).default(100),
  superuserReservedConnections: count(
    'PostgreSQL superuser_reserved_connections; less than maxConnections, or PostgreSQL refuses to start.',
    MAX_PG_CONNECTIONS,
  ).default(3),
  superuser: z.boolean().default(false).meta({ description: 'The app connects as a superuser (the article connects as postgres).' }),
  cores: positiveCountOptional(
    "The database's own machine's cores; without it, backends share machine.cores with the workers. At most 8192 (Linux: CONFIG_NR_CPUS).",
    MAX_CORES,
  ),
  somaxconn: positiveCountOptional(
    "net.core.somaxconn of the database's host: caps the postmaster's listen queue. Default: machine.somaxconn when it shares the machine; 4096 (Linux >= 5.4) on a host of its own. At most 2^31 - 1.",
    MAX_BACKLOG,
  ),
  listenBacklog: positiveCountOptional(
    "The postmaster's listen queue. Default: min(2 x MaxBackends, somaxconn), as PostgreSQL 15 sets it (pqcomm.c StreamServerPort; MaxBackends = maxConnections + 22 with default settings). At most 2^31 - 1.",
    MAX_BACKLOG,
  ),
  authMethod: z
    .enum(['scram-sha-256', 'md5', 'trust'])
    .default(DEFAULT_AUTH_METHOD)
    .meta({ description: "pg_hba.conf's method for the app's connections (PostgreSQL 14 and later default to scram-sha-256)." }),
  forkTime: seconds.default(0).meta({
    description:
      'Postmaster time per connection attempt (accept and fork) that is not CPU on a modelled core, serialized: one attempt after another.',
  }),
  postmasterCpu: seconds.default(M.database.postmasterCpu).meta({
    description:
      "The postmaster's CPU per connection attempt (accept, fork) when it forks one after another, serialized: it is one process.",
  }),
  postmasterWakeCpu: seconds.default(M.database.postmasterWakeCpu).meta({
    description:
      "The postmaster's extra CPU for an attempt that finds it asleep in its loop (waking from select(), its caches cold); attempts queued behind another do not pay it.",
  }),
  backendStartupCpu: seconds.default(M.database.backendStartupCpu).meta({
    description: "A new backend's CPU before it takes its slot (BackendInitialize: the startup packet), on the database's cores.",
  }),
  backendBeforeSetsidCpu: seconds.default(M.database.backendBeforeSetsidCpu).meta({
    description:
      "Of backendStartupCpu, the new backend's CPU before it leaves the postmaster's session (setsid() in InitPostmasterChild): with machine.taskGroups session it runs in the postmaster's task group, sharing the postmaster's share of the cores. More than backendStartupCpu counts as all of it.",
  }),
  backendStartCpu: seconds.default(M.database.backendStartCpu).meta({
    description:
      "Backend CPU holding its slot until ready for queries (the server's share of authentication, InitPostgres), on the database's cores.",
  }),
  backendBeforeAuthCpu: seconds.default(M.database.backendBeforeAuthCpu).meta({
    description:
      "Of backendStartCpu, the part before the backend sends its first authentication request (InitPostgres up to PerformAuthentication, the role's secret looked up): it holds its slot meanwhile, and the client's turns of authentication wait for it. The rest comes after the client's last answer. More than backendStartCpu counts as all of it.",
  }),
  backendStartTime: seconds.default(0).meta({
    description:
      'Backend start-up waiting that is not CPU on a modelled core (e.g. a proxy), after its CPU, before the connection is ready; in parallel.',
  }),
  backendExitTime: seconds
    .default(0)
    .meta({ description: 'A closed connection frees its slot when its backend has exited, this long after.' }),
  backendExitCpu: seconds
    .default(M.database.backendExitCpu)
    .meta({ description: "A backend's CPU after its connection closed and its slot was freed, until the process has exited." }),
  refusedCpu: seconds.default(M.database.refusedCpu).meta({
    description:
      'A refused backend\'s CPU after it found no free slot ("sorry, too many clients already": the FATAL message and exit); its start-up before that is backendStartupCpu.',
  }),
  transactionControlCpu: seconds.default(M.database.transactionControlCpu).meta({
    description:
      "Backend CPU of a BEGIN or ROLLBACK the driver sends by itself (psycopg2 without autocommit opens each transaction with BEGIN; SQLAlchemy's pool rolls back a returned connection). Taken from the backend CPU (`cpu`) of the query it opens or closes, which includes it as the kit measures a query; a query without backend CPU lends none. Each such statement wakes its backend, which then takes a turn on a core.",
  }),
  statementTimeout: seconds.optional().meta({
    description:
      'PostgreSQL statement_timeout: a query running longer is cancelled ("canceling statement due to statement timeout", SQLSTATE 57014); the app gets the error (a 500) and the connection stays usable. 0 or absent: off, as PostgreSQL\'s default.',
  }),
  pgbouncer: z
    .strictObject({
      poolMode: z.enum(['session', 'transaction']).default('session').meta({ description: 'pool_mode.' }),
      defaultPoolSize: positiveCount(
        'default_pool_size: server connections to PostgreSQL; at most 262,143 (its largest max_connections).',
        MAX_PG_CONNECTIONS,
      ).default(20),
      maxClientConn: positiveCount('max_client_conn: client connections accepted; at most 1,048,576 (Linux fs.nr_open).', MAX_FDS).default(
        100,
      ),
      loginTime: seconds.default(0).meta({
        description:
          "PgBouncer's time per client login beyond its CPU (loginCpu), holding its one thread (logins go one at a time). 0: none.",
      }),
      loginCpu: seconds.default(M.pgbouncer.loginCpu).meta({
        description:
          "PgBouncer's CPU per client login and close (its side of scram-sha-256), on its one thread, on the database's cores. Default: as measured by calibration/pgbouncer.sh (src/scenario/measuredCosts.ts).",
      }),
      queryCpu: seconds.default(M.pgbouncer.queryCpu).meta({
        description: "PgBouncer's CPU to relay one query (a transaction in transaction mode), on its one thread. Default: as measured.",
      }),
      serverCpu: seconds.default(M.pgbouncer.serverCpu).meta({
        description:
          "PgBouncer's CPU to open a server connection (its own login to PostgreSQL) and close it, on its one thread. Default: as measured.",
      }),
      queryWaitTimeout: seconds
        .default(120)
        .meta({ description: 'query_wait_timeout: a client waiting longer for a server connection gets an error.' }),
    })
    .optional()
    .meta({ description: 'PgBouncer between the app and PostgreSQL.' }),
});
