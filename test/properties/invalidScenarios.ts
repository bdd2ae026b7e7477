// Random invalid input, made by breaking one thing in a random valid scenario: a field
// of the wrong type, a negative or fractional count, a bad duration or enum value, an
// unknown (often misspelt) key, a bad `--set`, or broken JSON text. Each case knows
// where the problem is, so the test can check that the message names it.
import fc from 'fast-check';
import { validScenario, type RawScenario } from './validScenarios.js';

export interface InvalidCase {
  /** What kind of mistake, for the failure message and the coverage count. */
  kind: string;
  /** The file's text. */
  text: string;
  /** Extra command-line words (`--set ...`). */
  argv: string[];
  /** The JSON path the message must name, e.g. "server.workers"; undefined for a JSON syntax error. */
  path?: string;
  /** Where the message must point: "file" (file:line:column), or the flag's own words. */
  source: 'file' | string;
  /** For broken JSON: the exact line and column when the mistake determines them. */
  location?: { line: number; column: number };
  /** For a misspelt key: the key the message should suggest. */
  suggestion?: string;
}

/** Values that are wrong for a field whatever the rest of the scenario says. */
const BAD_FIELDS: [path: string, values: unknown[]][] = [
  ['seed', [1.5, '1', null, 2 ** 60, true]],
  ['description', [42, null, ['a']]],
  ['client.timeout', [-1, 'soon', '5 parsecs', true, { dist: 'exponential', mean: 1 }]],
  ['client.keepAlive', ['yes', 1, null]],
  ['client.requests', [-1, 0, 2.5, '10']],
  ['client.maxIdleConns', [0, -3, 'many']],
  ['server.workers', [0, -2, 1.5, '4', 10_001, null]],
  ['server.threads', [0, 'two', []]],
  ['server.workerConnections', [0, -1, 'lots']],
  ['server.backlog', [0, -128, 12.5]],
  ['server.keepalive', [-1, '2 seconds', '-5ms', 'ms5', {}]],
  ['server.timeout', ['30x', -30, false]],
  ['server.bootTime', ['fast', 2e9]],
  ['server.maxRequests', [-1, 0.5]],
  ['server.workerClass', ['gvent', 'uwsgi', 3, 'GEVENT']],
  ['server.acceptPolicy', ['fastest', 'roundrobin', null]],
  ['machine.cores', [0, -4, 'eight']],
  ['machine.os', ['windows', 'Linux', 1]],
  ['machine.somaxconn', [-5, 0]],
  ['app.status', [99, 600, 'ok', 200.5]],
  ['app.psycogreen', ['yes', 0]],
  ['app.steps', [[], 'none', {}]],
  ['app.steps[0].kind', ['redis', 'slep', 'db_connect', 7, null]],
  ['app.steps[0].io', ['async', true]],
  ['limits.maxEvents', [0, 1.5, -1, 'lots']],
  ['limits.maxSimTime', [0, 'forever', -1, '0ms']],
  ['database.forkTime', [-1, 'quick']],
  ['database.maxConnections', [0, -100, '100']],
];

/** Objects that always exist in a generated scenario (or are created by setting a key in them). */
const OBJECTS = ['', 'client', 'server', 'app', 'limits', 'machine', 'app.steps[0]'];
const KNOWN_KEYS: Record<string, string[]> = {
  '': ['$schema', 'name', 'description', 'seed', 'client', 'machine', 'server', 'app', 'database', 'limits'],
  client: ['requests', 'concurrency', 'rate', 'duration', 'arrivals', 'timeout', 'keepAlive', 'maxIdleConns', 'url'],
  server: [
    'workerClass',
    'workers',
    'threads',
    'workerConnections',
    'backlog',
    'keepalive',
    'timeout',
    'bootTime',
    'maxRequests',
    'maxRequestsJitter',
    'acceptPolicy',
  ],
  app: ['psycogreen', 'steps', 'endpoints', 'status', 'pool'],
  limits: ['maxEvents', 'maxSimTime'],
  machine: ['cores', 'os', 'synRetries', 'somaxconn'],
};

function keysOf(raw: RawScenario, object: string): string[] {
  if (object === 'app.steps[0]') return Object.keys(raw.app.steps[0]);
  return KNOWN_KEYS[object];
}

