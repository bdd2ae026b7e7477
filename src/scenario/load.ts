// Reading a scenario: JSON text -> command-line overrides -> validation with defaults.
// Every failure is a UserError that says where: file:line:column and the JSON path for a
// field of the file, the user's own words for a field an override set.
import type { z } from 'zod';
import { MEASURED_COSTS } from './measuredCosts.js';
import * as msg from '../messages.js';
import { checkBudgets, type BudgetFlags } from './budgets.js';
import { checkCostNotes } from './costs.js';
import { meanSeconds, toDistribution } from './durations.js';
import { checkIncidents } from './incidentChecks.js';
import { UserError, formatPath } from './errors.js';
import { describeIssues } from './issues.js';
import { JsonSyntaxError, parseJsonText, parseJsonValue, pathKey, type JsonLocation } from './jsonText.js';
import { applyOverride, type Override } from './overrides.js';
import { MAX_LIST, scenarioSchema, type Scenario } from './schema.js';
import { defaultTaskGroups } from './serverSchema.js';
import { MAX_CACHE_KEYS, MAX_FLEET_WORKERS, MAX_PER_CORE_CORES, MAX_PG_CONNECTIONS, MIN_POSITIVE_SECONDS } from './units.js';

/**
 * The text each parsed document was read from, kept beside the document itself: where its
 * fields are (file:line:column in a message) is read from it only when a message needs one,
 * so a valid scenario is read once, by JSON.parse (parseJsonValue), and not by the strict
 * reader, which takes several times its time and memory.
 */
const textOf = new WeakMap<object, string>();

/**
 * Parses a scenario's JSON, reporting a syntax error with its line and column; a later
 * message on one of its fields (validateScenario) names the field's line and column too.
 */
export function parseJson(text: string, source: string): unknown {
  const value = parseJsonDocument(text, source);
  if (value !== null && typeof value === 'object') textOf.set(value, text);
  return value;
}

/**
 * parseJson for a document whose messages need no field's line (sim merge's shards and the
 * load testers' JSON outputs, which name a field by its JSON path): the same value and the
 * same syntax errors, without the text kept for the fields' places.
 */
export function parseJsonDocument(text: string, source: string): unknown {
  return syntaxErrorAt(source, () => parseJsonValue(text));
}

function syntaxErrorAt<T>(source: string, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof JsonSyntaxError) throw new UserError(`${source}:${e.line}:${e.column}: ${msg.notJson(e.message)}`);
    throw e;
  }
}

/**
 * Reads a scenario from its text: parses, applies the overrides in order, validates.
 * `file` names the file in messages; `budgetFlags`, what raises a budget the work is
 * beyond on the command reading it (by default sim run's --max-events and --max-sim-time).
 */
export function loadScenario(text: string, file: string, overrides: readonly Override[] = [], budgetFlags?: BudgetFlags): Scenario {
  const raw = parseJson(text, file);
  if (overrides.length > 0 && (raw === null || typeof raw !== 'object' || Array.isArray(raw))) {
    // Nothing to override in: let validation say what the file holds instead.
    return validateScenario(raw, file);
  }
  for (const o of overrides) applyOverride(raw, o);
  return validateScenario(raw, file, overrides, { budgets: true, budgetFlags });
}

/**
 * Validates a parsed scenario and fills in defaults. `source` names the file in messages.
 * Cross-field rules that the schema cannot express are checked here too. With `budgets`
 * (the command line's runs), a scenario whose work is predictably beyond its budgets is
 * refused too (src/scenario/budgets.ts), the message naming `budgetFlags` as what raises
 * them (by default sim run's --max-events and --max-sim-time).
 */
