// A result cache in front of some steps (Redis, memcached). Either a fixed hit ratio,
// or keys with a time-to-live: each request asks for one of `keys` keys, uniformly; a
// key is fresh for `ttl` after a miss stored its result. Concurrent misses on the same
// key all pay the full cost until the first one stores it, as with a real cache.
import type { Uniform } from '../engine/random.js';
import type { Time } from '../engine/time.js';

export class CacheModel {
  private readonly expires: Float64Array | undefined;
  hits = 0;
  misses = 0;

  constructor(
    private readonly random: Uniform,
    private readonly hitRatio: number | undefined,
    private readonly ttl: Time,
    keys: number,
  ) {
    this.expires = hitRatio === undefined ? new Float64Array(keys).fill(-1) : undefined;
  }

  /** Looks up a key at `now`: -1 for a hit, else the key to store after the miss (0 with a hit ratio). */
  lookup(now: Time): number {
    if (this.expires === undefined) {
      const hit = this.random() < this.hitRatio!;
      if (hit) this.hits++;
      else this.misses++;
      return hit ? -1 : 0;
    }
    const key = Math.floor(this.random() * this.expires.length);
    if (this.expires[key] > now) {
      this.hits++;
      return -1;
    }
    this.misses++;
    return key;
  }

  store(key: number, now: Time): void {
    if (this.expires !== undefined) this.expires[key] = now + this.ttl;
  }
}
