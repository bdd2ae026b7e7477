import { describe, expect, it } from 'vitest';
import { CallQueue } from '../../src/engine/callQueue.js';
import { RandomStreams } from '../../src/engine/random.js';

describe('the queue of deferred calls', () => {
  it('makes the calls in the order they came, with their arguments, as it grows wrapped round or not', () => {
    const q = new CallQueue();
    const made: [number, string][] = [];
    const record = (n: number, s: string) => made.push([n, s]);
    // Wrap the ring first (its head past 0), then grow it twice while wrapped.
    for (let i = 0; i < 3; i++) q.push(record, i, 'a');
    for (let i = 0; i < 3; i++) q.callNext();
    const expected: [number, string][] = [
      [0, 'a'],
      [1, 'a'],
      [2, 'a'],
    ];
    for (let i = 0; i < 9; i++) {
      q.push(record, 100 + i, `b${i}`);
      expected.push([100 + i, `b${i}`]);
    }
    expect(q.length).toBe(9);
    while (q.length > 0) q.callNext();
    expect(made).toEqual(expected);
  });

  it('matches a plain array of calls under random pushes and calls', () => {
    const random = new RandomStreams(11).stream('callQueue');
    const q = new CallQueue();
    const model: number[] = [];
    const made: number[] = [];
    const record = (n: number, _: undefined) => made.push(n);
    let next = 0;
    for (let step = 0; step < 5_000; step++) {
      if (random() < 0.55) {
        q.push(record, next, undefined);
        model.push(next++);
      } else if (model.length > 0) {
        q.callNext();
        expect(made.pop()).toBe(model.shift());
      }
      expect(q.length).toBe(model.length);
    }
  });
});
