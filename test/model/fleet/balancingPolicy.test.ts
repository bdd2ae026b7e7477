// How the balancer's policies spread requests, counted by hand.
import { describe, expect, it } from 'vitest';
import { type Candidate, Picker } from '../../../src/model/fleet/balancingPolicy.js';

/** Upstreams 0..n-1 with these requests in flight. */
const upstreams = (...active: number[]): Candidate[] => active.map((a, index) => ({ index, active: a }));

/** A uniform stream that returns these values in turn. */
const draws = (...values: number[]) => {
  let i = 0;
  return () => values[i++ % values.length];
};

describe('balancing policies', () => {
  it('round-robin takes the upstreams in turn: 7 requests over 3 go 3, 2, 2', () => {
    const p = new Picker('round-robin', draws(0));
    const picks = Array.from({ length: 7 }, () => p.pick(upstreams(0, 0, 0)).index);
    expect(picks).toEqual([0, 1, 2, 0, 1, 2, 0]);
  });

  it('round-robin skips an upstream it may not use, and goes on after it', () => {
    const p = new Picker('round-robin', draws(0));
    const all = upstreams(0, 0, 0);
    expect(p.pick(all).index).toBe(0);
    // Upstream 1 is left out (failed): the next after 0 is 2.
    expect(p.pick([all[0], all[2]]).index).toBe(2);
    expect(p.pick(all).index).toBe(0);
  });

  it('least-connections takes the upstream with the fewest requests in flight', () => {
    const p = new Picker('least-connections', draws(0));
    expect(p.pick(upstreams(3, 1, 2)).index).toBe(1);
    expect(p.pick(upstreams(0, 1, 2)).index).toBe(0);
  });

  it('least-connections breaks ties in round-robin order', () => {
    const p = new Picker('least-connections', draws(0));
    // Every upstream idle: 0, 1, 2, 0 as round-robin would.
    expect([0, 0, 0, 0].map(() => p.pick(upstreams(0, 0, 0)).index)).toEqual([0, 1, 2, 0]);
    // After 0: the tie between 0 and 2 (1 is busier) goes to 2.
    expect(p.pick(upstreams(1, 2, 1)).index).toBe(2);
  });

  it('least-connections keeps a slow upstream from piling up: 6 requests, upstream 0 never finishes', () => {
    // Requests finish at once on 1 and 2; those on 0 stay in flight.
    const p = new Picker('least-connections', draws(0));
    const active = [0, 0, 0];
    const picks: number[] = [];
    for (let n = 0; n < 6; n++) {
      const u = p.pick(upstreams(...active)).index;
      picks.push(u);
      if (u === 0) active[0]++;
    }
    // Round-robin would send 2 of the 6 to upstream 0; least-connections sends 1.
    expect(picks).toEqual([0, 1, 2, 1, 2, 1]);
  });

  it('random takes any, by its draw', () => {
    const p = new Picker('random', draws(0.1, 0.5, 0.9));
    expect([0, 0, 0].map(() => p.pick(upstreams(0, 0, 0)).index)).toEqual([0, 1, 2]);
  });

  it('two-choices draws two distinct upstreams and takes the less busy one (the first on a tie)', () => {
    // Draws 0.0 -> upstream 0; then 0.5 of the 2 others -> index 1, shifted past 0 -> 2.
    const p = new Picker('two-choices', draws(0.0, 0.5));
    expect(p.pick(upstreams(5, 0, 1)).index).toBe(2);
    expect(p.pick(upstreams(1, 0, 5)).index).toBe(0);
    expect(p.pick(upstreams(3, 0, 3)).index).toBe(0);
  });
});
