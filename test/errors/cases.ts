// Every kind of bad input the tests try on purpose, with the command that meets it.
// test/errors/errors.test.ts runs each one, checks its exit code and the place its
// message names, and renders them all into docs/errors.md, so that page shows the
// messages `sim` really prints today.

export interface ErrorCase {
  /** Section of docs/errors.md. */
  group: string;
  what: string;
  /** The scenario file's text, when the case needs one (written as scenario.json); bytes for one not in UTF-8. */
  file?: string | Uint8Array;
  /** Shown in the table: what the file or the command line holds. */
  shown: string;
  /** Arguments of `sim`; "scenario.json" stands for the case's file. */
  argv: string[];
  exit: 0 | 2;
  /** Text the message must contain: the JSON path, the flag, or the line and column. */
  names: string;
}

const base = {
  description: 'errors.md',
  client: { requests: 20, concurrency: 5 },
  server: { workerClass: 'gevent', workers: 2 },
  app: { steps: [{ kind: 'sleep', time: '20ms' }] },
};
type Scenario = Record<string, any>;
/** The header of a shard and no point: enough for the merge to check whose shard it is. */
const SHARD_1_OF_2 = `${JSON.stringify({
  sweep: { scenario: 's', digest: 'd', vary: ['seed=1,2'], replications: 1, seeds: [1], points: 2 },
  shard: { index: 1, count: 2 },
  points: [],
})}\n`;

/** A point's figures as sim sweep writes them, all zero: enough for the merge to read the point. */
const ZERO = { mean: 0 };
const POINT_FIGURES = {
  series: 's',
  requestsPerSec: ZERO,
  perSec: { '2xx': ZERO, '5xx': ZERO, errors: ZERO },
  statusCodes: {},
  errors: ZERO,
  failed: ZERO,
  latency: { p50: null, p90: null, p99: null },
  dbPeakOpen: null,
  bottleneck: 'none',
  busiest: null,
  littlesLaw: { L: ZERO, lambdaW: ZERO },
  utilization: [],
};
/** Shard 1/2 of a sweep over seed=1,2 with its one point changed by `point`. */
function shardWith(sweep: Record<string, unknown>, point: Record<string, unknown>): string {
  return `${JSON.stringify({
    sweep: { scenario: 's', digest: 'd', vary: ['seed=1,2'], replications: 1, seeds: [1], points: 2, ...sweep },
    shard: { index: 1, count: 2 },
    points: [{ index: 0, values: { seed: 1 }, ...POINT_FIGURES, ...point }],
  })}\n`;
}

/** The base scenario with `change` merged in (objects merge, anything else replaces). */
function scenario(change: Scenario): string {
  return `${JSON.stringify(merge(base, change), null, 2)}\n`;
}

function merge(a: any, b: any): any {
  if (b === null || typeof b !== 'object' || Array.isArray(b) || a === null || typeof a !== 'object' || Array.isArray(a)) return b;
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = v === undefined ? undefined : merge(a[k], v);
  return out;
}

const run = ['run', 'scenario.json'];
/** A plan over two worker counts, before its targets. */
const plan = ['plan', 'scenario.json', '--vary', 'server.workers=1,2'];
const field = (what: string, change: Scenario, names: string): ErrorCase => ({
  group: 'Scenario fields',
  what,
  file: scenario(change),
  shown: JSON.stringify(change),
  argv: run,
  exit: 2,
  names,
});
const json = (what: string, text: string, names: string): ErrorCase => ({
  group: 'JSON syntax',
  what,
  file: text,
  shown: text.length > 60 ? `${text.slice(0, 57).replace(/\n\s*/g, ' ')}...` : text.replace(/\n\s*/g, ' '),
  argv: run,
  exit: 2,
  names,
});
const flag = (what: string, argv: string[], names: string, group = 'Command line'): ErrorCase => ({
  group,
  what,
  file: scenario({}),
  shown: `sim ${argv.join(' ')}`,
  argv,
  exit: 2,
  names,
});

const valid = scenario({});
const steps = (...list: unknown[]) => ({ app: { steps: list } });
const db = { database: { forkTime: 0.002, backendStartTime: 0.01 } };

