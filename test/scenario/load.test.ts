// Reading a scenario's JSON: JSON.parse reads it, and the strict reader (which knows each
// field's line and column) reads it again only when a message needs a place, so a large valid
// scenario costs JSON.parse's time and memory while every message stays as it was.
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { MEASURED_COSTS } from '../../src/scenario/measuredCosts.js';
import * as jsonText from '../../src/scenario/jsonText.js';
import { loadScenario, parseJson, parseJsonDocument, validateScenario } from '../../src/scenario/load.js';

// The strict reader as load.ts calls it, counted (jsonText.ts's own fallback inside
// parseJsonValue calls its local function, not this one).
vi.mock('../../src/scenario/jsonText.js', async (original) => {
  const actual = await original<typeof import('../../src/scenario/jsonText.js')>();
  return { ...actual, parseJsonText: vi.fn(actual.parseJsonText) };
});
const strictReads = vi.mocked(jsonText.parseJsonText);

const valid = readFileSync('scenarios/gevent-100.json', 'utf8');

/** The message a call throws. */
function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

/** line:column of the first occurrence of `needle` in `text`. */
function placeOf(text: string, needle: string): string {
  const before = text.slice(0, text.indexOf(needle)).split('\n');
  return `${before.length}:${before.at(-1)!.length + 1}`;
}

describe('loadScenario reads a valid scenario with JSON.parse alone', () => {
  it('does not run the strict reader on a valid scenario, with or without overrides', () => {
    strictReads.mockClear();
    expect(loadScenario(valid, 's.json').server.workers).toBe(1);
    expect(
      loadScenario(valid, 's.json', [{ path: ['server', 'workers'], value: 3, source: '--set server.workers=3' }]).server.workers,
    ).toBe(3);
    expect(strictReads).not.toHaveBeenCalled();
  });

  it('reads the places of the fields once, when a message needs one, at the line and column of the field', () => {
    const text = valid.replace('"workers": 1,', '"workers": "two",');
    strictReads.mockClear();
    expect(messageOf(() => loadScenario(text, 's.json'))).toBe(
      `s.json:${placeOf(text, '"workers"')}: at server.workers: expected a number, got string "two"`,
    );
    expect(strictReads).toHaveBeenCalledTimes(1);
  });

  it('names a field an override left alone at its place in the file, one an override set by the override', () => {
    const text = valid.replace('"keepalive": 2', '"keepalive": -2');
    const override = { path: ['server', 'workers'], value: 0, source: '--set server.workers=0' };
    expect(messageOf(() => loadScenario(text, 's.json', [{ ...override, value: 2 }]))).toMatch(
      new RegExp(`^s\\.json:${placeOf(text, '"keepalive"')}: at server\\.keepalive: `),
    );
    expect(messageOf(() => loadScenario(valid, 's.json', [override]))).toMatch(/^--set server\.workers=0: at server\.workers: /);
  });

  // Hardening: a rule that weighs one field against another named the file's place for
  // the first even when a --set or a flag had changed the second: "s.json:8:5: at
  // client.concurrency" for -n 10, "s.json:39:3: at database.superuserReservedConnections"
  // (the database section) for --set database.maxConnections=3 under the default 3.
  it('names the override that changed the field a rule weighs the refused one against', () => {
    const n10 = { path: ['client', 'requests'], value: 10, source: '-n 10' };
    expect(messageOf(() => loadScenario(valid, 's.json', [n10]))).toBe(
      '-n 10: at client.concurrency: expected concurrency <= requests, 10 here (hey refuses -c larger than -n), got number 100',
    );
    const unreserved = valid.replace(/\n\s*"superuserReservedConnections": 3,/, '');
    const max3 = { path: ['database', 'maxConnections'], value: 3, source: '--set database.maxConnections=3' };
    expect(messageOf(() => loadScenario(unreserved, 's.json', [max3]))).toMatch(
      /^--set database\.maxConnections=3: at database\.superuserReservedConnections: expected fewer reserved connections than maxConnections \(3\), got 3: /,
    );
    // Written in the file, both fields: the place of the one refused, as before.
    expect(messageOf(() => loadScenario(valid.replace('"maxConnections": 100', '"maxConnections": 3'), 's.json'))).toMatch(
      /^s\.json:\d+:\d+: at database\.superuserReservedConnections: /,
    );
  });

  it('places a problem in a copy of the parsed document (sim compare and sim fit) by the file alone, as before', () => {
    const raw = parseJson(valid.replace('"workers": 1,', '"workers": "two",'), 's.json');
    expect(messageOf(() => validateScenario(structuredClone(raw), 's.json (for run.txt)'))).toBe(
      's.json (for run.txt): at server.workers: expected a number, got string "two"',
    );
  });
});

