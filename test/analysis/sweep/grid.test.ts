import { describe, expect, it } from 'vitest';
import { checkedPoints, expandGrid, gridSize, inShard, parseShard, pointAt, pointScenario } from '../../../src/analysis/sweep/grid.js';
import { parseVary } from '../../../src/analysis/sweep/vary.js';

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
      '--vary client.concurrency=5,25 (client.concurrency=25): at client.concurrency: expected concurrency <= requests (hey refuses -c larger than -n), got number 25',
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