export function validateScenario(
  raw: unknown,
  source: string,
  overrides: readonly Override[] = [],
  options: { budgets?: boolean; budgetFlags?: BudgetFlags } = {},
): Scenario {
  const where = locator(raw, source, overrides);
  // Every list of the schema holds at most MAX_LIST items, and every object far fewer keys:
  // a longer one is refused before the schema checks each of its items (a million steps
  // took seconds to say so; a 10 MB file of unknown keys, seconds and hundreds of MB).
  const long = longList(raw, []);
  if (long !== undefined) {
    const [expected, found] = long.object
      ? [`an object with <= ${MAX_LIST} keys`, `an object of ${long.length} keys`]
      : [`a list with <= ${MAX_LIST} items`, `a list of ${long.length} items`];
    throw new UserError(`${where(long.path)}: at ${formatPath(long.path)}: ${msg.outOfRange(expected, found)}`);
  }
  const result = scenarioSchema.safeParse(raw);
  if (!result.success) throw new UserError(describeIssues(result.error as z.ZodError, raw, where));
  const scenario = result.data;
  const a = scenario.app;
  const lists = a.endpoints?.map((e, i) => ({ path: ['app', 'endpoints', i, 'steps'], steps: e.steps })) ?? [
    { path: ['app', 'steps'], steps: a.steps! },
  ];
  // `related`: the other fields the rule weighs this one against, whose --set or flag is
  // then where the problem was written (--set database.maxConnections=3 against the
  // default 3 reserved connections was located in the file, which is not wrong).
  const fail = (path: PropertyKey[], problem: string, related: readonly (readonly PropertyKey[])[] = []): never => {
    throw new UserError(`${where(path, related)}: at ${formatPath(path)}: ${problem}`);
  };
  const m = scenario.machine;
  m.taskGroups ??= defaultTaskGroups(m.os);
  if (m.runQueues === 'per-core' && m.scheduler === 'shared') {
    // Per-core run queues follow every core's tasks exactly, one domain of cores sharing a
    // cache as the kit's machine has; beyond a few hundred cores a machine is several
    // (NUMA nodes, cache domains), and the cost per event grows with the cores.
    const hosts: [PropertyKey[], number | undefined][] = [
      [['machine', 'cores'], m.cores],
      [['client', 'cores'], scenario.client.cores],
      [['database', 'cores'], scenario.database?.cores],
      [['fleet', 'loadBalancer', 'cores'], scenario.fleet?.loadBalancer?.cores],
    ];
    for (const [path, cores] of hosts)
      if (cores !== undefined && cores > MAX_PER_CORE_CORES) fail(path, msg.perCoreTooManyCores(cores, MAX_PER_CORE_CORES));
  }
  if ((m.runQueues !== 'per-core' || m.scheduler !== 'shared') && m.timeSlices !== 'none') {
    // EEVDF picks among one core's tasks: only per-core run queues know them.
    fail(['machine', 'timeSlices'], msg.timeSlicesNeedPerCore);
  }
  if (m.timeSlices !== 'eevdf' && m.wakeupPreemption !== 'pick') {
    // Only EEVDF's cores run one task at a time, for a woken one to take over.
    fail(['machine', 'wakeupPreemption'], msg.wakeupPreemptionNeedsEevdf);
  }
  if ((m.runQueues !== 'per-core' || m.scheduler !== 'shared') && toDistribution(m.wakeupLatency).mean > 0) {
    // The latency is an idle core's: only per-core run queues know which core a task wakes on.
    fail(['machine', 'wakeupLatency'], msg.wakeupLatencyNeedsPerCore);
  }
  for (const side of ['slow', 'fast'] as const) {
    const spell = m.slowSpells?.[side];
    // Spells far shorter than a piece of work would price each piece at a random state
    // (and cost an event's worth of draws each): the mechanism is about spells of 0.1 s and more.
    if (spell !== undefined && meanSeconds(spell) < 0.001) fail(['machine', 'slowSpells', side], msg.slowSpellTooShort(meanSeconds(spell)));
  }
  if (m.runQueues !== 'per-core' || m.scheduler !== 'shared') {
    // A refill is paid on the core a worker wakes on: only per-core run queues know it.
    if (scenario.server.cacheRefillCpu !== undefined) fail(['server', 'cacheRefillCpu'], msg.cacheRefillNeedsPerCore);
    const i = scenario.fleet?.groups?.findIndex((g) => g.server?.cacheRefillCpu !== undefined) ?? -1;
    if (i >= 0) fail(['fleet', 'groups', i, 'server', 'cacheRefillCpu'], msg.cacheRefillNeedsPerCore);
  }
  const d = scenario.database;
  if (d !== undefined && d.superuserReservedConnections >= d.maxConnections) {
    // PostgreSQL refuses to start: "superuser_reserved_connections (3) must be less than max_connections (3)".
    fail(['database', 'superuserReservedConnections'], msg.reservedAtLeastMax(d.superuserReservedConnections, d.maxConnections), [
      ['database', 'maxConnections'],
    ]);
  }
  const f = scenario.fleet;
  if (f?.groups !== undefined) {
    // With groups, the instances are theirs: fleet.instances is their sum (a different number written is a mistake).
    const sum = f.groups.reduce((n, g) => n + g.count, 0);
    const written = (raw as { fleet?: { instances?: unknown } }).fleet?.instances;
    if (written !== undefined && written !== sum) fail(['fleet', 'instances'], msg.instancesNotGroups(written, sum));
    if (f.autoscaling !== undefined) fail(['fleet', 'autoscaling'], msg.autoscalingWithGroups);
    f.instances = sum;
  }
  if (f !== undefined) {
    // A CFS quota is a cgroup's: instances packed on one host would need the host's cores shared among quota groups, which the model does not do.
    const perHost = [['fleet', 'instancesPerHost']];
    if (f.cpuLimit !== undefined && f.instancesPerHost > 1) fail(['fleet', 'cpuLimit'], msg.cpuLimitPacked(f.instancesPerHost), perHost);
    f.groups?.forEach((g, i) => {
      if (g.cpuLimit !== undefined && f.instancesPerHost > 1)
        fail(['fleet', 'groups', i, 'cpuLimit'], msg.cpuLimitPacked(f.instancesPerHost), perHost);
    });
    // A quota that rounds to 0 us was "internal error: QuotaCpu: quota and period must be positive".
    const quotas: [PropertyKey[], number | undefined][] = [
      [['fleet', 'cpuLimit'], f.cpuLimit],
      ...(f.groups ?? []).map((g, i): [PropertyKey[], number | undefined] => [['fleet', 'groups', i, 'cpuLimit'], g.cpuLimit]),
    ];
    for (const [path, limit] of quotas)
      if (limit !== undefined && limit * f.cpuPeriod < MIN_POSITIVE_SECONDS)
        fail(path, msg.quotaBelowTick(limit, f.cpuPeriod, MIN_POSITIVE_SECONDS), [['fleet', 'cpuPeriod']]);
    f.otherClients.forEach((c, i) => {
      if (c.holds === 'perTask' && (c.taskRate === undefined || c.taskTime === undefined))
        fail(
          ['fleet', 'otherClients', i, c.taskRate === undefined ? 'taskRate' : 'taskTime'],
          msg.perTaskNeeds(c.taskRate === undefined ? 'taskRate' : 'taskTime'),
        );
    });
    // The timeline's changes and the breakers act on one server's parts (its arbiter, its app, the machine's cores).
    if (scenario.timeline !== undefined) fail(['timeline'], msg.notWithFleet('a timeline'));
    if (scenario.app.breaker !== undefined) fail(['app', 'breaker'], msg.notWithFleet('a breaker'));
    f.down.forEach((n, i) => {
      if (n > f.instances) fail(['fleet', 'down', i], msg.downBeyondInstances(n, f.instances), [['fleet', 'instances']]);
    });
    const a = f.autoscaling;
    if (a !== undefined && (a.minReplicas > a.maxReplicas || f.instances < a.minReplicas || f.instances > a.maxReplicas))
      fail(['fleet', 'instances'], msg.replicasOutOfRange(f.instances, a.minReplicas, a.maxReplicas));
    if (f.otherClients.length > 0 && d === undefined) fail(['fleet', 'otherClients'], msg.otherClientsNeedDatabase);
    // The clients that hold their connections open them all at the start, each attempt an
    // object in memory before PostgreSQL answers any: ten of 262,143 took 760 MB, a hundred
    // more than 3 GB and a minute. PostgreSQL never holds more than its largest max_connections.
    let opened = 0;
    f.otherClients.forEach((c, i) => {
      if (c.holds !== 'always') return;
      opened += c.connections;
      if (opened > MAX_PG_CONNECTIONS)
        fail(['fleet', 'otherClients', i, 'connections'], msg.tooManyHeldConnections(MAX_PG_CONNECTIONS, i + 1, opened));
    });
    checkFleetWorkers(scenario, fail);
  }
  checkPoolStartup(scenario, fail);
  for (const { path, steps } of lists) {
    // A handler uses one database connection at a time: a query or a close without an
    // open connection would fail in Python, so it is a mistake here.
    let open = false;
    steps.forEach((step, i) => {
      if (step.kind.startsWith('db') && scenario.database === undefined) fail([...path, i], msg.needsDatabase(step.kind));
      if (step.kind === 'cache' && i + step.covers >= steps.length)
        fail([...path, i, 'covers'], msg.cacheCoversTooMany(steps.length - 1 - i, step.covers));
      if (step.kind === 'dbConnect' && open) fail([...path, i, 'kind'], msg.dbConnectTwice);
      if ((step.kind === 'dbQuery' || step.kind === 'dbClose') && !open) fail([...path, i, 'kind'], msg.dbStepWithoutConnection(step.kind));
      if (step.kind === 'dbConnect') {
        open = true;
        // libpq's share of authentication: by default, what it was measured to be for the method.
        if (step.cpu === undefined && d !== undefined) step.cpu = MEASURED_COSTS.connectCpu[d.authMethod];
        // Threads fight over OpenSSL's lock in scram-sha-256's HMACs; md5's one hash and trust have none.
        if (step.contendedCpu === undefined && d !== undefined)
          step.contendedCpu = d.authMethod === 'scram-sha-256' ? MEASURED_COSTS.connectContendedCpu : 0;
      }
      if (step.kind === 'dbClose') open = false;
    });
  }
  checkCacheKeys(scenario, lists, fail);
  checkCostNotes(scenario, fail);
  checkIncidents(scenario, fail);
  if (options.budgets === true) checkBudgets(scenario, where, options.budgetFlags);
  return scenario;
}

