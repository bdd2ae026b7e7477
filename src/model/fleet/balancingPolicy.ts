// How a load balancer picks an upstream for a request, among those it may use (not left
// out after failures, under max_conns, not yet tried for this request), as nginx's
// upstream modules do with equal weights:
// - round-robin (ngx_http_upstream_round_robin.c): the next usable one after the last pick;
// - least-connections (least_conn): the fewest requests in flight, ties in round-robin order;
// - random (random): any, uniformly;
// - two-choices (random two least_conn): two distinct ones at random, the one with fewer
//   requests in flight (the first drawn on a tie).
import type { Uniform } from '../../engine/random.js';
import type { BalancingPolicy } from '../../scenario/resolveFleet.js';

export type { BalancingPolicy };

/** What the policy reads of an upstream. */
export interface Candidate {
  readonly index: number;
  /** Requests in flight to it. */
  readonly active: number;
}

export class Picker {
  /** Round-robin's cursor: the index after the last pick. */
  private next = 0;

  constructor(
    private readonly policy: BalancingPolicy,
    private readonly uniform: Uniform,
  ) {}

  /** One of `usable` (sorted by index, not empty). */
  pick(usable: readonly Candidate[]): Candidate {
    if (usable.length === 1) return this.took(usable[0]);
    switch (this.policy) {
      case 'round-robin':
        return this.took(this.roundRobin(usable));
      case 'least-connections': {
        let least = Infinity;
        for (const c of usable) least = Math.min(least, c.active);
        return this.took(this.roundRobin(usable.filter((c) => c.active === least)));
      }
      case 'random':
        return this.took(usable[Math.floor(this.uniform() * usable.length)]);
      case 'two-choices': {
        const i = Math.floor(this.uniform() * usable.length);
        let j = Math.floor(this.uniform() * (usable.length - 1));
        if (j >= i) j++;
        return this.took(usable[j].active < usable[i].active ? usable[j] : usable[i]);
      }
    }
  }

  /** The first of `usable` at or after the cursor, cyclically. */
  private roundRobin(usable: readonly Candidate[]): Candidate {
    for (const c of usable) if (c.index >= this.next) return c;
    return usable[0];
  }

  private took(c: Candidate): Candidate {
    this.next = c.index + 1;
    return c;
  }
}
