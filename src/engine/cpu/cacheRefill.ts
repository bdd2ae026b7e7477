// What a process pays in CPU to run on a core after other processes ran there: their
// memory took the core's caches, and it refetches its own. How much depends on how much
// of it they evicted, so on how many distinct others ran on that core since it last did
// (the LRU stack distance of its working set): two processes that fit in the caches
// together cost each other nothing, eight evict each other (calibration/switch_in.sh).
// Measured points, linear between them, from none at 0 others; beyond the last point the
// last value (its whole working set is gone).
import type { Time } from '../time.js';

export interface RefillPoint {
  /** Distinct other processes that ran on the core since this one last did. */
  others: number;
  /** The CPU it then pays to refill its caches. */
  cpu: Time;
}

export class CacheRefill {
  private readonly points: readonly RefillPoint[];

  /** `points` in increasing `others`, each at least 1; `paid` hears each refill charged (its owner's CPU account). */
  constructor(
    points: readonly RefillPoint[],
    private readonly paid: (cpu: Time) => void = () => undefined,
  ) {
    this.points = [{ others: 0, cpu: 0 }, ...points];
  }

  /** The CPU a process pays now after `others` distinct others ran, told to its owner. */
  charge(others: number): Time {
    const cpu = this.cost(others);
    if (cpu > 0) this.paid(cpu);
    return cpu;
  }

  /** The CPU to refill after `others` distinct others ran (0: none did). */
  cost(others: number): Time {
    const p = this.points;
    if (others <= 0) return 0;
    for (let i = 1; i < p.length; i++) {
      if (others <= p[i].others) {
        const a = p[i - 1];
        const b = p[i];
        return Math.round(a.cpu + ((b.cpu - a.cpu) * (others - a.others)) / (b.others - a.others));
      }
    }
    return p[p.length - 1].cpu;
  }
}