function setAt(raw: RawScenario, path: string, value: unknown): void {
  const keys = path.split(/\.|\[(\d+)\]\.?/).filter((k) => k !== undefined && k !== '');
  let node: any = raw;
  for (const k of keys.slice(0, -1)) node = node[k] ??= {};
  node[keys[keys.length - 1]] = value;
}

const text = (raw: RawScenario) => `${JSON.stringify(raw, null, 2)}\n`;

const wrongField = fc
  .tuple(fc.constantFrom(...BAD_FIELDS), fc.nat())
  .map(([[path, values], i]) => (raw: RawScenario): InvalidCase | undefined => {
    if (path.startsWith('database.') && raw.database === undefined) return undefined;
    if (path === 'app.steps[0].io' && !['sleep', 'http', 'dbConnect', 'dbQuery', 'cache'].includes(raw.app.steps[0].kind)) return undefined;
    setAt(raw, path, values[i % values.length]);
    return { kind: `bad ${path}`, text: text(raw), argv: [], path, source: 'file' };
  });

const badDuration = fc
  .constantFrom<unknown>(
    '10 parsecs',
    -0.5,
    '-5ms',
    { dist: 'normal', mean: 1 },
    { dist: 'exponential' },
    { dist: 'exponential', mean: 0 },
    { dist: 'uniform', min: 2, max: 1 },
    { dist: 'choice', values: [] },
    { dist: 'choice', values: [1], weights: [0] },
    { dist: 'lognormal', median: 1, sigma: -1 },
    [1, 2],
    null,
  )
  .map((value) => (raw: RawScenario): InvalidCase | undefined => {
    const i = raw.app.steps.findIndex((s: { time?: unknown }) => s.time !== undefined);
    if (i < 0) return undefined;
    raw.app.steps[i].time = value;
    return { kind: 'bad duration', text: text(raw), argv: [], path: `app.steps[${i}].time`, source: 'file' };
  });

/** A misspelt key (one letter dropped, doubled or swapped, or the case changed), or a stray one. */
const unknownKey = fc
  .tuple(fc.constantFrom(...OBJECTS), fc.nat(), fc.nat(), fc.constantFrom('drop', 'double', 'swap', 'case', 'stray'))
  .map(([object, k, at, how]) => (raw: RawScenario): InvalidCase | undefined => {
    const known = keysOf(raw, object);
    const key = known[k % known.length];
    if (key.length < 4 || key.startsWith('$')) return undefined;
    const p = 1 + (at % (key.length - 2));
    const typo =
      how === 'drop'
        ? key.slice(0, p) + key.slice(p + 1)
        : how === 'double'
          ? key.slice(0, p) + key[p] + key.slice(p)
          : how === 'swap'
            ? key.slice(0, p) + key[p + 1] + key[p] + key.slice(p + 2)
            : how === 'case'
              ? key.toLowerCase() === key
                ? key.toUpperCase()
                : key.toLowerCase()
              : `zq${key.length}x`;
    if (typo === key || known.includes(typo)) return undefined;
    const path = object === '' ? typo : `${object}.${typo}`;
    if (object === '') raw[typo] = 1;
    else setAt(raw, path, 1);
    return { kind: `unknown key (${how})`, text: text(raw), argv: [], path, source: 'file', suggestion: how === 'stray' ? undefined : key };
  });

const badSet = fc
  .constantFrom<[string, string]>(
    ['server.workrs=2', 'server.workrs'],
    ['client.requests=abc', 'client.requests'],
    ['server.keepalive=2 seconds', 'server.keepalive'],
    ['app.steps[0].kind=redis', 'app.steps[0].kind'],
    ['machine.cores=0', 'machine.cores'],
    ['limits.maxEvents=-1', 'limits.maxEvents'],
    ['seed=1.5', 'seed'],
  )
  .map(
    ([expression, path]) =>
      (raw: RawScenario): InvalidCase => ({
        kind: 'bad --set',
        text: text(raw),
        argv: ['--set', expression],
        path,
        source: `--set ${expression}`,
      }),
  );