export const ERROR_CASES: ErrorCase[] = [
  // --- Files ---
  { group: 'Files', what: 'no such file', shown: 'sim run nope.json', argv: ['run', 'nope.json'], exit: 2, names: 'nope.json' },
  // Newcomer: a scenario named as it is called, without its .json, was only "no such file".
  {
    group: 'Files',
    what: 'a scenario without its .json (newcomer)',
    file: scenario({}),
    shown: 'sim run scenario',
    argv: ['run', 'scenario'],
    exit: 2,
    names: 'no such file; did you mean "scenario.json"?',
  },
  { group: 'Files', what: 'a directory', shown: 'sim run .', argv: ['run', '.'], exit: 2, names: '.: cannot read' },
  flag('an output folder that does not exist', [...run, '--out', 'no/such/folder/report.txt'], 'no/such/folder/report.txt', 'Files'),
  // Issue 17, item 7: was "internal error: ENOTDIR" (exit 1).
  flag(
    'an output path under a file',
    [...run, '--out', 'scenario.json/report.txt'],
    '--out scenario.json/report.txt: cannot write: a file is in the way',
    'Files',
  ),
  // Hardening audit: the report replaced the scenario it was run from.
  flag(
    'an output over the scenario it reads (hardening)',
    [...run, '--out', 'scenario.json'],
    '--out scenario.json: cannot write: that is "scenario.json", which this command reads',
    'Files',
  ),
  flag(
    'a --json file over the scenario it reads (hardening)',
    [...run, '--json', 'scenario.json'],
    '--json scenario.json: cannot write: that is "scenario.json"',
    'Files',
  ),
  flag(
    'a --csv file over the scenario it reads (hardening)',
    ['sweep', 'scenario.json', '--vary', 'server.workers=1,2', '--csv', 'scenario.json'],
    '--csv scenario.json: cannot write: that is "scenario.json"',
    'Files',
  ),
  // Hardening audit: the JSON was written, then replaced by the report (exit 0).
  flag(
    'two outputs into one file (hardening)',
    [...run, '--json', 'report.txt', '--out', 'report.txt'],
    '--out report.txt: cannot write: --json writes there too',
    'Files',
  ),
  flag(
    "a sweep's --json and --csv into one file (hardening)",
    ['sweep', 'scenario.json', '--vary', 'server.workers=1,2', '--json', 'report.csv', '--csv', 'report.csv'],
    '--csv report.csv: cannot write: --json writes there too',
    'Files',
  ),
  // Input hunt: said "the file exists; give another name, or --force to overwrite it", and --force did not.
  flag(
    'sim init --out onto a folder (input hunt)',
    ['init', '--out', '.'],
    '--out .: cannot write: is a directory, expected a file name',
    'Files',
  ),
  // Hardening 8: "cannot write: EBUSY: resource busy or locked, rename '...1234.0.tmp' -> '.'".
  flag('sim schema --out onto a folder (hardening 8)', ['schema', '--out', '.'], '--out .: cannot write: is a directory', 'Files'),
  // Hardening 8: written after the run, and refused then as "a file is in the way where a folder should be".
  flag(
    'an output name ending in "/" (hardening 8)',
    [...run, '--out', 'report.txt/'],
    '--out report.txt/: cannot write: a name ending in "/"',
    'Files',
  ),
  // Input hunt: a UTF-16 file (Windows PowerShell's > writes one) was "not valid JSON:
  // expected a value, got "\ufffd"", or for a load tester's output "not an output of a load
  // tester sim knows"; a Latin-1 byte was read as U+FFFD, into the description or a key.
  {
    group: 'Files',
    what: 'a scenario in UTF-16 (input hunt)',
    file: Buffer.from(`\ufeff${scenario({})}`, 'utf16le'),
    shown: 'sim run scenario.json, saved as UTF-16 with its byte-order mark',
    argv: run,
    exit: 2,
    names: 'scenario.json: cannot read the scenario: UTF-16LE text',
  },
  {
    group: 'Files',
    what: 'a scenario with a byte that is not UTF-8 (input hunt)',
    file: Buffer.from(scenario({ description: 'caf\u00e9' }), 'latin1'),
    shown: 'sim run scenario.json, its description "caf\u00e9" saved in Latin-1',
    argv: run,
    exit: 2,
    names: 'scenario.json:2:22: not valid JSON: the byte 0xE9 is not UTF-8 text',
  },
  // Issue 17, item 3: was read whole (gigabytes of /dev/zero).
  {
    group: 'Files',
    what: 'a device without end',
    shown: 'sim run /dev/zero',
    argv: ['run', '/dev/zero'],
    exit: 2,
    names: '/dev/zero: cannot read the scenario: larger than the 10 MB limit',
  },
  // Leftovers audit: these were the system call's own words ("EIO: i/o error, read",
  // "ENOTDIR: not a directory, open '...'").
  {
    group: 'Files',
    what: 'a special file whose reads fail (leftovers audit)',
    shown: 'sim run /proc/self/mem',
    argv: ['run', '/proc/self/mem'],
    exit: 2,
    names: '/proc/self/mem: cannot read the scenario: the system refused to read it (EIO)',
  },
  {
    group: 'Files',
    what: 'a path through a file (leftovers audit)',
    file: valid,
    shown: 'sim run scenario.json/x.json',
    argv: ['run', 'scenario.json/x.json'],
    exit: 2,
    names: 'scenario.json/x.json: cannot read the scenario: a file is in the way where a folder should be',
  },

  // --- JSON syntax ---
  json('a comma before a closing brace', '{\n  "description": "x",\n  "client": { "requests": 10, }\n}\n', ':3:31'),
  json('a missing comma', '{\n  "description": "x"\n  "seed": 1\n}\n', ':3:3'),
  json('a comment', '{\n  // the article\'s run\n  "description": "x"\n}\n', ':2:3'),
  json('single quotes', "{\n  'description': 'x'\n}\n", ':2:3'),
  json('a duration without quotes', valid.replace('"20ms"', '20ms'), ':15:17'),
  json('a key without quotes', valid.replace('"description"', 'description'), ':2:3'),
  json('NaN', valid.replace('"requests": 20', '"requests": NaN'), ':4:17'),
  json('a number too large', valid.replace('"requests": 20', '"requests": 1e999'), ':4:17'),
  json('a key given twice', '{\n  "seed": 1,\n  "description": "x",\n  "seed": 2\n}\n', ':4:3'),
  json('a file cut short', valid.slice(0, 60), ':4:15'),
  json('an empty file', '', ':1:1'),
  json('text after the document', `${valid}}\n`, ':20:1'),

  // --- Scenario fields ---
  field('a misspelt key', { server: { workerConnection: 10 } }, 'server.workerConnection'),
  field('a misspelt section', { clinet: {} }, 'clinet'),
  field('an abbreviated value', { server: { workerClass: 'gev' } }, 'server.workerClass'),
  field('a key nothing resembles', { server: { zzz: 1 } }, 'server.zzz'),
  // Newcomer: listed the pool's five fields, where SQLAlchemy's user typed its own name.
  field("SQLAlchemy's pool_size in app.pool (newcomer)", { app: { pool: { pool_size: 5 } } }, 'did you mean "size"'),
  // Newcomer: listed the sections, where the field was written outside its own.
  field('a server field at the top level (newcomer)', { workers: 4 }, 'unknown key "workers"; did you mean "server.workers"?'),
  field("PostgreSQL's max_connections at the top level (newcomer)", { max_connections: 200 }, 'did you mean "database.maxConnections"?'),
  field('a string for a number', { server: { workers: 'two' } }, 'server.workers'),
  field('a number in quotes', { client: { requests: '20' } }, 'client.requests'),
  field('a negative count', { client: { requests: -1 } }, 'client.requests'),
  field('a fraction for a count', { server: { workers: 1.5 } }, 'server.workers'),
  field('zero workers', { server: { workers: 0 } }, 'server.workers'),
  field('more workers than memory allows', { server: { workers: 100000 } }, 'server.workers'),
  field('a fractional seed', { seed: 1.5 }, 'seed'),
  field('a seed beyond 2^53', { seed: 2 ** 60 }, 'seed'),
  field('a misspelt enum value', { server: { workerClass: 'gvent' } }, 'server.workerClass'),
  field('an unknown worker class', { server: { workerClass: 'uwsgi' } }, 'server.workerClass'),
  field('an unknown step kind', steps({ kind: 'redis' }), 'app.steps[0].kind'),
  field('a misspelt step kind', steps({ kind: 'slep', time: 1 }), 'app.steps[0].kind'),
  field('a step without a kind', steps({ time: 1 }), 'app.steps[0]'),
  field('a key of another step kind', steps({ kind: 'cpu', time: 1, io: 'blocking' }), 'app.steps[0].io'),
  field('a duration with an unknown unit', steps({ kind: 'sleep', time: '10 parsecs' }), 'app.steps[0].time'),
  field('a negative duration', steps({ kind: 'sleep', time: -0.5 }), 'app.steps[0].time'),
  field('a duration of centuries', steps({ kind: 'sleep', time: 1e10 }), 'app.steps[0].time'),
  field('an unknown distribution', steps({ kind: 'sleep', time: { dist: 'normal', mean: 1 } }), 'app.steps[0].time.dist'),
  field('an abbreviated distribution', steps({ kind: 'sleep', time: { dist: 'expo', mean: 1 } }), 'app.steps[0].time.dist'),
  field('a distribution without its parameter', steps({ kind: 'sleep', time: { dist: 'exponential' } }), 'app.steps[0].time.mean'),
  field(
    'a parameter of another distribution',
    steps({ kind: 'sleep', time: { dist: 'exponential', mean: 1, sigma: 1 } }),
    'app.steps[0].time.sigma',
  ),
  field('uniform with max below min', steps({ kind: 'sleep', time: { dist: 'uniform', min: 2, max: 1 } }), 'app.steps[0].time.max'),
  field(
    'fewer weights than values',
    steps({ kind: 'sleep', time: { dist: 'choice', values: [1, 2], weights: [1] } }),
    'app.steps[0].time.weights',
  ),
  field(
    'all weights zero',
    steps({ kind: 'sleep', time: { dist: 'choice', values: [1, 2], weights: [0, 0] } }),
    'app.steps[0].time.weights',
  ),
  field('no steps', steps(), 'app.steps'),
  field('a description that is not text', { description: 42 }, 'description'),
  field('neither requests nor duration', { client: { requests: undefined } }, 'client.requests'),
  field('a -z of zero', { client: { duration: 0 } }, 'client.duration'),
  field('more hey workers than requests', { client: { concurrency: 50 } }, 'client.concurrency'),
  field('hey options with an open loop', { client: { arrivals: { rate: 10 } } }, 'client.concurrency'),
  field(
    "hey's remainder with an open loop (hardening 7)",
    { client: { concurrency: undefined, remainder: 'sent', arrivals: { rate: 10 } } },
    'client.remainder',
  ),
  field("hey's remainder with -z (hardening 7)", { client: { requests: undefined, duration: 1, remainder: 'sent' } }, 'client.remainder'),
  field(
    'an open loop with rate and steps',
    { client: { concurrency: undefined, arrivals: { rate: 10, steps: [{ from: 0, rate: 5 }] } } },
    'client.arrivals.rate',
  ),
  field(
    'rate steps out of order',
    {
      client: {
        concurrency: undefined,
        arrivals: {
          steps: [
            { from: 0, rate: 5 },
            { from: '2s', rate: 1 },
            { from: '1s', rate: 2 },
          ],
        },
      },
    },
    'client.arrivals.steps[2].from',
  ),
  field('a database step without a database', steps({ kind: 'dbConnect' }, { kind: 'dbClose' }), 'app.steps[0]'),
  field('a query without a connection', { ...steps({ kind: 'dbQuery', time: 1 }), ...db }, 'app.steps[0].kind'),
  field('two connections at once', { ...steps({ kind: 'dbConnect' }, { kind: 'dbConnect' }), ...db }, 'app.steps[1].kind'),
  field(
    "asyncpg's min_size above its max_size",
    { app: { steps: [{ kind: 'dbConnect' }, { kind: 'dbClose' }], asyncpgPool: { minSize: 20, maxSize: 10 } }, ...db },
    'app.asyncpgPool.minSize',
  ),
  field(
    'two pools at once',
    { app: { steps: [{ kind: 'dbConnect' }, { kind: 'dbClose' }], pool: { size: 5 }, asyncpgPool: { minSize: 1 } }, ...db },
    'app.asyncpgPool',
  ),
  field(
    'a cache covering steps that are not there',
    steps({ kind: 'cache', time: 0.001, covers: 2, hitRatio: 0.9 }, { kind: 'sleep', time: 1 }),
    'app.steps[0].covers',
  ),
  field(
    'a measured cost that is not one',
    { ...steps({ kind: 'dbConnect' }, { kind: 'dbClose' }), ...db, measured: { 'database.forkTim': 'perf trace of the postmaster' } },
    'measured["database.forkTim"]',
  ),
  field('a measured step field that is not a cost', { measured: { 'app.steps.0.time': 'timed' } }, 'measured["app.steps.0.time"]'),
  field(
    'a cost both measured and fitted',
    {
      ...steps({ kind: 'dbConnect' }, { kind: 'dbClose' }),
      ...db,
      measured: { 'database.forkTime': 'strace' },
      fitted: { 'database.forkTime': 'sim fit' },
    },
    'fitted["database.forkTime"]',
  ),
  field('a budget of zero events', { limits: { maxEvents: 0 } }, 'limits.maxEvents'),
  // Input hunt: said "expected record" (zod's word).
  field('notes as a list (input hunt)', { notes: ['measured on Linux'] }, 'at notes: expected an object, got a list of 1 item'),
  // Hardening 8: "internal error: Cannot read properties of null (reading 'client')", exit 1.
  {
    group: 'Scenario fields',
    what: 'sim compare of a scenario file that holds null (hardening 8)',
    file: 'null\n',
    shown: 'null',
    argv: ['compare', 'scenario.json', 'test/fixtures/hey/patched-c10.r1.txt'],
    exit: 2,
    names: 'scenario.json: at (top level): expected an object, got null',
  },
  field('a list where an object belongs', { server: [] }, 'server'),
  // Issue 17: bounds from reality, and the defects they fix.
  field(
    "SYN retries beyond the kernel's limit (item 1)",
    { machine: { synRetries: 1000000000 } },
    'machine.synRetries: expected a number <= 127',
  ),
  field(
    'a cache with 1e15 keys (item 2)',
    steps({ kind: 'cache', time: 0.001, covers: 1, ttl: 1, keys: 1e15 }, { kind: 'sleep', time: 1 }),
    'app.steps[0].keys: expected a number <= 10000000',
  ),
  // Bad-input audit: each step within the bound, twenty of them took 1.6 GB (a file of 2 kB).
  field(
    'caches of too many keys together (bad-input audit)',
    steps(
      { kind: 'cache', time: 0.001, covers: 1, ttl: 1, keys: 1e7 },
      { kind: 'sleep', time: 1 },
      { kind: 'cache', time: 0.001, covers: 1, ttl: 1, keys: 1e7 },
      { kind: 'sleep', time: 1 },
    ),
    'app.steps[2].keys: expected at most 10000000 cache keys in all',
  ),
  field(
    'a cache in every instance of a fleet (bad-input audit)',
    { ...steps({ kind: 'cache', time: 0.001, covers: 1, ttl: 1, keys: 1e7 }, { kind: 'sleep', time: 1 }), fleet: { instances: 10 } },
    'app.steps[0].keys: expected at most 10000000 cache keys in all',
  ),
  // Hardening audit: was "missing required field (expected a duration)", in a duration.
  field(
    'a distribution without its dist (hardening)',
    steps({ kind: 'sleep', time: { kind: 'exponential', mean: 1 } }),
    'app.steps[0].time.dist: missing required field (expected a distribution\'s "dist": one of "constant", "exponential"',
  ),
  // Hardening audit: zod's own bound on an integer (2^53) hid the field's.
  field(
    'a count beyond 2^53 (hardening)',
    { server: { workers: 1e20 } },
    'server.workers: expected a number <= 10000, got number 100000000000000000000',
  ),
  field(
    'an empty rate schedule (item 5)',
    { client: { concurrency: undefined, arrivals: { steps: [] } } },
    'client.arrivals.steps: expected a list with >= 1 items',
  ),
  field(
    'a duration under a microsecond (item 6)',
    { client: { duration: '0.1us' } },
    'client.duration: expected 0 or a duration of at least 0.000001 s',
  ),
  field(
    'a time budget under a microsecond (item 6)',
    { limits: { maxSimTime: '0.1us' } },
    'limits.maxSimTime: expected 0 or a duration of at least 0.000001 s',
  ),
  field(
    'reserved connections PostgreSQL would not start with (item 14)',
    { ...db, database: { ...db.database, maxConnections: 3, superuserReservedConnections: 3 } },
    'database.superuserReservedConnections: expected fewer reserved connections than maxConnections (3)',
  ),
  field(
    'a CPU limit on instances packed on one host (fleet)',
    { fleet: { instances: 4, instancesPerHost: 2, cpuLimit: 1 } },
    'fleet.cpuLimit: expected instancesPerHost 1 with a cpuLimit, got 2',
  ),
  // Input hunt: cpuLimit 1e-9 (a quota that rounds to 0 us) was "internal error: QuotaCpu: quota and period must be positive" (exit 1).
  field(
    'a CPU quota under a microsecond (fleet, input hunt)',
    { fleet: { instances: 2, cpuLimit: 1e-9 } },
    'at fleet.cpuLimit: expected a CPU quota (cpuLimit x cpuPeriod) of at least 0.000001 s',
  ),
  field(
    'a per-task database client without its task rate (fleet)',
    { ...db, fleet: { otherClients: [{ name: 'cron', connections: 2, holds: 'perTask', taskTime: 1 }] } },
    'fleet.otherClients[0].taskRate: expected taskRate with holds "perTask"',
  ),
  field(
    'a fleet.instances other than its groups together (fleet)',
    { fleet: { instances: 3, groups: [{ name: 'web', count: 2 }] } },
    "fleet.instances: expected fleet.instances to be the groups' counts together (2) or left out, got 3",
  ),
  field(
    'a breaker with a fleet (fleet)',
    { ...db, app: { ...base.app, breaker: { on: ['database'] } }, fleet: { instances: 2 } },
    "app.breaker: a breaker is not modelled with a fleet yet: it acts on one instance's parts",
  ),
  field(
    'an instance down that the fleet does not have (fleet)',
    { fleet: { instances: 2, down: [3] } },
    'fleet.down[0]: expected an instance number from 1 to 2 (fleet.instances), got 3',
  ),
  field(
    'more replicas at the start than the autoscaler allows (fleet)',
    { fleet: { instances: 9, autoscaling: { maxReplicas: 8 } } },
    'fleet.instances: expected instances (the replicas at the start) between autoscaling.minReplicas and maxReplicas, got 9 with 1..8',
  ),
  // Hardening audit: each bound alone, 1000 instances x 10,000 workers together took tens
  // of seconds and gigabytes before a request was sent.
  field(
    'ten million worker processes in a fleet (fleet, hardening)',
    { server: { workers: 10000 }, fleet: { instances: 1000 } },
    'fleet.instances: expected at most 100000 worker processes in the fleet, got 1000 instances x 10000 server.workers = 10000000',
  ),
  field(
    'an autoscaler that could start too many workers (fleet, hardening)',
    { server: { workers: 1000 }, fleet: { instances: 1, autoscaling: { maxReplicas: 1000 } } },
    'fleet.autoscaling.maxReplicas: expected at most 100000 worker processes in the fleet, got 1000 replicas at most x 1000 server.workers = 1000000',
  ),
  field(
    'groups of too many workers (fleet, hardening)',
    {
      fleet: {
        groups: [
          { name: 'web', count: 10 },
          { name: 'big', count: 20, server: { workers: 5000 } },
        ],
      },
    },
    "fleet.groups: expected at most 100000 worker processes in the fleet, got 10 x 2 + 20 x 5000 (each group's instances x its server.workers) = 100020",
  ),
  // Bad-input audit: each attempt an object before PostgreSQL answers any: a hundred such clients took over 3 GB and a minute.
  field(
    'other clients holding too many connections together (fleet, bad-input audit)',
    {
      database: { forkTime: 0.002, backendStartTime: 0.01, maxConnections: 262143 },
      fleet: {
        instances: 1,
        otherClients: [
          { name: 'celery', connections: 262143 },
          { name: 'admin', connections: 10 },
        ],
      },
    },
    'fleet.otherClients[1].connections: expected at most 262143 connections opened at the start',
  ),
  // Hardening 6: SQLAlchemy's own "no limit" settings were refused as any number out of range.
  field(
    "SQLAlchemy's max_overflow -1 (hardening 6)",
    {
      app: { steps: [{ kind: 'dbConnect' }, { kind: 'dbClose' }], pool: { maxOverflow: -1 } },
      database: { forkTime: 0.002, backendStartTime: 0.01 },
    },
    "app.pool.maxOverflow: expected a number >= 0: SQLAlchemy's max_overflow -1 (no limit on the overflow) is 262143 here",
  ),
  // Hardening 6: said 'at app.pool.timeout.dist: expected a distribution whose dist is one of ...,
  // got string "exponential"; did you mean "exponential"?' of a field that takes no distribution.
  field(
    'a distribution for a field of one duration (hardening 6)',
    {
      app: { steps: [{ kind: 'dbConnect' }, { kind: 'dbClose' }], pool: { timeout: { dist: 'exponential', mean: 1 } } },
      database: { forkTime: 0.002, backendStartTime: 0.01 },
    },
    'app.pool.timeout: expected a duration such as 0.25, "250ms" or "2s", got an object (a distribution: this field takes one duration)',
  ),
  field(
    "SQLAlchemy's pool_size 0 (hardening 6)",
    {
      app: { steps: [{ kind: 'dbConnect' }, { kind: 'dbClose' }], pool: { size: 0 } },
      database: { forkTime: 0.002, backendStartTime: 0.01 },
    },
    "app.pool.size: expected a number > 0: SQLAlchemy's pool_size 0 (no limit: the pool keeps every connection it opens",
  ),
  // Hardening 5: each start-up attempt an object before PostgreSQL answers any: ten such workers took 2.4 GB, a hundred ran out of memory.
  field(
    'asyncpg pools opening too many connections at start-up together (hardening 5)',
    {
      server: { workerClass: 'uvicorn.workers.UvicornWorker', workers: 10 },
      app: { driver: 'asyncpg', steps: [{ kind: 'dbConnect' }, { kind: 'dbClose' }], asyncpgPool: { minSize: 262143, maxSize: 262143 } },
      database: { forkTime: 0.002, backendStartTime: 0.01, maxConnections: 262143 },
    },
    "app.asyncpgPool.minSize: expected at most 262143 connections opened at start-up by the workers' asyncpg pools together",
  ),
  field(
    'a rate schedule ending at 0 (item 20)',
    {
      client: {
        concurrency: undefined,
        requests: 10,
        arrivals: {
          steps: [
            { from: 0, rate: 100 },
            { from: '50ms', rate: 0 },
          ],
        },
      },
    },
    'client.arrivals.steps[1].rate: expected a rate above 0 in the last step',
  ),
  field(
    'an arrival rate beyond the clock',
    { client: { concurrency: undefined, arrivals: { rate: 1e9 } } },
    'client.arrivals.rate: expected a number <= 1000000',
  ),
  field('more cores than Linux supports', { machine: { cores: 100000 } }, 'machine.cores: expected a number <= 8192'),
  field(
    "max_connections beyond PostgreSQL's",
    { ...db, database: { ...db.database, maxConnections: 1000000 } },
    'database.maxConnections: expected a number <= 262143',
  ),
  field(
    'an event budget beyond a quarter of an hour',
    { limits: { maxEvents: 1e12 } },
    'limits.maxEvents: expected a number <= 1000000000',
  ),
  {
    ...field(
      'a handler of 20,000 steps',
      steps(...Array.from({ length: 20000 }, () => ({ kind: 'sleep', time: 0 }))),
      'app.steps: expected a list with <= 10000 items, got a list of 20000 items',
    ),
    shown: '{"app":{"steps":[{"kind":"sleep","time":0}, ... 20,000 of them]}}',
  },
  // Issue 17, item 3: hundreds of thousands of unknown keys took seconds and hundreds of MB.
  {
    ...field(
      'an object of 20,000 keys (item 3)',
      { server: Object.fromEntries(Array.from({ length: 20000 }, (_, i) => [`k${i}`, 1])) },
      'at server: expected an object with <= 10000 keys, got an object of 20002 keys',
    ),
    shown: '{"server":{"k0":1, ... 20,000 of them}}',
  },
  // Issue 21: incidents.
  field(
    'a timeline event that is neither a change nor a kill',
    { timeline: [{ at: 10, until: 20 }] },
    'timeline[0].change: expected one of "change"',
  ),
  field(
    'a timeline event undone before it starts',
    { timeline: [{ at: 20, until: 10, change: 'app.httpTime', multiply: 2 }] },
    'timeline[0].until: expected "until" later than "at"',
  ),
  field(
    'a rate change for hey (no open-loop rate)',
    { timeline: [{ at: 1, until: 2, change: 'client.rate', multiply: 2 }] },
    'timeline[0].change: client.rate changes the open-loop rate',
  ),
  // Found while extending the property tests' generator (no invariant flags it): the run
  // stopped when the arrivals did, with 2 of its 10 requests sent, and reported itself complete.
  field(
    'an open-loop rate set to 0 for good while the client counts requests',
    {
      client: { concurrency: undefined, requests: 10, arrivals: { rate: 100 } },
      timeline: [{ at: '20ms', change: 'client.rate', set: 0 }],
    },
    'timeline[0].set: expected the open-loop rate above 0 once the timeline is over',
  ),
  // A ramp's 100 ms steps up to a time budget of 1e7 s ran the process out of memory (exit 134).
  field(
    'a ramp of the rate over months (hardening 4)',
    {
      client: { concurrency: undefined, requests: 10, arrivals: { rate: 100 } },
      timeline: [{ at: 0, until: 1e8, change: 'client.rate', rampTo: 1000 }],
      limits: { maxSimTime: 1e7 },
    },
    'timeline[0].until: expected a rate schedule of at most 1000000 steps',
  ),
  // Each spike went over an hour's ramp, 36,000 steps: a minute and a half before the run.
  {
    ...field(
      'thousands of spikes on an hour-long ramp (hardening 4)',
      {
        client: { concurrency: undefined, requests: 10, arrivals: { rate: 100 } },
        timeline: [
          { at: 0, until: 3600, change: 'client.rate', rampTo: 1000 },
          ...Array.from({ length: 999 }, (_, i) => ({ at: i + 0.5, until: i + 0.6, change: 'client.rate', multiply: 2 })),
        ],
      },
      'timeline[555]: expected client.rate changes that cost at most 20000000 rate steps in all to apply',
    ),
    shown:
      '{"timeline":[{"at":0,"until":3600,"change":"client.rate","rampTo":1000},{"at":0.5,"until":0.6,"change":"client.rate","multiply":2}, ... 999 spikes]}',
  },
  field(
    'changing the cores of a fifo machine during a run',
    { machine: { scheduler: 'fifo' }, timeline: [{ at: 1, until: 2, change: 'machine.cores', multiply: 0.5 }] },
    'timeline[0].change: machine.cores changes during a run only under processor sharing',
  ),
  field(
    'a wake-up latency with one run queue for all cores',
    { machine: { wakeupLatency: '40us' } },
    "machine.wakeupLatency: a wake-up latency is an idle core's",
  ),
  field(
    "a core's slow spells shorter than a millisecond",
    { machine: { slowSpells: { slowdown: 1.8, slow: 0.0001, fast: 0.3 } } },
    "machine.slowSpells.slow: a spell of a core's speed lasting 100 µs on average",
  ),
  field(
    'EEVDF time slices with one run queue for all cores',
    { machine: { timeSlices: 'eevdf' } },
    'machine.timeSlices: time slices are taken on one core among its own runnable tasks',
  ),
  field(
    "the next buddy's wake-ups without EEVDF's time slices",
    { machine: { runQueues: 'per-core', wakeupPreemption: 'next-buddy' } },
    'machine.wakeupPreemption: a woken task takes its core over only where a core runs one task at a time',
  ),
  field(
    'per-core run queues on a machine of thousands of cores',
    { machine: { cores: 8192, runQueues: 'per-core' } },
    'machine.cores: expected at most 256 cores with machine.runQueues "per-core"',
  ),
  field(
    'a cache refill with one run queue for all cores',
    { server: { cacheRefillCpu: [{ others: 2, cpu: '50us' }] } },
    'server.cacheRefillCpu: a cache refill is paid on the core a worker wakes on',
  ),
  field(
    "a cache refill's points out of order",
    {
      machine: { runQueues: 'per-core' },
      server: {
        cacheRefillCpu: [
          { others: 3, cpu: '50us' },
          { others: 2, cpu: '40us' },
        ],
      },
    },
    'server.cacheRefillCpu: expected the points in increasing "others"',
  ),
  field('an unknown jitter', { client: { retries: { jitter: 'fulll' } } }, 'client.retries.jitter'),
  field(
    'killing more workers than there are',
    { timeline: [{ at: 1, killWorkers: 3 }] },
    'timeline[0].killWorkers: expected at most server.workers (2)',
  ),
  { group: 'Scenario fields', what: 'a list instead of a scenario', file: '[]\n', shown: '[]', argv: run, exit: 2, names: '(top level)' },

  // --- Command line ---
  flag('no command', [], 'name a command'),
  // Bad-input audit: was "unknown option --version; did you mean --version?".
  flag('--version with a command (bad-input audit)', [...run, '--version'], '--version takes nothing else'),
  flag('a misspelt command', ['runn', 'scenario.json'], '"runn"'),
  // Review: said "unexpected argument "set"" (yargs reads --no-set as set=false), and with
  // --set a=1 "unknown option --set; did you mean --set?".
  flag('a misspelt command with --no-set (review)', ['runn', 'scenario.json', '--no-set'], 'unknown command "runn"; did you mean "run"?'),
  flag(
    'a misspelt command with --set (review)',
    ['runn', 'scenario.json', '--set', 'seed=1'],
    'unknown command "runn"; did you mean "run"?',
  ),
  flag('no scenario file', ['run'], 'sim run <scenario.json>'),
  flag('two scenario files', [...run, 'other.json'], '"other.json"'),
  flag('a misspelt option', [...run, '--jsn'], '--jsn'),
  flag('a value on a switch', [...run, '--check=3'], '--check'),
  flag('a seed that is not a number', [...run, '--seed', 'abc'], '--seed abc: at seed'),
  flag('a fractional seed', [...run, '--seed', '2.5'], '--seed 2.5: at seed'),
  flag('a flag without its value', [...run, '--seed'], '--seed'),
  flag('a flag given twice', [...run, '--seed', '1', '--seed', '2'], '--seed'),
  flag('--set without "="', [...run, '--set', 'client.concurrency'], '--set client.concurrency'),
  flag('--set with an empty path', [...run, '--set', 'client..requests=5'], '--set client..requests=5'),
  flag('--set inside a number', [...run, '--set', 'client.requests.max=5'], '--set client.requests.max=5'),
  // Review: said 'unknown key "0"; did you mean "io"?'.
  flag(
    '--set of an index into an object (review)',
    [...run, '--set', 'app.steps[0][0]=1'],
    '--set app.steps[0][0]=1: at app.steps[0].0: unknown key "0": app.steps[0] is an object, not a list, so [0] cannot index it',
  ),
  flag('--set past the end of a list', [...run, '--set', 'app.steps[3].time=1'], '--set app.steps[3].time=1'),
  flag('--set of a misspelt field', [...run, '--set', 'client.concurency=5'], '--set client.concurency=5: at client.concurency'),
  flag('--set of a bad value', [...run, '--set', 'app.steps[0].time=-1'], '--set app.steps[0].time=-1: at app.steps[0].time'),
  flag('an event budget of zero', [...run, '--max-events', '0'], '--max-events 0: at limits.maxEvents'),
  flag('a time budget without a unit', [...run, '--max-sim-time', 'forever'], '--max-sim-time forever: at limits.maxSimTime'),
  flag('sim fit without --free', ['fit', 'scenario.json', 'hey.txt'], '--free'),
  flag(
    'a fit target named twice (hardening)',
    [
      'fit',
      'scenario.json',
      'test/fixtures/hey/patched-c10.r1.txt',
      '--free',
      'app.steps[0].time',
      '--target',
      'requestsPerSec,requestsPerSec',
    ],
    '--target requestsPerSec,requestsPerSec: requestsPerSec is named twice',
  ),
  // Leftovers audit: was taken, and a search that did not converge could run for days.
  flag(
    'a fit with too many evaluations (leftovers audit)',
    ['fit', 'scenario.json', 'test/fixtures/hey/patched-c10.r1.txt', '--free', 'app.steps[0].time', '--max-evaluations', '1e9'],
    '--max-evaluations 1e9: expected at most 10000 (each evaluation simulates every measured configuration',
  ),
  // Hardening 2: the starting simplex's n + 1 evaluations were spent whatever it said.
  flag(
    'a fit allowed fewer evaluations than its starting simplex (hardening 2)',
    ['fit', 'scenario.json', 'test/fixtures/hey/patched-c10.r1.txt', '--free', 'app.steps[0].time', '--max-evaluations', '1'],
    '--max-evaluations 1: a simplex search starts with 2 evaluations',
  ),
  // Issue 17, item 9: was an internal error, and a silently dropped override.
  flag(
    "--set of a list's length (item 9)",
    [...run, '--set', 'app.steps.length=0'],
    '--set app.steps.length=0: app.steps is a list of 1 item, not an object',
  ),
  flag(
    '--set of a name inside a list (item 9)',
    [...run, '--set', 'app.steps.foo=1'],
    '--set app.steps.foo=1: app.steps is a list of 1 item',
  ),
  // Issue 17, item 5: was "internal error: ... reading 'from'".
  flag(
    '--set of an empty rate schedule (item 5)',
    [...run, '--set', 'client.arrivals={"steps":[]}'],
    'client.arrivals.steps: expected a list with >= 1 items',
  ),
  // Issue 17, item 17: was "got number null".
  flag(
    '--set of a number too large (item 17)',
    [...run, '--set', 'client.requests=1e400'],
    '--set client.requests=1e400: the number 1e400 is too large',
  ),
  // Issue 17, item 18: was ignored (exit 0).
  flag('a trailing --set without its value (item 18)', [...run, '--set'], '--set: expected a value'),
  flag(
    'a timeout under a microsecond (item 6)',
    [...run, '--set', 'client.timeout=0.0000004'],
    '--set client.timeout=0.0000004: at client.timeout: expected 0 or a duration of at least 0.000001 s',
  ),
  {
    ...flag(
      'a key with a terminal escape code (item 16)',
      [...run, '--set', 'server.\u001bc\u0007=1'],
      '--set server.\\u001bc\\u0007=1: at server.\\u001bc\\u0007: unknown key "\\u001bc\\u0007"',
    ),
    shown: 'sim run scenario.json --set server.<ESC>c<BEL>=1',
  },

  // Hardening audit: these said "sim merge <scenario.json>" and "a command takes one scenario file".
  flag('sim merge without its shards (hardening)', ['merge'], 'expected the files to work on: sim merge <shard.json...>'),
  flag('a file given to sim init (hardening)', ['init', 'scenario.json'], 'unexpected argument "scenario.json": sim init takes no file'),
  flag('sim help of two commands (hardening)', ['help', 'run', 'sweep'], 'unexpected argument "sweep": sim help takes one command'),
  flag('sim help with an option (hardening)', ['help', '--json'], '--json is an option, not a command'),
  // Hardening audit: said "a command takes one scenario file".
  flag('an argument to sim completion (hardening)', ['completion', 'fish'], 'unexpected argument "fish": sim completion takes nothing'),
  // Hardening audit: these named "scenario.json (for ..., with --set)", not the --set.
  flag(
    'sim compare with a --set the scenario refuses (hardening)',
    ['compare', 'scenario.json', 'test/fixtures/hey/patched-c10.r1.txt', '--set', 'server.workers=abc'],
    '--set server.workers=abc (for test/fixtures/hey/patched-c10.r1.txt): at server.workers: expected a number, got string "abc"',
  ),
  // Newcomer: was "unknown option -c", where a hey user says how an output was run.
  flag(
    "hey's -c on sim compare (newcomer)",
    ['compare', 'scenario.json', 'test/fixtures/hey/patched-c10.r1.txt', '-c', '100'],
    'unknown option -c: sim compare takes each run\'s hey flags from the first line of its output ("$ hey -c 100 http://..." above hey\'s report, as the calibration kit saves it); for an output saved without that line, --set client.concurrency=100',
  ),
  flag(
    "hey's -disable-keepalive on sim fit (newcomer)",
    ['fit', 'scenario.json', 'test/fixtures/hey/patched-c10.r1.txt', '--free', 'app.steps[0].time', '-disable-keepalive'],
    "unknown option -disable-keepalive: sim fit takes each run's hey flags from the first line of its output",
  ),
  flag(
    'sim fit with a --set the scenario refuses (hardening)',
    ['fit', 'scenario.json', 'test/fixtures/hey/patched-c10.r1.txt', '--free', 'app.steps[0].time', '--set', 'server.workers=abc'],
    '--set server.workers=abc: at server.workers: expected a number, got string "abc"',
  ),
  // Hardening audit: was "sim init: at server.workers".
  flag(
    "sim init's --workers beyond the field's bound (hardening)",
    ['init', '--workers', '1e9'],
    '--workers 1e9: at server.workers: expected a number <= 10000',
  ),
  // Hardening audit: the value a hey flag gave was refused in the name of a --set never typed.
  flag(
    "hey's -c beyond the field's bound (hardening)",
    [...run, '-c', '200000'],
    '-c 200000: at client.concurrency: expected a number <= 100000',
  ),
  flag("sim init's -c beyond the field's bound (hardening)", ['init', '-c', '200000'], '-c 200000: at client.concurrency'),
  // Hardening 8: a rule weighing two fields named the file's place of one when a flag had
  // changed the other ("scenario.json:5:5" for -n 2; "sim init:" alone for --max-connections 3).
  flag(
    "-n below the file's -c (hardening 8)",
    [...run, '-n', '2'],
    '-n 2: at client.concurrency: expected concurrency <= requests, 2 here',
  ),
  flag(
    "sim init's --max-connections within the reserved connections (hardening 8)",
    ['init', '--max-connections', '3'],
    '--max-connections 3: at database.superuserReservedConnections',
  ),
  flag('a value on --disable-keepalive (hardening)', [...run, '--disable-keepalive=yes'], '--disable-keepalive=yes: expected no value'),
  // Hardening 6: became --set client.rate=Infinity, refused as 'got string "Infinity"'.
  flag("hey's -q beyond range (hardening 6)", [...run, '-q', '1e400'], '-q 1e400: expected a number within range'),
  // Hardening 6: refused by the step as "got number Infinity".
  flag("sim init's --query beyond range (hardening 6)", ['init', '--query', '1e400'], '--query 1e400: the number 1e400 is too large'),
  // Hardening audit: "-" was read by yargs as the scenario "" ("sim: : cannot read the
  // scenario"), or as a second file; --out=- wrote a file named "-".
  flag('"-" for the scenario (hardening)', ['run', '-'], '-: expected a file name: sim reads no standard input'),
  flag('"-" for standard output (hardening)', [...run, '--out', '-'], '--out -: expected a file name: without --out the output goes'),
  flag('"-" for --json (hardening)', [...run, '--json=-'], '--json -: expected a file name: --json with no file writes the JSON'),
  flag('"-" for a seed (hardening)', [...run, '--seed', '-'], '--seed -: at seed: expected a number, got string "-"'),
  // Hardening audit: what followed "--" was dropped without a word, and the run went on.
  flag('a second scenario after "--" (hardening)', [...run, '--', 'other.json'], 'unexpected argument "other.json" after "--"'),
  flag('a flag after "--" (hardening)', [...run, '--', '--seed', '3'], 'unexpected argument "--seed" after "--"'),
  // Hardening audit: said "unknown option --x" for -x, and "unexpected argument" for -xyz.
  flag('an unknown one-dash option (hardening)', [...run, '-x'], 'unknown option -x'),
  flag('unknown one-dash options run together (hardening)', [...run, '-xyz'], 'unknown option -xyz'),
  // Fresh-eyes audit: said "unknown option -1s" (yargs read -1s as the options -1 and -s).
  flag('a negative duration after its flag (audit)', [...run, '--max-sim-time', '-1s'], '--max-sim-time -1s: at limits.maxSimTime'),
  flag('a negative p99 after its flag (audit)', [...plan, '--target-rps', '10', '--p99', '-1s'], '--p99 -1s: expected seconds > 0'),
  // Input hunt: said "scenario.json:5:12: at app.steps[1].kind", a place in the file that is not wrong.
  flag(
    '--set of a new step without its kind (input hunt)',
    [...run, '--set', 'app.steps[1].time=1'],
    '--set app.steps[1].time=1: at app.steps[1].kind: missing required field',
  ),
  // Input hunt: yargs gives every option a --no- form: --no-set was "internal error:
  // expression.indexOf is not a function" (exit 1), --no-plot Node's words on a path of
  // type boolean, --no-seed "--seed false: ... got boolean false", --no-chek "unexpected argument".
  flag('--no- of a repeatable flag (input hunt)', [...run, '--no-set'], '--no-set: --set takes a value and has no --no- form'),
  flag('--no- of an output flag (input hunt)', [...run, '--no-plot'], '--no-plot: --plot takes a value and has no --no- form'),
  flag('a misspelt --no- switch (input hunt)', [...run, '--no-chek'], 'unknown option --no-chek; did you mean --no-check?'),
  // Bad-input audit: yargs makes a list of an output flag given twice, which reached the file
  // system as the path "a,b" ("The "path" argument must be of type string"), and with --emit
  // was an internal error (exit 1).
  flag('--plot given twice (bad-input audit)', [...run, '--plot', 'a', '--plot', 'b'], '--plot: given 2 times (a, b); give it once'),
  flag(
    "a sweep's --json given twice (bad-input audit)",
    ['sweep', 'scenario.json', '--vary', 'server.workers=1,2', '--json', 'a.json', '--json', 'b.json'],
    '--json: given 2 times (a.json, b.json); give it once',
  ),
  flag(
    "a sweep's --csv given twice (bad-input audit)",
    ['sweep', 'scenario.json', '--vary', 'server.workers=1,2', '--csv', 'a.csv', '--csv', 'b.csv'],
    '--csv: given 2 times (a.csv, b.csv); give it once',
  ),
  flag(
    '--json given twice to --emit (bad-input audit)',
    ['sweep', 'scenario.json', '--vary', 'server.workers=1,2', '--emit', 'slurm', '--shards', '2', '--json', 'a.json', '--json', 'b.json'],
    '--json: given 2 times (a.json, b.json); give it once',
  ),

  // --- Sweeps and plans ---
  // Said only "--target-rps: expected a value", then on the next try "--p99: ... e.g. --p99 VALUE";
  // then "expected a value" for flags not typed at all (newcomer): "required" says they are missing.
  flag('a plan without its targets', [...plan], '--target-rps, --p99: required, e.g. --target-rps 500 --p99 300ms', 'Sweeps and plans'),
  flag('a plan without its p99 target', [...plan, '--target-rps', '10'], '--p99: required, e.g. --p99 300ms', 'Sweeps and plans'),
  // Leftovers audit: was written into #SBATCH --array=0-1999, which sbatch refuses.
  flag(
    'a Slurm job array beyond MaxArraySize (leftovers audit)',
    ['sweep', 'scenario.json', '--vary', 'seed=1..2000', '--emit', 'slurm', '--shards', '2000'],
    "--shards 2000: --emit slurm puts the shards in one job array (--array=0-1999), and Slurm's MaxArraySize",
    'Sweeps and plans',
  ),
  // Hardening 2: kubectl apply failed on it (parallelism beyond 100000).
  flag(
    'a Kubernetes Indexed Job beyond 100000 shards (hardening 2)',
    ['sweep', 'scenario.json', '--vary', 'seed=1..50001', '--vary', 'server.workers=1,2', '--emit', 'kubernetes', '--shards', '100001'],
    '--shards 100001: --emit kubernetes runs the shards as one Indexed Job',
    'Sweeps and plans',
  ),
  // Hardening 2: its merge reads the folder of the shard outputs, beside which it is written.
  flag(
    'a Kubernetes --json named as a shard output (hardening 2)',
    ['sweep', 'scenario.json', '--vary', 'seed=1..4', '--emit', 'kubernetes', '--shards', '2', '--json', 'shard-1.json'],
    '--json shard-1.json: the Kubernetes job writes it beside the shard outputs',
    'Sweeps and plans',
  ),
  flag(
    'a --vary range that is not one',
    ['sweep', 'scenario.json', '--vary', 'server.workers=1..x'],
    '--vary server.workers=1..x',
    'Sweeps and plans',
  ),
  // Hardening 2: was "--set app.steps[x=1: ...", naming a --set never typed.
  flag(
    'a --vary path that is not one (hardening 2)',
    ['sweep', 'scenario.json', '--vary', 'app.steps[x=1'],
    '--vary app.steps[x=1: "app.steps[x" is not a field path',
    'Sweeps and plans',
  ),
  flag(
    'a --vary of a misspelt field',
    ['sweep', 'scenario.json', '--vary', 'server.wrkers=1,2'],
    '--vary server.wrkers=1,2 (server.wrkers=1): at server.wrkers',
    'Sweeps and plans',
  ),
  flag(
    'a --vary value the field refuses',
    ['sweep', 'scenario.json', '--vary', 'server.workers=0,1'],
    '--vary server.workers=0,1 (server.workers=0): at server.workers',
    'Sweeps and plans',
  ),
  // Hardening 8: Infinity, refused at the first point as "(server.workers=null): ... got null".
  flag(
    'a --vary value too large for a number (hardening 8)',
    ['sweep', 'scenario.json', '--vary', 'server.workers=1,1e400'],
    '--vary server.workers=1,1e400: the number 1e400 is too large',
    'Sweeps and plans',
  ),
  flag('nothing to vary', ['sweep', 'scenario.json'], 'name what to vary', 'Sweeps and plans'),
  // Newcomer: was the sweep's example, a load to vary, where a plan chooses among server settings.
  flag(
    'a plan with nothing to vary',
    ['plan', 'scenario.json', '--target-rps', '10', '--p99', '1s'],
    'plan: name the configurations to choose from: --vary server.workers=1..8',
    'Sweeps and plans',
  ),
  flag(
    'threads that are not a number',
    ['sweep', 'scenario.json', '--vary', 'server.workers=1,2', '--jobs', 'abc'],
    '--jobs abc',
    'Sweeps and plans',
  ),
  flag(
    'zero replications',
    ['sweep', 'scenario.json', '--vary', 'server.workers=1,2', '--replications', '0'],
    '--replications 0',
    'Sweeps and plans',
  ),
  // Issue 17, item 4: was V8 out of memory (exit 134), and an internal error.
  flag(
    'a billion replications (item 4)',
    ['sweep', 'scenario.json', '--vary', 'server.workers=1,2', '--replications', '1000000000'],
    '--replications 1000000000: expected at most 10000',
    'Sweeps and plans',
  ),
  flag(
    'too many runs in all (item 4)',
    ['sweep', 'scenario.json', '--vary', 'server.workers=1..1000', '--replications', '5000'],
    '--replications 5000: 1000 points x 5000 replications',
    'Sweeps and plans',
  ),
  // Hardening audit: was "scenario.json: at sweep.replications", a field the file does not have.
  flag(
    'too many points in all (hardening)',
    ['sweep', 'scenario.json', '--vary', 'server.workers=1..1000', '--vary', 'client.requests=1..1001'],
    '--vary server.workers=1..1000 --vary client.requests=1..1001: 1001000 points x 1 replications',
    'Sweeps and plans',
  ),
  {
    ...flag(
      'a sweep block of too many points (hardening)',
      ['sweep', 'scenario.json'],
      'at sweep.vary: 1001000 points',
      'Sweeps and plans',
    ),
    file: scenario({ sweep: { vary: ['server.workers=1..1000', 'client.requests=1..1001'] } }),
    shown: '{"sweep":{"vary":["server.workers=1..1000","client.requests=1..1001"]}}',
  },
  // Hardening audit: these named a --vary the file's sweep block had, not one typed.
  {
    ...flag(
      'a sweep block varying a misspelt field (hardening)',
      ['sweep', 'scenario.json'],
      'scenario.json: sweep.vary[0] server.wrkers=1,2 (server.wrkers=1): at server.wrkers: unknown key "wrkers"',
      'Sweeps and plans',
    ),
    file: scenario({ sweep: { vary: ['server.wrkers=1,2'] } }),
    shown: '{"sweep":{"vary":["server.wrkers=1,2"]}}',
  },
  {
    ...flag(
      'a sweep block varying a field twice (hardening)',
      ['sweep', 'scenario.json'],
      'scenario.json: sweep.vary[1] server.workers=3: server.workers is already varied by sweep.vary[0] server.workers=1,2',
      'Sweeps and plans',
    ),
    file: scenario({ sweep: { vary: ['server.workers=1,2', 'server.workers=3'] } }),
    shown: '{"sweep":{"vary":["server.workers=1,2","server.workers=3"]}}',
  },
  // Review: a sweep block given by --set was blamed on the file ("scenario.json: at sweep.vary[0]").
  flag(
    'a bad sweep.vary item given by --set (review)',
    ['sweep', 'scenario.json', '--set', 'sweep={"vary":["bad"]}'],
    '--set sweep={"vary":["bad"]}: at sweep.vary[0]: bad: expected path=values',
    'Sweeps and plans',
  ),
  flag(
    'a sweep.vary item given by --set varying a misspelt field (review)',
    ['sweep', 'scenario.json', '--set', 'sweep.vary[0]=server.wrkers=1,2'],
    '--set sweep.vary[0]=server.wrkers=1,2: sweep.vary[0] server.wrkers=1,2 (server.wrkers=1): at server.wrkers: unknown key "wrkers"',
    'Sweeps and plans',
  ),
  // Issue 17, item 5 in a sweep (the run and --set cases are above; --vary cannot give a
  // list), and item 7 for --csv: both were internal errors.
  {
    ...flag(
      'a sweep of an empty rate schedule (item 5)',
      ['sweep', 'scenario.json', '--vary', 'server.workers=1,2'],
      'at client.arrivals.steps: expected a list with >= 1 items',
      'Sweeps and plans',
    ),
    file: scenario({ client: { concurrency: undefined, arrivals: { steps: [] } } }),
  },
  flag(
    'a --csv path under a file (item 7)',
    ['sweep', 'scenario.json', '--vary', 'server.workers=1,2', '--csv', 'scenario.json/sweep.csv'],
    '--csv scenario.json/sweep.csv: cannot write: a file is in the way',
    'Sweeps and plans',
  ),
  // Issue 17, item 10: was exit 0, the value dropped.
  flag(
    'a --vary of __proto__ (item 10)',
    ['sweep', 'scenario.json', '--vary', '__proto__=1,2'],
    'at __proto__: unknown key "__proto__"',
    'Sweeps and plans',
  ),
  // Issue 17, item 15: the sweep ran first, then its results were lost.
  flag(
    'a --json folder that does not exist (item 15)',
    ['sweep', 'scenario.json', '--vary', 'server.workers=1,2', '--json', 'no/such/folder/sweep.json'],
    '--json no/such/folder/sweep.json: cannot write: no such folder',
    'Sweeps and plans',
  ),
  flag('a target that is not a number', [...plan, '--target-rps', 'lots', '--p99', '1'], '--target-rps lots', 'Sweeps and plans'),

  // Hardening audit: was "--p99: expected seconds (0.3) or a duration ("300ms"), got 0".
  flag(
    'a p99 target of zero (hardening)',
    [...plan, '--target-rps', '10', '--p99', '0'],
    '--p99 0: expected seconds > 0 (0.3) or a duration ("300ms"), got "0"',
    'Sweeps and plans',
  ),
  // Input hunt: taken silently, where --free and --target refuse a name given twice.
  flag(
    'a cost named twice (input hunt)',
    [...plan, '--target-rps', '10', '--p99', '1', '--cost', 'cores,workers,cores'],
    '--cost cores,workers,cores: cores is named twice; name each cost once',
    'Sweeps and plans',
  ),
  flag(
    'a plan for every replication with only one',
    [...plan, '--target-rps', '10', '--p99', '1', '--every-replication'],
    '--every-replication: expected --replications N with N >= 2',
    'Sweeps and plans',
  ),
  flag(
    'a value on --every-replication',
    [
      'plan',
      'scenario.json',
      '--vary',
      'server.workers=1,2',
      '--target-rps',
      '10',
      '--p99',
      '1',
      '--every-replication=maybe',
      '--replications',
      '2',
    ],
    '--every-replication: expected no value (or =true, =false), got "maybe"',
    'Sweeps and plans',
  ),
  // Hardening audit: a plan held every point's scenario before its first run (a million
  // points: gigabytes), and accepted any grid a sweep accepts.
  flag(
    'a plan of too many runs (hardening)',
    ['plan', 'scenario.json', '--target-rps', '10', '--p99', '1', '--vary', 'server.workers=1..1000', '--vary', 'client.requests=20..30'],
    '--vary server.workers=1..1000 --vary client.requests=20..30: 11000 points x 1 replications = 11000 runs; at most 10000',
    'Sweeps and plans',
  ),
  // Fresh-eyes audit: the charts plot against the first swept field as numbers, and drew
  // nothing (exit 0) against worker classes or pool sections.
  flag(
    'charts against words (audit)',
    ['sweep', 'scenario.json', '--vary', 'server.workerClass=gevent,eventlet', '--plot', 'report.plots'],
    '--plot: the charts draw against the first swept field, server.workerClass, and its values are not numbers',
    'Sweeps and plans',
  ),
  flag(
    'charts against sections, a number swept second (audit)',
    [
      'plan',
      'scenario.json',
      '--vary',
      'app.steps[0]={"kind":"sleep","time":0.01},{"kind":"sleep","time":0.02}',
      '--vary',
      'server.workers=1,2',
      '--target-rps',
      '10',
      '--p99',
      '1',
      '--plot',
      'report.plots',
    ],
    'put --vary server.workers=1,2 first',
    'Sweeps and plans',
  ),
  // Input hunt: a shard whose header had no "vary" (or null for "sweep") was "internal
  // error: Cannot read properties of undefined (reading 'map')" (exit 1).
  {
    group: 'Sweeps and plans',
    what: 'a shard whose header lost its --vary (input hunt)',
    file: '{"sweep":{"scenario":"s","replications":1,"points":1},"points":[]}\n',
    shown: 'sim merge scenario.json with {"sweep":{"scenario":"s","replications":1,"points":1},"points":[]}',
    argv: ['merge', 'scenario.json'],
    exit: 2,
    names: 'scenario.json: at sweep.vary: expected a list of the --vary expressions',
  },
  {
    group: 'Sweeps and plans',
    what: 'a shard whose header is null (input hunt)',
    file: '{"sweep":null,"points":[]}\n',
    shown: 'sim merge scenario.json with {"sweep":null,"points":[]}',
    argv: ['merge', 'scenario.json'],
    exit: 2,
    names: 'scenario.json: not the JSON output of sim sweep',
  },
  // Hardening 3: the Kubernetes merge, started with the shards, merged an earlier sweep's
  // complete outputs left on the volume, in silence; its merge now names the sweep and the count.
  {
    group: 'Sweeps and plans',
    what: 'a shard of another sweep than the merge expects (hardening 3)',
    file: SHARD_1_OF_2,
    shown: 'sim merge scenario.json --sweep-id 0123456789abcdef, scenario.json shard 1/2 of another sweep',
    argv: ['merge', 'scenario.json', '--sweep-id', '0123456789abcdef'],
    exit: 2,
    names: 'scenario.json: a shard of sweep ',
  },
  {
    group: 'Sweeps and plans',
    what: 'a shard cut into another count than the merge expects (hardening 3)',
    file: SHARD_1_OF_2,
    shown: 'sim merge scenario.json --shards 3, scenario.json shard 1/2',
    argv: ['merge', 'scenario.json', '--shards', '3'],
    exit: 2,
    names: 'scenario.json: shard 1/2 (cut into 2 shards), expected one of --shards 3',
  },
  {
    group: 'Sweeps and plans',
    what: "a shard whose point's values were edited (hardening 7)",
    file: shardWith({}, { values: { seed: 5 } }),
    shown: 'sim merge scenario.json, scenario.json shard 1/2 of --vary seed=1,2 whose point 0 says {"seed": 5}',
    argv: ['merge', 'scenario.json'],
    exit: 2,
    names: 'scenario.json: at points[0].values: expected {"seed":1}, the grid\'s point 0 under sweep.vary, got {"seed":5}',
  },
  {
    group: 'Sweeps and plans',
    what: 'a shard whose --vary was edited (hardening 7)',
    file: shardWith({ vary: ['seed=1,2,3'] }, {}),
    shown: 'sim merge scenario.json, scenario.json shard 1/2 of 2 points whose --vary became seed=1,2,3',
    argv: ['merge', 'scenario.json'],
    exit: 2,
    names: 'scenario.json: at sweep.points: expected 3, the points of the grid of sweep.vary, got number 2',
  },

  // --- Limits: work predictably beyond a budget is refused before the run (issue 17,
  // "refused before it starts, with the estimate"); a budget that runs out during the run
  // stops it, the report says PARTIAL, and the exit code is 0 ---
  flag(
    'requests that need more events than the budget',
    [...run, '--max-events', '10'],
    '--max-events 10: at limits.maxEvents: the run could not finish within its event budget of 10: client.requests = 20: at least 20 events',
    'Limits',
  ),
  flag(
    'hey -z longer than the time budget',
    [...run, '--set', 'client.duration=2h'],
    'at limits.maxSimTime: the run could not finish within its simulated-time budget of 3600 s: client.duration = 7200 s',
    'Limits',
  ),
  {
    group: 'Limits',
    what: 'Poisson arrivals that cannot all come within the time budget',
    file: scenario({ client: { concurrency: undefined, requests: 5000, arrivals: { rate: 1 } } }),
    shown: '{"client":{"requests":5000,"arrivals":{"rate":1}}}',
    argv: run,
    exit: 2,
    names:
      'at limits.maxSimTime: the run could not finish within its simulated-time budget of 3600 s: client.requests = 5000 Poisson arrivals',
  },
  // sim compare and sim fit check each measured run as they would simulate it: a saved
  // hey -z 10h was compared as a partial run (exit 0), and fitted to.
  flag(
    'sim compare: a measured run longer than the time budget',
    ['compare', 'scenario.json', 'test/fixtures/hey/patched-c10.r1.txt', '--set', 'client.duration=2h'],
    'at limits.maxSimTime: the run could not finish within its simulated-time budget of 3600 s: client.duration = 7200 s of sending (hey -z): at least 7200 simulated seconds; raise the budget (--set limits.maxSimTime=T)',
    'Limits',
  ),
  flag(
    'sim fit: a measured run of more requests than the event budget',
    ['fit', 'scenario.json', 'test/fixtures/hey/patched-c10.r1.txt', '--free', 'app.steps[0].time', '--set', 'limits.maxEvents=5'],
    '--set limits.maxEvents=5 (for test/fixtures/hey/patched-c10.r1.txt): at limits.maxEvents: the run could not finish within its event budget of 5: client.requests = 10: at least 10 events (one or more each); raise the budget (--set limits.maxEvents=N, at most 1000000000)',
    'Limits',
  ),
  // sim sweep, sim plan and sim serve said sim run's --max-events / --max-sim-time, which
  // they reject as unknown options: each names what it takes instead.
  flag(
    'sim sweep: a point longer than the time budget',
    ['sweep', 'scenario.json', '--vary', 'client.duration=10m,2h'],
    'at limits.maxSimTime: the run could not finish within its simulated-time budget of 3600 s: client.duration = 7200 s of sending (hey -z): at least 7200 simulated seconds; raise the budget (--set limits.maxSimTime=T)',
    'Limits',
  ),
  flag(
    'sim plan: a point of more requests than the event budget',
    [...plan, '--target-rps', '10', '--p99', '1', '--set', 'limits.maxEvents=10'],
    'at limits.maxEvents: the run could not finish within its event budget of 10: client.requests = 20: at least 20 events (one or more each); raise the budget (--set limits.maxEvents=N, at most 1000000000)',
    'Limits',
  ),
  {
    group: 'Limits',
    what: 'sim serve: a scenario of more requests than the event budget',
    file: scenario({ limits: { maxEvents: 10 } }),
    shown: 'sim serve scenario.json with {"limits":{"maxEvents":10}}',
    argv: ['serve', 'scenario.json', '--port', '0'],
    exit: 2,
    names:
      'at limits.maxEvents: the run could not finish within its event budget of 10: client.requests = 20: at least 20 events (one or more each); raise the budget (limits.maxEvents in scenario.json, at most 1000000000)',
  },
  {
    group: 'Limits',
    what: 'the event budget runs out',
    file: valid,
    shown: 'sim run scenario.json --max-events 30',
    argv: [...run, '--max-events', '30'],
    exit: 0,
    names: 'limits.maxEvents = 30',
  },
  {
    group: 'Limits',
    what: 'the simulated-time budget runs out',
    file: valid,
    shown: 'sim run scenario.json --max-sim-time 30ms',
    argv: [...run, '--max-sim-time', '30ms'],
    exit: 0,
    names: 'limits.maxSimTime = 0.03 s',
  },
  {
    group: 'Limits',
    what: "cores switching speed beyond the event budget's bound (hardening 5)",
    file: scenario({
      machine: { cores: 1000, slowSpells: { slowdown: 2, slow: '1ms', fast: '1ms' } },
      app: { steps: [{ kind: 'sleep', time: '1h' }] },
    }),
    shown:
      'sim run scenario.json --max-events 1000, {"machine":{"cores":1000,"slowSpells":{"slowdown":2,"slow":"1ms","fast":"1ms"}},"app":{"steps":[{"kind":"sleep","time":"1h"}]}}',
    argv: [...run, '--max-events', '1000'],
    exit: 0,
    names: 'machine.slowSpells) 10000 times in all',
  },
  {
    group: 'Limits',
    what: 'thousands of runnable tasks on per-core run queues (hardening 5)',
    file: scenario({
      client: { requests: 2000, concurrency: 2000 },
      server: { workerClass: 'sync', workers: 2000 },
      machine: { cores: 2, runQueues: 'per-core' },
      app: { steps: [{ kind: 'cpu', time: '10ms' }] },
    }),
    shown:
      'sim run scenario.json --max-events 20000, {"client":{"requests":2000,"concurrency":2000},"server":{"workerClass":"sync","workers":2000},"machine":{"cores":2,"runQueues":"per-core"},"app":{"steps":[{"kind":"cpu","time":"10ms"}]}}',
    argv: [...run, '--max-events', '20000'],
    exit: 0,
    names: 'had gone over 1000000 runnable tasks in all',
  },
];
