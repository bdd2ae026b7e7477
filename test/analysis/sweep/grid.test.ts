import { describe, expect, it } from 'vitest';
import {
  checkedPoints,
  expandGrid,
  type GridPoint,
  gridSize,
  inShard,
  parseShard,
  pointAt,
  pointScenario,
  pointScenarios,
} from '../../../src/analysis/sweep/grid.js';
import { parseVary } from '../../../src/analysis/sweep/vary.js';
import { validateScenario } from '../../../src/scenario/load.js';
import { applyOverride, parseSetExpression } from '../../../src/scenario/overrides.js';
import type { Scenario } from '../../../src/scenario/schema.js';

const raw = {
  description: 'grid test',
  client: { requests: 20, concurrency: 5 },
  server: { workerClass: 'gevent' },
  app: { steps: [{ kind: 'sleep', time: 0.01 }] },
};

describe('the grid', () => {
  it('holds every combination, the first --vary changing slowest', () => {
    const grid = expandGrid([parseVary('server.workers=1,2'), parseVary('client.concurrency,client.requests=5,10,15')]);
    expect(grid.map((p) => [p.index, p.values['server.workers'], p.values['client.concurrency'], p.values['client.requests']])).toEqual([
      [0, 1, 5, 5],
      [1, 1, 10, 10],
      [2, 1, 15, 15],
      [3, 2, 5, 5],
      [4, 2, 10, 10],
      [5, 2, 15, 15],
    ]);
  });

  it('computes a point from its index alone, as the list of every point has it', () => {
    const axes = [parseVary('server.workers=1..7'), parseVary('client.concurrency=3,1,2'), parseVary('server.workerClass=sync,gevent')];
    expect(gridSize(axes)).toBe(42);
    expect(Array.from({ length: 42 }, (_, i) => pointAt(axes, i))).toEqual(expandGrid(axes));
    expect(pointAt(axes, 41).values).toEqual({ 'server.workers': 7, 'client.concurrency': 2, 'server.workerClass': 'gevent' });
    expect(() => gridSize([parseVary('server.workers=1..1001'), parseVary('client.concurrency=1..1000')])).toThrow(
      '--vary: the grid has 1001000 points; at most 1000000',
    );
  });

  it('checks up front every value of each axis and the corners: the smallest and largest numbers, else the ends', () => {
    const axes = [parseVary('server.workers=1..7'), parseVary('client.concurrency=3,1,2'), parseVary('server.workerClass=sync,x,gevent')];
    const at = (index: number) => Object.values(pointAt(axes, index).values).join(' ');
    const checked = checkedPoints(axes).map(at);
    // Each value once, the other axes at their first value.
    for (const w of [1, 2, 3, 4, 5, 6, 7]) expect(checked).toContain(`${w} 3 sync`);
    for (const c of [3, 1, 2]) expect(checked).toContain(`1 ${c} sync`);
    for (const k of ['sync', 'x', 'gevent']) expect(checked).toContain(`1 3 ${k}`);
    // The corners: workers 1 or 7, concurrency 1 or 3 (not the last, 2), class sync or gevent.
    for (const w of [1, 7]) for (const c of [1, 3]) for (const k of ['sync', 'gevent']) expect(checked).toContain(`${w} ${c} ${k}`);
    expect(checked).toHaveLength(7 + 2 + 2 + 4); // the corners with two axes or more off their first value
    expect(checkedPoints(axes)).toEqual([...checkedPoints(axes)].sort((a, b) => a - b));
  });

  it('shards interleave and together hold every point exactly once', () => {
    const shards = [1, 2, 3].map((i) => parseShard(`${i}/3`));
    const owners = Array.from({ length: 10 }, (_, index) => shards.filter((s) => inShard(index, s)).map((s) => s.index));
    expect(owners).toEqual([[1], [2], [3], [1], [2], [3], [1], [2], [3], [1]]);
  });

  it('rejects a malformed shard', () => {
    for (const s of ['0/2', '3/2', '1', 'a/b', '1/0']) expect(() => parseShard(s)).toThrow(/--shard .*: expected i\/n with 1 <= i <= n/);
  });

  it("sets the point's values on the scenario and validates it", () => {
    const axes = [parseVary('server.workers=1,3')];
    const s = pointScenario(raw, expandGrid(axes)[1], axes, 'f.json');
    expect(s.server.workers).toBe(3);
    expect(raw.server).toEqual({ workerClass: 'gevent' }); // the base is not changed
  });

  it('names the --vary and the point when a value is invalid', () => {
    const axes = [parseVary('client.concurrency=5,25')];
    expect(() => pointScenario(raw, expandGrid(axes)[1], axes, 'f.json')).toThrow(
      '--vary client.concurrency=5,25 (client.concurrency=25): at client.concurrency: expected concurrency <= requests, 20 here (hey refuses -c larger than -n), got number 25',
    );
  });

  it('names the --vary when a path does not exist', () => {
    const axes = [parseVary('server.worker=1,2')];
    expect(() => pointScenario(raw, expandGrid(axes)[0], axes, 'f.json')).toThrow(
      '--vary server.worker=1,2 (server.worker=1): at server.worker: unknown key "worker"; did you mean "workers"?',
    );
    const through = [parseVary('server.workerClass.name=1')];
    expect(() => pointScenario(raw, expandGrid(through)[0], through, 'f.json')).toThrow(
      '--vary server.workerClass.name=1 (server.workerClass.name=1): server.workerClass is "gevent", not an object: cannot set a field inside it',
    );
  });
});

