// sim init: a starter scenario from a few flags, with every cost written out at its
// measured default (src/scenario/measuredCosts.ts) and, in "notes", where that default
// comes from and how to measure yours. The result is validated before it is written, so
// what sim init writes always runs.
//
//   sim init --worker-class gevent --workers 4 --worker-connections 100 --max-connections 100 --query 20ms --out s.json
//
// The flags are gunicorn's (--worker-class, --workers, --threads, --worker-connections) and
// PostgreSQL's (max_connections) own names; --connections and --db-max-connections, their
// first names, still work.
import { existsSync } from 'node:fs';
import * as msg from '../messages.js';
import { parseDuration } from '../scenario/duration.js';
import { UserError, nearest } from '../scenario/errors.js';
import { validateScenario } from '../scenario/load.js';
import { MEASURED_COSTS as M } from '../scenario/measuredCosts.js';
import { applyOverride, type Override } from '../scenario/overrides.js';
import { atomicWrite, checkWritable, special } from './atomicWrite.js';
import { defineCommand, example } from './command.js';
import { numberFlag, setOverrides, singleValue } from './flags.js';
import { HEY_FLAGS_HELP } from './heyFlags.js';

export const WORKER_CLASSES = ['sync', 'gthread', 'gevent', 'eventlet'] as const;
/** pg_hba.conf's methods the model prices (database.authMethod). */
export const AUTH_METHODS = ['scram-sha-256', 'md5', 'trust'] as const;

export interface InitOptions {
  workerClass: (typeof WORKER_CLASSES)[number];
  workers: number;
  threads?: number;
  /** gunicorn --worker-connections. */
  connections?: number;
  dbMaxConnections: number;
  /** pg_hba.conf's method for the app's connections; scram-sha-256 when undefined. */
  auth?: (typeof AUTH_METHODS)[number];
  /** The query's time: seconds or a duration string ("20ms"). */
  query: number | string;
  /** The handler's own CPU per request outside the database (the view, templates, serialization), as `query`; none when undefined. */
  cpu?: number | string;
  /** SQLAlchemy's QueuePool in each worker (pool_size, max_overflow); a connection per request when undefined. */
  pool?: { size: number; maxOverflow: number };
  cores: number;
  name?: string;
}

const KIT = 'calibration/costs.sh';

/**
 * How each default was measured, and how to measure yours: each machine cost's default is the
 * median of the kit's machines (calibration/defaults-linux-2core.json names each figure's series,
 * whose own file says how it was measured in full).
 */