/**
 * The cache keys of the whole scenario, within MAX_CACHE_KEYS: each cache step with keys
 * keeps an expiry per key (8 bytes), in every instance of a fleet (each builds its app),
 * so the field's own bound held one step to 80 MB, and 20 steps of 10 million keys took
 * 1.6 GB (a file of 2 kB), a fleet of 10 instances with one such step 840 MB.
 */
function checkCacheKeys(
  scenario: Scenario,
  lists: readonly { path: PropertyKey[]; steps: NonNullable<Scenario['app']['steps']> }[],
  fail: (path: PropertyKey[], problem: string) => never,
): void {
  const f = scenario.fleet;
  const instances = f === undefined ? 1 : f.autoscaling === undefined ? f.instances : Math.max(f.autoscaling.maxReplicas, f.instances);
  let keys = 0;
  let caches = 0;
  for (const { path, steps } of lists)
    steps.forEach((step, i) => {
      if (step.kind !== 'cache' || step.keys === undefined) return;
      keys += step.keys;
      caches++;
      if (keys * instances > MAX_CACHE_KEYS) fail([...path, i, 'keys'], msg.tooManyCacheKeys(MAX_CACHE_KEYS, caches, keys, instances));
    });
}

/**
 * The connections the workers' asyncpg pools open at start-up (min_size each, all at once),
 * within MAX_PG_CONNECTIONS: each attempt is an object in memory before PostgreSQL answers
 * any, and the field's bounds let one scenario ask for billions (10 workers of min_size
 * 262,143 took 2.4 GB, 100 ran out of memory after half a minute). PostgreSQL never holds
 * more than its largest max_connections.
 */