describe('parseJson and parseJsonDocument refuse what the strict reader refuses, at its line and column', () => {
  it.each([
    [
      'a key given twice (JSON.parse keeps the second silently)',
      valid.replace('"workers": 1,', '"workers": 1,\n    "workers": 2,'),
      19,
      5,
      'the key "workers" appears twice in this object (the second would silently win)',
    ],
    [
      'a number past a double (JSON.parse reads Infinity)',
      valid.replace('"workers": 1,', '"workers": 1e400,'),
      18,
      16,
      'the number 1e400 is too large',
    ],
    ['a file cut short', valid.slice(0, 300), 4, 18, 'expected a closing double quote for the string, got the end of the file'],
  ])('%s', (_what, text, line, column, problem) => {
    const expected = `s.json:${line}:${column}: not valid JSON: ${problem}`;
    expect(messageOf(() => parseJson(text, 's.json'))).toBe(expected);
    expect(messageOf(() => parseJsonDocument(text, 's.json'))).toBe(expected);
    expect(messageOf(() => loadScenario(text, 's.json'))).toBe(expected);
  });
});

describe('machine.taskGroups where a scenario does not state it', () => {
  const raw = (machine: object) => ({ ...JSON.parse(valid), machine });

  it("is Linux's autogroup, a session per process group, on linux, and none on darwin", () => {
    expect(validateScenario(raw({ cores: 2 }), 's.json').machine.taskGroups).toBe('session');
    expect(validateScenario(raw({ cores: 2, os: 'darwin' }), 's.json').machine.taskGroups).toBe('none');
    const { machine: _none, ...withoutMachine } = JSON.parse(valid);
    expect(validateScenario(withoutMachine, 's.json').machine.taskGroups).toBe('session');
  });

  it('is what the scenario says when it says it', () => {
    expect(validateScenario(raw({ os: 'linux', taskGroups: 'none' }), 's.json').machine.taskGroups).toBe('none');
    expect(validateScenario(raw({ os: 'darwin', taskGroups: 'service' }), 's.json').machine.taskGroups).toBe('service');
  });
});

describe("a dbConnect's contendedCpu where a scenario does not state it", () => {
  // Threads of one process fight over OpenSSL's lock in scram-sha-256's 4096 HMACs; md5
  // answers with one hash and trust with nothing, so there is nothing to fight over.
  // The article's scenario states md5; without a method the database's default is scram-sha-256.
  const { authMethod: _md5, ...database } = JSON.parse(valid).database;
  const withAuth = (authMethod?: string, contendedCpu?: number) => ({
    ...JSON.parse(valid),
    database: { ...database, ...(authMethod === undefined ? {} : { authMethod }) },
    app: { steps: [{ kind: 'dbConnect', ...(contendedCpu === undefined ? {} : { contendedCpu }) }, { kind: 'dbClose' }] },
  });
  const contended = (raw: object) => (validateScenario(raw, 's.json').app.steps![0] as { contendedCpu?: number }).contendedCpu;

  it("is the kit's median with scram-sha-256 (the default method), 0 with md5 and trust", () => {
    expect(contended(withAuth())).toBe(MEASURED_COSTS.connectContendedCpu);
    expect(contended(withAuth('scram-sha-256'))).toBe(MEASURED_COSTS.connectContendedCpu);
    expect(contended(withAuth('md5'))).toBe(0);
    expect(contended(withAuth('trust'))).toBe(0);
  });

  it('is what the scenario says when it says it', () => {
    expect(contended(withAuth('md5', 0.001))).toBe(0.001);
    expect(contended(withAuth('scram-sha-256', 0))).toBe(0);
  });
});