export const COST_NOTES: Record<string, string> = {
  'client.requestCpu': `hey's CPU per request, the median of the calibration kit's Linux machines (each measured by ${KIT}: hey -n 3000 -c 10 keep-alive against a trivial handler, wait4's rusage, minus a 10-request run). Measure yours the same way with your load tester, or set 0 when it runs on another host (and set client.cores).`,
  'client.dialCpu': `hey's extra CPU per new connection, measured by ${KIT} as client.requestCpu with -disable-keepalive, minus client.requestCpu.`,
  'server.requestCpu': `gunicorn's CPU per request outside your handler (${KIT}: the worker's schedstat over hey -n 3000 -c 10 on a trivial handler, idle CPU subtracted). Measure yours: /proc/<worker pid>/schedstat before and after a run of N requests to a handler that does nothing, divided by N.`,
  'server.acceptCpu': `the worker's extra CPU per new connection, measured by ${KIT} as server.requestCpu with hey -disable-keepalive, minus server.requestCpu.`,
  'server.switchCpu': `the worker's CPU to resume a request after each IO wait, measured by calibration/bench/switch_cost.py (SELECT 1 in gevent + psycogreen against plain psycopg2). Only async workers use it.`,
  'server.errorCpu': `the worker's extra CPU for a request that raised (${KIT}: PostgreSQL full, every connect refused, gunicorn's handle_error and its logged traceback). Measure yours on a handler that raises.`,
  'app.steps.0.cpu': `libpq's CPU to connect and close with scram-sha-256, the median of the kit's machines, each measured by ${KIT} (300 psycopg2.connect + close, CLOCK_PROCESS_CPUTIME_ID). md5: ${M.connectCpu.md5} s, trust: ${M.connectCpu.trust} s (database.authMethod).`,
  'app.steps.0.startCpu':
    'the part of that CPU before the first wait, measured by calibration/bench/connect_start.py (psycopg2.connect(async_=1)).',
  'app.steps.0.contendedCpu':
    "what a connect costs more while another thread of the same process connects (gthread, a `def` handler's threadpool; OpenSSL 3 takes a process-wide lock in every HMAC of the scram proof), the median of the kit's machines: measure yours with calibration/connect_threads.sh (one thread's psycopg2 connects against eight threads'). A gevent worker connects on one thread and never pays it.",
  'app.steps.0.turnCpu':
    "the gevent worker's extra CPU at each of a cooperative connect's turns (psycogreen's wait callback), the median of the kit's machines: measure yours with calibration/warm_turns.sh (the whole connect inside a gevent worker; bench/make_scenario.py puts what its proof's turn and startCpu leave over its turns, less server.switchCpu each).",
  'app.steps.0.backToBackShare':
    "the share of startCpu and turnCpu a connect's turn costs when another connect's turn ran since the worker's loop last slept, measured by calibration/warm_turns.sh (a gevent worker's CPU per connect beside the proof at hey -c 50 over -c 1).",
  'app.steps.1.time':
    "your query's time without CPU (e.g. SELECT pg_sleep, disk, locks): measure it with EXPLAIN ANALYZE or pg_stat_statements' mean_exec_time, less its CPU below.",
  'app.steps.1.cpu':
    "the backend's CPU for your query, not measured (0 here): measure it with the backend's /proc/<pid>/schedstat around the query, or pg_stat_statements' time less its blk_read_time with track_io_timing.",
  'app.steps.1.decodeCpu':
    "the worker's CPU to read and decode the result rows (psycopg2's fetchall), not measured (0 here): measure it as the worker's CPU per request with the query against without it.",
  'database.backendExitTime':
    '0: a closing backend frees its slot at once (calibration/slot_release.sh measured a small share of its exit CPU before the slot goes back: docs/validation.md, "When a closing backend frees its slot"). Set it for a slow exit.',
  'database.postmasterCpu': `the postmaster's CPU per connection attempt when it forks one after another: ${KIT}'s figure (its schedstat over 300 connects one at a time, idle subtracted) times the back-to-back share measured by calibration/fork_burst.sh (90 connections at once against 90 one after another).`,
  'database.postmasterWakeCpu': `the rest of ${KIT}'s one-at-a-time figure: the postmaster's CPU to wake for a connection that finds it asleep, measured by calibration/fork_burst.sh.`,
  'database.backendStartupCpu': `a new backend's CPU before it takes its slot, measured by ${KIT} (perf samples of backends before InitProcess).`,
  'database.backendBeforeSetsidCpu':
    "of backendStartupCpu, the part before the backend's setsid(), in the postmaster's session: measured by calibration/setsid_share.sh (perf samples of backends before setsid()).",
  'database.backendStartCpu': `a backend's CPU until ready for queries, measured by ${KIT} (/proc/<backend pid>/schedstat 2 ms after connect() returned, the share after InitProcess).`,
  'database.backendBeforeAuthCpu':
    "of backendStartCpu, the part before the backend's first authentication request (InitPostgres's caches, the role's secret): measured by calibration/auth_share.sh (perf samples of backends between InitProcess, ClientAuthentication's first sendAuthRequest and ReadyForQuery).",
  'database.backendExitCpu': `a backend's CPU from the client's close to its exit, measured by ${KIT} (the backend's whole CPU minus its CPU when ready).`,
  'database.refusedCpu': `a refused backend's CPU ("sorry, too many clients already") after its start-up, measured by ${KIT} (PostgreSQL full, 300 refused connects, the postmaster's cutime+cstime).`,
  'database.transactionControlCpu':
    "a BEGIN's or ROLLBACK's backend CPU, taken from the query it opens or closes (your query's cpu includes it when measured as psycopg2 runs it), measured by calibration/statement_cpu.sh (one connection: BEGIN then ROLLBACK, the backend's schedstat).",
  'machine.wakeupLatency':
    "0, none: with one run queue for all cores (machine.runQueues shared, as here) a woken task never waits for an idle core to wake. With per-core run queues set your machine's: calibration/wakeup_latency.sh measures it (tens of microseconds on a KVM guest: docs/validation.md).",
  'database.forkTime':
    "0, as measured by calibration/costs.sh: the postmaster's fork is CPU (database.postmasterCpu), not a delay. Set it for a fork that waits (a slow or loaded host).",
  'database.backendStartTime':
    "0, as measured by calibration/costs.sh: the backend's start is CPU (backendStartupCpu, backendStartCpu), not a delay. Set it for waiting outside the database's cores (a proxy, a remote host's network).",
};

