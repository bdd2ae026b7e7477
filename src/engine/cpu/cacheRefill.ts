// What a process pays in CPU to run on a core after other processes ran there: their
// memory took the core's caches, and it refetches its own. How much depends on how much
// of it they evicted, so on how many distinct others ran on that core since it last did
// (the LRU stack distance of its working set): two processes that fit in the caches
// together cost each other nothing, eight evict each other (calibration/switch_in.sh).
// Measured points, linear between them, from none at 0 others; beyond the last point the
// last value (its whole working set is gone).
import type { Time } from '../time.js';
import type { OnCore } from './cpu.js';

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

/** A process with a cache refill cost: its tasks on a core, and when its last one ended. */
interface Refilling {
  running: number;
  endedAt: Time;
}

/**
 * The per-core run queues' record of who ran where (perCore.ts): on each core, the
 * processes with a refill cost that ran there, most recent first, and whether a task
 * starting now is its process's wake-up or the next piece of a run.
 */
export class CoreRefills {
  private readonly recent: OnCore[][];
  private readonly refilling = new Map<OnCore, Refilling>();

  constructor(cores: number) {
    this.recent = Array.from({ length: cores }, () => []);
  }

  /**
   * `p` starts a task on `core` at `now`: what it pays, its refill if it wakes there (no
   * task of its own running or ending this instant) after others ran there since it last did.
   */
  started(p: OnCore, core: number, now: Time): Time {
    let r = this.refilling.get(p);
    if (r === undefined) {
      r = { running: 0, endedAt: -1 };
      this.refilling.set(p, r);
    }
    const wakes = r.running === 0 && r.endedAt < now;
    r.running++;
    const others = this.ranHere(p, core);
    return wakes ? p.cacheRefill!.charge(others) : 0;
  }

  /** A task of `p` ended (or was dropped) at `now`. */
  ended(p: OnCore, now: Time): void {
    const r = this.refilling.get(p)!;
    r.running--;
    r.endedAt = now;
  }

  /**
   * `p`'s task comes to run on `core` other than by waking: pulled there from another core,
   * however long it ran before, or (under EEVDF's slices) picked again after the core ran
   * something else, preempted or not. It pays for the others that ran there meanwhile.
   */
  runsAgain(p: OnCore, core: number): Time {
    return p.cacheRefill!.charge(this.ranHere(p, core));
  }

  /** How many others ran on `core` since `p` last did (all of them if it never did); `p` is now the latest. */
  private ranHere(p: OnCore, core: number): number {
    const list = this.recent[core];
    let i = list.indexOf(p);
    if (i < 0) i = list.push(p) - 1;
    const others = i;
    for (; i > 0; i--) list[i] = list[i - 1];
    list[0] = p;
    return others;
  }
}
