import { describe, expect, it } from 'vitest';
import { Fifo } from '../../src/engine/fifo.js';
import { RandomStreams } from '../../src/engine/random.js';

describe('the FIFO ring', () => {
  it('keeps first-in first-out order as it grows, wrapped round or not', () => {
    const q = new Fifo<number>();
    const model: number[] = [];
    // Wrap the ring first (head past 0), then grow it twice while wrapped.
    for (let i = 0; i < 10; i++) q.push(i);
    for (let i = 0; i < 10; i++) expect(q.shift()).toBe(i);
    for (let i = 0; i < 70; i++) {
      q.push(100 + i);
      model.push(100 + i);
    }
    expect(q.length).toBe(70);
    expect(q.peek()).toBe(100);
    const out: number[] = [];
    for (;;) {
      const x = q.shift();
      if (x === undefined) break;
      out.push(x);
    }
    expect(out).toEqual(model);
  });

  it('matches a plain array under random pushes, shifts and removals', () => {
    const random = new RandomStreams(7).stream('fifo');
    const q = new Fifo<number>();
    const model: number[] = [];
    let next = 0;
    for (let step = 0; step < 5_000; step++) {
      const r = random();
      if (r < 0.55) {
        q.push(next);
        model.push(next++);
      } else if (r < 0.95) {
        expect(q.shift()).toBe(model.shift());
      } else if (model.length > 0) {
        const victim = model[Math.floor(random() * model.length)];
        expect(q.remove(victim)).toBe(true);
        model.splice(model.indexOf(victim), 1);
      }
      expect(q.length).toBe(model.length);
      expect(q.peek()).toBe(model[0]);
    }
  });
});