/** The notes that differ when the app's connections authenticate with md5 or trust. */
const AUTH_NOTES: Record<'md5' | 'trust', Record<string, string>> = {
  md5: {
    'app.steps.0.cpu': `libpq's CPU to connect and close with md5 (one hash, where scram-sha-256 computes PBKDF2), the median of the kit's machines, each measured by ${KIT} with pg_hba.conf's TCP lines set to md5 and the role's password stored as md5 (scram-sha-256: ${M.connectCpu['scram-sha-256']} s).`,
    'app.steps.0.contendedCpu':
      "0: md5's one hash takes no process-wide lock, where scram-sha-256's HMACs take OpenSSL's (calibration/connect_threads.sh measures it).",
  },
  trust: {
    'app.steps.0.cpu': `libpq's CPU to connect and close with trust (no password exchanged), the median of the kit's machines, each measured by ${KIT} with pg_hba.conf's TCP lines set to trust (scram-sha-256: ${M.connectCpu['scram-sha-256']} s).`,
    'app.steps.0.contendedCpu':
      '0: trust exchanges no password, so its threads take no lock while they connect (calibration/connect_threads.sh measures it).',
  },
};

/** The starter scenario's JSON (not yet validated). */
export function starterScenario(o: InitOptions): Record<string, unknown> {
  const async = o.workerClass === 'gevent' || o.workerClass === 'eventlet';
  const connections = o.connections ?? 1000;
  const workers = `${o.workers} ${o.workerClass} worker${o.workers === 1 ? '' : 's'}`;
  const threads = o.threads ?? 1;
  const what =
    o.workerClass === 'gthread'
      ? `${workers} x ${threads} thread${threads === 1 ? '' : 's'}`
      : async
        ? `${workers} x ${connections} connections`
        : workers;
  const query = typeof o.query === 'number' ? `${o.query} s` : o.query;
  const cpu = o.cpu === undefined ? '' : `, then ${typeof o.cpu === 'number' ? `${o.cpu} s` : o.cpu} of its own CPU`;
  const connection =
    o.pool === undefined
      ? 'opening a PostgreSQL connection'
      : `checking a PostgreSQL connection out of its worker's SQLAlchemy QueuePool (pool_size ${o.pool.size}, max_overflow ${o.pool.maxOverflow})`;
  const close = o.pool === undefined ? 'closing it' : 'checking it back in';
  const auth = o.auth ?? 'scram-sha-256';
  return {
    ...(o.name !== undefined ? { name: o.name } : {}),
    description: `A starter scenario written by sim init: hey against ${what}, each request ${connection}, running a ${query} query${cpu} and ${close}; PostgreSQL max_connections ${o.dbMaxConnections} (pg_hba.conf: ${auth}), on ${o.cores} cores shared by all. Every cost is its default, the median of the calibration kit's Linux machines (src/scenario/measuredCosts.ts; 2-core KVM guests, AMD and Intel, whose figures for one cost lie up to three times apart, so measure yours); "notes" says how each was measured and how to measure yours (calibration/measure.sh TAG measures them all on your machine and writes a scenario of it), and sim run --sensitivity which of them the prediction hangs on.`,
    seed: 1,
    client: { requests: 200, concurrency: 50, timeout: 20, keepAlive: true, requestCpu: M.client.requestCpu, dialCpu: M.client.dialCpu },
    machine: { cores: o.cores },
    server: {
      workerClass: o.workerClass,
      workers: o.workers,
      ...(o.workerClass === 'gthread' ? { threads: o.threads ?? 1 } : {}),
      workerConnections: connections,
      backlog: 2048,
      keepalive: 2,
      timeout: 30,
      requestCpu: M.server.requestCpu,
      acceptCpu: M.server.acceptCpu,
      switchCpu: M.server.switchCpu,
      errorCpu: M.server.errorCpu,
    },
    app: {
      status: 200,
      psycogreen: async,
      ...(o.pool !== undefined ? { pool: { size: o.pool.size, maxOverflow: o.pool.maxOverflow, timeout: 30 } } : {}),
      steps: [
        {
          kind: 'dbConnect',
          cpu: M.connectCpu[auth],
          startCpu: M.connectStartCpu,
          turnCpu: M.connectTurnCpu,
          // OpenSSL's lock is taken in scram-sha-256's HMACs; md5's one hash and trust take none (load.ts's default too).
          contendedCpu: auth === 'scram-sha-256' ? M.connectContendedCpu : 0,
        },
        { kind: 'dbQuery', time: o.query, cpu: 0, decodeCpu: 0 },
        // A view renders after its queries, the connection still open (Django closes it when the request finishes).
        ...(o.cpu !== undefined ? [{ kind: 'cpu', time: o.cpu }] : []),
        { kind: 'dbClose' },
      ],
    },
    database: {
      maxConnections: o.dbMaxConnections,
      authMethod: auth,
      forkTime: 0,
      backendStartTime: 0,
      backendExitTime: 0,
      postmasterCpu: M.database.postmasterCpu,
      postmasterWakeCpu: M.database.postmasterWakeCpu,
      backendStartupCpu: M.database.backendStartupCpu,
      backendBeforeSetsidCpu: M.database.backendBeforeSetsidCpu,
      backendStartCpu: M.database.backendStartCpu,
      backendBeforeAuthCpu: M.database.backendBeforeAuthCpu,
      backendExitCpu: M.database.backendExitCpu,
      refusedCpu: M.database.refusedCpu,
      transactionControlCpu: M.database.transactionControlCpu,
    },
    notes: {
      'client.requests': "hey -n and -c: sim run's -n and -c flags change them (sim run s.json -c 100 -n 1000).",
      'server.workerConnections': async
        ? 'gunicorn --worker-connections: greenlets per worker.'
        : 'gunicorn --worker-connections: only async and gthread workers use it.',
      'machine.taskGroups':
        "Left out: session, Linux's autogroup, as the calibration kit found it on every machine it measured. How your kernel groups processes before it shares the cores (none, session, service) decides how much of them the postmaster and the backends get in a burst of connects: a PostgreSQL run as a systemd service or in a container is one group (service). calibration/autogroup.sh tells which your machine does; until you state it, sim run --sensitivity tries all three and names it when it matters.",
      'machine.runQueues':
        'Left out: shared, one run queue for all cores (a runnable task never waits while a core is idle). Linux keeps one per core, and a woken process waits for its own core: per-core. calibration/wakeups.sh shows what your kernel does under load; until you state it, sim run --sensitivity tries per-core and names it when it matters.',
      'server.cacheRefillCpu':
        "Left out: none. With per-core run queues and more than two workers on a core, a worker that runs after two or more others refills its caches (some 40-50 us a wake-up for a sync worker on the kit's machine: docs/validation.md); calibration/switch_in.sh measures it for your app.",
      'app.steps':
        o.pool === undefined
          ? 'A new connection per request, as a handler calling psycopg2.connect() does (Django with CONN_MAX_AGE 0). With a pool (SQLAlchemy), sim init --pool 5+10, or add "pool": {"size": 5, "maxOverflow": 10} to app.'
          : "A connection checked out of the worker's pool for the request and back in after it (SQLAlchemy's QueuePool; app.pool.timeout is its pool_timeout). A connection per request instead: leave app.pool out.",
      ...(o.cpu !== undefined
        ? {
            'app.steps.2.time':
              "your handler's own CPU per request outside the database (the view, templates, serialization), as you gave it: measure it as the worker's CPU per request (/proc/<worker pid>/schedstat over N requests, divided by N) less a trivial request's (server.requestCpu), or from a profiler. Here it runs after the query, holding the connection, as a view that renders its rows does; move the step if yours runs before.",
          }
        : {}),
      ...(async
        ? {
            'app.psycogreen':
              'psycogreen.gevent.patch_psycopg() applied: waits on the database yield to other greenlets. false if your app does not patch psycopg2.',
          }
        : {}),
      ...COST_NOTES,
      ...(auth !== 'scram-sha-256' ? AUTH_NOTES[auth] : {}),
    },
  };
}