describe('what a scenario makes before its run starts is bounded in all, not only field by field', () => {
  const base = { description: 'bounds', client: { requests: 20, concurrency: 5 }, server: { workerClass: 'gevent', workers: 2 } };
  const cache = (keys: number) => [
    { kind: 'cache', time: 0.001, covers: 1, ttl: 1, keys },
    { kind: 'sleep', time: 0.01 },
  ];
  const db = { forkTime: 0.002, backendStartTime: 0.01, maxConnections: 262143 };

  it('keeps 10 million cache keys at most, over every cache step and every instance of a fleet (8 bytes each)', () => {
    expect(() => validateScenario({ ...base, app: { steps: [...cache(5e6), ...cache(5e6)] } }, 's.json')).not.toThrow();
    // Two steps of 10 million keys each were 160 MB, twenty 1.6 GB.
    expect(messageOf(() => validateScenario({ ...base, app: { steps: [...cache(1e7), ...cache(1)] } }, 's.json'))).toBe(
      's.json: at app.steps[2].keys: expected at most 10000000 cache keys in all (the simulator keeps an expiry per key, 8 bytes, in every instance), got 10000001 in 2 cache steps: use fewer keys, or hitRatio for a larger key space',
    );
    // Each instance of a fleet builds its app, its caches with it.
    expect(
      messageOf(() =>
        validateScenario({ ...base, app: { steps: cache(2e6) }, fleet: { instances: 2, autoscaling: { maxReplicas: 6 } } }, 's.json'),
      ),
    ).toContain(
      'at app.steps[0].keys: expected at most 10000000 cache keys in all (the simulator keeps an expiry per key, 8 bytes, in every instance), got 2000000 in 1 cache step x 6 instances = 12000000',
    );
    expect(() => validateScenario({ ...base, app: { steps: cache(2e6) }, fleet: { instances: 5 } }, 's.json')).not.toThrow();
  });

  it("opens at most PostgreSQL's largest max_connections at the start for the other clients that hold theirs", () => {
    const fleet = (otherClients: object[]) => ({ ...base, app: { steps: cache(1) }, database: db, fleet: { instances: 1, otherClients } });
    const always = (connections: number) => ({ name: 'pool', connections });
    expect(() => validateScenario(fleet([always(131072), always(131071)]), 's.json')).not.toThrow();
    // Ten of 262,143 took 760 MB; a hundred, more than 3 GB and a minute.
    expect(messageOf(() => validateScenario(fleet([always(131072), always(131072)]), 's.json'))).toBe(
      's.json: at fleet.otherClients[1].connections: expected at most 262143 connections opened at the start by the clients that hold theirs ("always") together (PostgreSQL\'s largest max_connections: it never holds more), got 262144 from the first 2 of them: lower connections, or use holds "perTask"',
    );
    // A client that opens one per task opens them as its tasks come.
    const perTask = { name: 'cron', connections: 262143, holds: 'perTask', taskRate: 1, taskTime: 1 };
    expect(() => validateScenario(fleet([always(262143), perTask]), 's.json')).not.toThrow();
  });

  it("opens at most PostgreSQL's largest max_connections at start-up in the workers' asyncpg pools together", () => {
    const asyncpg = (workers: number, minSize: number, fleet?: object) => ({
      ...base,
      server: { workerClass: 'uvicorn.workers.UvicornWorker', workers },
      app: { driver: 'asyncpg', steps: [{ kind: 'dbConnect' }, { kind: 'dbClose' }], asyncpgPool: { minSize, maxSize: minSize } },
      database: db,
      ...(fleet !== undefined ? { fleet } : {}),
    });
    expect(() => validateScenario(asyncpg(1, 262143), 's.json')).not.toThrow();
    // Ten workers of min_size 262,143 took 2.4 GB; a hundred ran out of memory.
    expect(messageOf(() => validateScenario(asyncpg(10, 262143), 's.json'))).toBe(
      "s.json: at app.asyncpgPool.minSize: expected at most 262143 connections opened at start-up by the workers' asyncpg pools together (min_size each, all at once; PostgreSQL's largest max_connections: it never holds more), got 10 server.workers x minSize 262143 = 2621430: lower minSize, or run fewer workers",
    );
    expect(messageOf(() => validateScenario(asyncpg(10, 1000, { instances: 100 }), 's.json'))).toContain(
      'got 1000 workers (100 instances x 10 server.workers) x minSize 1000 = 1000000',
    );
    const groups = {
      groups: [
        { name: 'a', count: 10 },
        { name: 'b', count: 20, server: { workers: 100 } },
      ],
    };
    expect(messageOf(() => validateScenario(asyncpg(10, 1000, groups), 's.json'))).toContain(
      "got 2100 workers (10 x 10 + 20 x 100, each group's instances x its server.workers) x minSize 1000 = 2100000",
    );
    // The boot storm's 16 workers of 10 against max_connections 100 is a scenario of its own.
    expect(() => validateScenario(asyncpg(16, 10), 's.json')).not.toThrow();
  });
});