function checkPoolStartup(scenario: Scenario, fail: Fail): void {
  const minSize = scenario.app.asyncpgPool?.minSize ?? 0;
  if (minSize === 0) return;
  const f = scenario.fleet;
  const workers = scenario.server.workers;
  const groups = f?.groups?.map((g) => ({ count: g.count, workers: (g.server?.workers as number | undefined) ?? workers }));
  const count =
    groups !== undefined ? groups.reduce((n, g) => n + g.count * g.workers, 0) : f !== undefined ? f.instances * workers : workers;
  const how =
    groups !== undefined
      ? `${count} workers (${groups.map((g) => `${g.count} x ${g.workers}`).join(' + ')}, each group's instances x its server.workers)`
      : f !== undefined
        ? `${count} workers (${f.instances} instances x ${workers} server.workers)`
        : `${workers} server.workers`;
  if (count * minSize > MAX_PG_CONNECTIONS)
    fail(['app', 'asyncpgPool', 'minSize'], msg.tooManyStartupConnections(MAX_PG_CONNECTIONS, how, minSize, count * minSize), [
      ['server', 'workers'],
      ['fleet'],
    ]);
}

/** The fleet's worker processes, at most as many as the autoscaler may run, within MAX_FLEET_WORKERS. */
function checkFleetWorkers(scenario: Scenario, fail: Fail): void {
  const f = scenario.fleet!;
  const workers = scenario.server.workers;
  if (f.groups !== undefined) {
    const each = f.groups.map((g) => ({ count: g.count, workers: (g.server?.workers as number | undefined) ?? workers }));
    const total = each.reduce((n, g) => n + g.count * g.workers, 0);
    if (total > MAX_FLEET_WORKERS)
      fail(
        ['fleet', 'groups'],
        msg.tooManyFleetWorkers(
          MAX_FLEET_WORKERS,
          `${each.map((g) => `${g.count} x ${g.workers}`).join(' + ')} (each group's instances x its server.workers)`,
          total,
        ),
        [['server', 'workers']],
      );
    return;
  }
  const [path, instances] =
    f.autoscaling !== undefined
      ? [['fleet', 'autoscaling', 'maxReplicas'], f.autoscaling.maxReplicas]
      : [['fleet', 'instances'], f.instances];
  if (instances * workers > MAX_FLEET_WORKERS)
    fail(
      path,
      msg.tooManyFleetWorkers(
        MAX_FLEET_WORKERS,
        `${instances} ${f.autoscaling !== undefined ? 'replicas at most' : 'instances'} x ${workers} server.workers`,
        instances * workers,
      ),
      [['server', 'workers']],
    );
}