/**
 * A time flag's value as the scenario takes it: seconds as JSON writes them (0.02, 2e-2, as
 * --p99 takes them) or a duration string ("20ms"); above 0 and finite.
 */
function durationFlag(flag: string, value: string, what: string, example: string): number | string {
  const isNumber = /^\s*\d+(\.\d+)?([eE][+-]?\d+)?\s*$/.test(value);
  const seconds = isNumber ? Number(value) : parseDuration(value);
  if (seconds === undefined || !(seconds > 0))
    throw new UserError(`${flag} ${value}: expected ${what} > 0, seconds (${parseDuration(example)}) or a duration such as ${example}`);
  // 1e400 was Infinity, which the field refused as "got number Infinity", not what was typed.
  if (!Number.isFinite(seconds)) throw new UserError(`${flag} ${value}: the number ${value.trim()} is too large`);
  return isNumber ? Number(value) : value.trim();
}

/** --pool's SIZE or SIZE+OVERFLOW, as SQLAlchemy's create_engine(pool_size=, max_overflow=) takes them (its max_overflow default, 10). */
function poolSizes(value: string): { size: number; maxOverflow: number } {
  const m = /^\s*(\d+)\s*(?:\+\s*(\d+)\s*)?$/.exec(value);
  const size = m === null ? Number.NaN : Number(m[1]);
  const maxOverflow = m === null || m[2] === undefined ? 10 : Number(m[2]);
  if (!(size >= 1) || !Number.isSafeInteger(size) || !Number.isSafeInteger(maxOverflow))
    throw new UserError(
      `--pool ${value}: expected pool_size, or pool_size+max_overflow, whole numbers with pool_size at least 1, e.g. 5 or 5+10`,
    );
  return { size, maxOverflow };
}