describe("pointScenarios: each point's copy shares what the grid does not set", () => {
  /** The file's JSON made read-only throughout: a write into what the points share throws. */
  function frozen<T>(value: T): T {
    if (value !== null && typeof value === 'object') {
      for (const v of Object.values(value)) frozen(v);
      Object.freeze(value);
    }
    return value;
  }
  /** The scenario as made before (a whole copy of the file's JSON, the point's values set). */
  function wholeCopy(base: unknown, point: GridPoint): Scenario {
    const copy = structuredClone(base) as Record<string, unknown>;
    const overrides = Object.entries(point.values).map(([path, value]) => parseSetExpression(`${path}=${JSON.stringify(value)}`));
    for (const o of overrides) applyOverride(copy, o);
    return validateScenario(copy, 'f.json', overrides, { budgets: true });
  }
  const base = {
    description: 'shared',
    client: { requests: 40, concurrency: 5 },
    server: { workerClass: 'gevent', workers: 2 },
    app: {
      steps: [
        { kind: 'sleep', time: 0.01 },
        { kind: 'cpu', time: 0.001 },
      ],
      pool: { size: 5 },
    },
    database: { maxConnections: 50 },
    measured: { 'app.steps.1.time': 'by hand' },
  };

  it.each([
    ['one field', ['server.workers=1,2,3']],
    ['two axes and a pair of fields', ['server.workers=1,3', 'client.concurrency,client.requests=5,10']],
    ['fields of one object, on two axes', ['app.pool.size=2,4', 'app.pool.maxOverflow=0,3']],
    ['inside a list', ['app.steps[1].time=0.002,0.004', 'app.steps.0.time=0.02,-0']],
    ['a new field and a new object', ['server.threads=2,4', 'database.pgbouncer={"poolMode":"transaction"},{"poolMode":"session"}']],
    ['whole objects and lists', ['app.pool={"size":3},{"size":7,"maxOverflow":1}', 'fleet.down=[],[1]', 'fleet.instances=2']],
    ['the seed and a budget', ['seed=1..3', 'limits.maxEvents=100000,200000']],
  ])('%s: the same scenarios as a whole copy of the file, which stays as it was', (_, vary) => {
    const axes = vary.map(parseVary);
    const shared = frozen(structuredClone(base));
    const at = pointScenarios(shared, axes, 'f.json');
    for (const point of expandGrid(axes)) expect(at(point)).toEqual(wholeCopy(base, point));
    expect(shared).toEqual(base);
  });

  it('refuses what a whole copy refused, with the same message', () => {
    const axes = [parseVary('app.steps[5].time=1'), parseVary('server.workers=1')];
    const shared = frozen(structuredClone(base));
    expect(() => pointScenarios(shared, axes, 'f.json')(pointAt(axes, 0))).toThrow(
      '--vary app.steps[5].time=1 (app.steps[5].time=1): app.steps has 2 items: use an index from 0 to 2',
    );
    const through = [parseVary('app.steps.length=1')];
    expect(() => pointScenarios(shared, through, 'f.json')(pointAt(through, 0))).toThrow('app.steps is a list of 2 items, not an object');
  });
});