/**
 * Where a problem at `path` was written: the last override that set it or one of the
 * `related` fields its rule weighs it against, else the file.
 */
export type Locate = (path: readonly PropertyKey[], related?: readonly (readonly PropertyKey[])[]) => string;
/** Refuses the field at `path`, located by the `related` fields too (Locate). */
type Fail = (path: PropertyKey[], problem: string, related?: readonly (readonly PropertyKey[])[]) => never;

function locator(raw: unknown, file: string, overrides: readonly Override[]): Locate {
  const text = raw !== null && typeof raw === 'object' ? textOf.get(raw) : undefined;
  // Read on the first message that needs a place: the text read without an error before.
  let read: Map<string, JsonLocation> | undefined;
  const locationsOf = (text: string) => {
    read ??= parseJsonText(text).locations;
    return read;
  };
  const common = (a: readonly PropertyKey[], b: readonly PropertyKey[]) => {
    let n = 0;
    while (n < a.length && n < b.length && String(a[n]) === String(b[n])) n++;
    return n;
  };
  return (path, related = []) => {
    for (let i = overrides.length - 1; i >= 0; i--) {
      const set = overrides[i].path;
      // The problem is inside what the override set, or is the override's own (unknown) key;
      // or the override set a field the rule weighs this one against (-n 10 under the file's -c 100).
      for (const p of [path, ...related]) {
        const n = Math.min(set.length, p.length);
        if (n > 0 && common(set, p) === n) return overrides[i].source;
      }
    }
    if (text === undefined) return file;
    const locations = locationsOf(text);
    // Or inside an object or a list item the override made on its way, which the file does
    // not have: `--set app.steps[1].time=1` adds a step without a kind (this said
    // "scenario.json:5:12: at app.steps[1].kind", a place in the file that is not wrong).
    for (let i = overrides.length - 1; i >= 0; i--) {
      const n = common(overrides[i].path, path);
      if (n > 0 && !locations.has(pathKey(path.slice(0, n)))) return overrides[i].source;
    }
    // A missing field has no place of its own: point at the nearest enclosing one.
    for (let n = path.length; n > 0; n--) {
      const at = locations.get(pathKey(path.slice(0, n)));
      if (at !== undefined) return `${file}:${at.line}:${at.column}`;
    }
    return file;
  };
}

/** The first list longer than MAX_LIST, or object with more keys, depth first. */
function longList(value: unknown, path: PropertyKey[]): { path: PropertyKey[]; length: number; object: boolean } | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    if (value.length > MAX_LIST) return { path, length: value.length, object: false };
    for (let i = 0; i < value.length; i++) {
      const found = longList(value[i], [...path, i]);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  const keys = Object.keys(value);
  if (keys.length > MAX_LIST) return { path, length: keys.length, object: true };
  for (const key of keys) {
    const found = longList((value as Record<string, unknown>)[key], [...path, key]);
    if (found !== undefined) return found;
  }
  return undefined;
}
