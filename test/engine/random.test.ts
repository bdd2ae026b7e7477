import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../src/engine/random.js';

const draws = (u: () => number, n = 5) => Array.from({ length: n }, () => u());

describe('named random streams', () => {
  it('give the same sequence for the same seed and name', () => {
    expect(draws(new RandomStreams(7).stream('db.query'))).toEqual(draws(new RandomStreams(7).stream('db.query')));
  });

  it('differ between names and between seeds', () => {
    const a = draws(new RandomStreams(7).stream('db.query'));
    expect(draws(new RandomStreams(7).stream('client.think'))).not.toEqual(a);
    expect(draws(new RandomStreams(8).stream('db.query'))).not.toEqual(a);
  });

  it('are independent: drawing from a new stream does not shift an existing one', () => {
    const alone = new RandomStreams(3);
    const expected = draws(alone.stream('server.accept'), 10);
    const together = new RandomStreams(3);
    const accept = together.stream('server.accept');
    const first = draws(accept, 5);
    draws(together.stream('a.new.component'), 100);
    expect([...first, ...draws(accept, 5)]).toEqual(expected);
  });

  it('return the same stream object for the same name', () => {
    const s = new RandomStreams(1);
    expect(s.stream('x')).toBe(s.stream('x'));
  });
});