/** The fields sim init's flags set in the starter scenario. */
const INIT_FIELDS: readonly [string, (string | number)[]][] = [
  ['--workers', ['server', 'workers']],
  ['--threads', ['server', 'threads']],
  ['--worker-connections', ['server', 'workerConnections']],
  ['--max-connections', ['database', 'maxConnections']],
  ['--query', ['app', 'steps', 1, 'time']],
  ['--cpu', ['app', 'steps', 2, 'time']],
  ['--cores', ['machine', 'cores']],
  ['--keep-alive', ['server', 'keepalive']],
  ['--timeout', ['server', 'timeout']],
  ['--backlog', ['server', 'backlog']],
  ['--max-requests', ['server', 'maxRequests']],
  ['--name', ['name']],
];

export const initCommand = defineCommand({
  command: 'init',
  describe: 'Write a starter scenario: every cost at its measured default, with a note on how to measure yours',
  builder: (c) =>
    c
      .option('worker-class', { type: 'string', describe: `gunicorn --worker-class: ${WORKER_CLASSES.join(', ')} (sync)` })
      .option('workers', { type: 'string', describe: 'gunicorn --workers (1)' })
      .option('threads', { type: 'string', describe: 'gunicorn --threads, for gthread (1)' })
      .option('worker-connections', { type: 'string', alias: 'connections', describe: 'gunicorn --worker-connections (1000)' })
      .option('max-connections', { type: 'string', alias: 'db-max-connections', describe: 'PostgreSQL max_connections (100)' })
      .option('query', { type: 'string', describe: "The query's time: seconds or a duration, e.g. 20ms (10ms)" })
      .option('cpu', {
        type: 'string',
        describe: "The handler's own CPU per request outside the database (the view, templates): seconds or a duration, e.g. 5ms (none)",
      })
      .option('pool', {
        type: 'string',
        describe: "SQLAlchemy's QueuePool in each worker: pool_size, or pool_size+max_overflow, e.g. 5+10 (none: a connection per request)",
      })
      .option('keep-alive', { type: 'string', describe: 'gunicorn --keep-alive: seconds a connection waits for its next request (2)' })
      .option('timeout', { type: 'string', describe: 'gunicorn --timeout: a worker silent this long is killed, seconds; 0 disables (30)' })
      .option('backlog', { type: 'string', describe: 'gunicorn --backlog: the listen queue (2048)' })
      .option('max-requests', {
        type: 'string',
        describe: 'gunicorn --max-requests: a worker restarts after this many requests; 0 never (0)',
      })
      .option('auth', {
        type: 'string',
        describe: `pg_hba.conf's method for the app's connections: ${AUTH_METHODS.join(', ')} (scram-sha-256, PostgreSQL 14's default)`,
      })
      .option('cores', { type: 'string', describe: 'Cores shared by gunicorn, PostgreSQL and the client (4)' })
      .option('name', { type: 'string', describe: "The scenario's name" })
      .option('set', { type: 'string', array: true, default: [] as string[], describe: 'Override any field of the starter (repeatable)' })
      .option('out', {
        type: 'string',
        describe: 'Write it to FILE (atomically) instead of stdout; an existing file is kept unless --force',
      })
      .option('force', { type: 'boolean', default: false, describe: 'Overwrite --out FILE' })
      .example(
        example('$0 init --worker-class gevent --workers 4 --worker-connections 100 --max-connections 100 --query 20ms --out s.json', ''),
      )
      // It takes hey's flags as run, sweep and plan do (the starter's client), so its help lists them too.
      .epilogue(HEY_FLAGS_HELP),
  handler: (args, io) => {
    const workerClass = singleValue('--worker-class', args['worker-class'], 'gevent') ?? 'sync';
    // The README leads with uvicorn, so its users try it here first: say where its starters are.
    if (/uvicorn/i.test(workerClass)) {
      throw new UserError(
        `--worker-class ${workerClass}: sim init writes ${WORKER_CLASSES.join(', ')} starters; for uvicorn.workers.UvicornWorker start from scenarios/uvicorn-4-asyncpg.json (an async def endpoint on asyncpg's pool) or scenarios/uvicorn-sync-endpoint.json (a def endpoint on FastAPI's threadpool)`,
      );
    }
    if (!(WORKER_CLASSES as readonly string[]).includes(workerClass)) {
      throw new UserError(
        `--worker-class ${workerClass}: ${msg.notOneOf(WORKER_CLASSES, JSON.stringify(workerClass), nearest(workerClass, WORKER_CLASSES))}`,
      );
    }
    const query = durationFlag('--query', singleValue('--query', args.query, '20ms') ?? '10ms', "the query's time", '20ms');
    const cpuFlag = singleValue('--cpu', args.cpu, '5ms');
    const cpu = cpuFlag === undefined ? undefined : durationFlag('--cpu', cpuFlag, "the handler's CPU per request", '5ms');
    const poolFlag = singleValue('--pool', args.pool, '5+10');
    const auth = singleValue('--auth', args.auth, 'md5');
    if (auth !== undefined && !(AUTH_METHODS as readonly string[]).includes(auth)) {
      throw new UserError(`--auth ${auth}: ${msg.notOneOf(AUTH_METHODS, JSON.stringify(auth), nearest(auth, AUTH_METHODS))}`);
    }
    const options: InitOptions = {
      workerClass: workerClass as InitOptions['workerClass'],
      workers: numberFlag('--workers', args.workers, { whole: true, min: 1 }, '4') ?? 1,
      threads: numberFlag('--threads', args.threads, { whole: true, min: 1 }, '8'),
      connections: numberFlag('--worker-connections', args['worker-connections'], { whole: true, min: 1 }, '100'),
      dbMaxConnections: numberFlag('--max-connections', args['max-connections'], { whole: true, min: 1 }, '100') ?? 100,
      query,
      ...(cpu !== undefined ? { cpu } : {}),
      ...(poolFlag !== undefined ? { pool: poolSizes(poolFlag) } : {}),
      ...(auth !== undefined ? { auth: auth as InitOptions['auth'] } : {}),
      cores: numberFlag('--cores', args.cores, { whole: true, min: 1 }, '4') ?? 4,
      name: singleValue('--name', args.name, 'my-app'),
    };
    if (options.threads !== undefined && options.workerClass !== 'gthread' && options.workerClass !== 'sync') {
      throw new UserError(`--threads: only gthread workers have threads; --worker-class ${options.workerClass} has --worker-connections`);
    }
    // gunicorn: sync with --threads > 1 is gthread.
    if (options.workerClass === 'sync' && (options.threads ?? 1) > 1) options.workerClass = 'gthread';
    const json = starterScenario(options);
    // gunicorn's own settings, under their own names, over the starter's gunicorn defaults.
    const server = json.server as Record<string, unknown>;
    const gunicorn = [
      ['--keep-alive', 'keepalive', { whole: false, min: 0 }, '5'],
      ['--timeout', 'timeout', { whole: false, min: 0 }, '60'],
      ['--backlog', 'backlog', { whole: true, min: 1 }, '2048'],
      ['--max-requests', 'maxRequests', { whole: true, min: 0 }, '1000'],
    ] as const;
    for (const [flag, key, rule, example] of gunicorn) {
      const value = numberFlag(flag, args[flag.slice(2)], rule, example);
      if (value !== undefined) server[key] = value;
    }
    const overrides = setOverrides(args.set);
    for (const o of overrides) applyOverride(json, o);
    const out = singleValue('--out', args.out, 'scenario.json');
    // A value the scenario refuses names the flag that gave it (--workers 1e9), as --set's do.
    const typed: Override[] = INIT_FIELDS.flatMap(([flag, path]) => {
      const value = args[flag.slice(2)];
      return value === undefined ? [] : [{ path, value, source: `${flag} ${String(value)}` }];
    });
    if (options.pool !== undefined) {
      for (const key of ['size', 'maxOverflow'] as const)
        typed.push({ path: ['app', 'pool', key], value: options.pool[key], source: `--pool ${poolFlag}` });
    }
    validateScenario(structuredClone(json), `sim init${args.set.length > 0 ? ' (with --set)' : ''}`, [...typed, ...overrides]);
    const text = `${JSON.stringify(json, null, 2)}\n`;
    if (out === undefined) {
      io.out(text);
      return;
    }
    // A folder is "is a directory", not "the file exists ... --force"; a pipe or a device
    // (/dev/stdout) holds no file to keep.
    checkWritable(out, '--out');
    if (existsSync(out) && !special(out) && !args.force)
      throw new UserError(`--out ${out}: the file exists; give another name, or --force to overwrite it`);
    atomicWrite(out, text, '--out');
    io.err(`Wrote ${out}; run it: sim run ${out}\n`);
  },
});