const badFlag = fc
  .constantFrom<[string, string, string]>(
    ['--seed', 'abc', 'seed'],
    ['--seed', '2.5', 'seed'],
    ['--max-events', '0', 'limits.maxEvents'],
    ['--max-events', 'many', 'limits.maxEvents'],
    ['--max-sim-time', '-1', 'limits.maxSimTime'],
    ['--max-sim-time', 'a while', 'limits.maxSimTime'],
  )
  .map(
    ([flag, value, path]) =>
      (raw: RawScenario): InvalidCase => ({
        kind: `bad ${flag}`,
        text: text(raw),
        argv: [flag, value],
        path,
        source: `${flag} ${value}`,
      }),
  );

/** Position of `offset` in `s`, 1-based. */
function lineColumn(s: string, offset: number): { line: number; column: number } {
  const before = s.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

/** Broken JSON text; the location is exact where the mistake fixes it. */
const brokenJson = fc
  .tuple(
    fc.constantFrom('trailing comma', 'truncated', 'missing colon', 'single quotes', 'comment', 'duplicate key', 'bare word'),
    fc.nat(),
  )
  .map(([how, n]) => (raw: RawScenario): InvalidCase | undefined => {
    const t = text(raw);
    const pick = (re: RegExp): RegExpExecArray | undefined => {
      const all = [...t.matchAll(re)];
      return all.length === 0 ? undefined : all[n % all.length];
    };
    switch (how) {
      case 'trailing comma': {
        const m = pick(/[^\s,[{](\n\s*)[}\]]/g);
        if (!m) return undefined;
        const at = m.index + 1;
        const broken = `${t.slice(0, at)},${t.slice(at)}`;
        return { kind: how, text: broken, argv: [], source: 'file', location: lineColumn(broken, at + 1 + m[1].length) };
      }
      case 'truncated': {
        const at = n % (t.trimEnd().length - 1);
        return { kind: how, text: t.slice(0, at), argv: [], source: 'file' };
      }
      case 'missing colon': {
        const m = pick(/": /g);
        if (!m) return undefined;
        const broken = t.slice(0, m.index + 1) + t.slice(m.index + 2);
        return { kind: how, text: broken, argv: [], source: 'file', location: lineColumn(broken, m.index + 2) };
      }
      case 'single quotes': {
        const m = pick(/\n\s*"(\w+)":/g);
        if (!m) return undefined;
        const q = m.index + m[0].indexOf('"');
        const broken = `${t.slice(0, q)}'${m[1]}'${t.slice(q + m[1].length + 2)}`;
        return { kind: how, text: broken, argv: [], source: 'file', location: lineColumn(broken, q) };
      }
      case 'comment': {
        const m = pick(/\n( *)"/g);
        if (!m) return undefined;
        const at = m.index + 1 + m[1].length;
        const broken = `${t.slice(0, at)}// why\n${t.slice(at)}`;
        return { kind: how, text: broken, argv: [], source: 'file', location: lineColumn(broken, at) };
      }
      case 'duplicate key': {
        const at = t.indexOf('"seed"');
        const broken = `${t.slice(0, at)}"seed": 7,\n  ${t.slice(at)}`;
        return { kind: how, text: broken, argv: [], source: 'file', location: lineColumn(broken, broken.indexOf('"seed"', at + 1)) };
      }
      case 'bare word': {
        const m = pick(/: "(\w+)"/g);
        if (!m) return undefined;
        const at = m.index + 2;
        const broken = t.slice(0, at) + m[1] + t.slice(at + m[1].length + 2);
        // true/false/null are words JSON knows: a value starting with them breaks later.
        if (/^(true|false|null)/.test(m[1])) return undefined;
        return { kind: how, text: broken, argv: [], source: 'file', location: lineColumn(broken, at) };
      }
    }
    return undefined;
  });

/** One random invalid input; `undefined` when the chosen mistake does not fit the scenario (rare). */
export const invalidCase = fc
  .tuple(
    validScenario,
    fc.oneof(wrongField, { weight: 2, arbitrary: unknownKey }, badDuration, badSet, badFlag, { weight: 2, arbitrary: brokenJson }),
  )
  .map(([raw, mutate]) => mutate(withSteps(structuredClone(raw))));

/** The mistakes aim at app.steps: a scenario with endpoints keeps its first endpoint's steps. */
function withSteps(raw: RawScenario): RawScenario {
  if (raw.app.endpoints !== undefined) {
    raw.app.steps = raw.app.endpoints[0].steps;
    delete raw.app.endpoints;
  }
  return raw;
}
