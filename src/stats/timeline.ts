// Time series of a run in bounded memory: at most `maxPoints` buckets. Buckets start
// 1 ms wide; when the run outgrows them, neighbours merge and the width doubles, so a
// long run never grows the output. Gauges (how many requests are in some state) keep
// their time-weighted mean and their peak per bucket; counters count events per bucket.
import type { Time } from '../engine/time.js';

export interface TimelineData {
  /** Width of each bucket, in seconds. */
  bucketSeconds: number;
  /** Start of each bucket, in seconds. */
  t: number[];
  /** Time-weighted mean of each gauge over each bucket. */
  mean: Record<string, number[]>;
  /** Highest value of each gauge within each bucket. */
  peak: Record<string, number[]>;
  /** Events counted in each bucket. */
  count: Record<string, number[]>;
}

const INITIAL_WIDTH: Time = 1000;

export class Gauge {
  value = 0;
  private since: Time = 0;
  /** Integral of value over time, per bucket. */
  area: number[] = [];
  peak: number[] = [];

  constructor(private readonly timeline: Timeline) {}

  add(delta: number, now: Time): void {
    this.advance(now);
    this.value += delta;
    const b = this.timeline.bucketOf(now);
    if (this.value > (this.peak[b] ?? 0)) this.peak[b] = this.value;
  }

  /** Accounts the current value up to `now`, bucket by bucket. */
  advance(now: Time): void {
    if (now <= this.since) return;
    const width = this.timeline.width;
    let t = this.since;
    while (t < now) {
      const b = Math.floor(t / width);
      const end = Math.min(now, (b + 1) * width);
      if (this.value !== 0) this.area[b] = (this.area[b] ?? 0) + this.value * (end - t);
      if (this.value > (this.peak[b] ?? 0)) this.peak[b] = this.value;
      t = end;
    }
    this.since = now;
  }

  /** @internal merges bucket pairs after the width doubled. */
  halve(): void {
    this.area = mergePairs(this.area, (a, b) => a + b);
    this.peak = mergePairs(this.peak, Math.max);
  }
}

export class Counter {
  counts: number[] = [];
  total = 0;

  constructor(private readonly timeline: Timeline) {}

  inc(now: Time): void {
    const b = this.timeline.bucketOf(now);
    this.counts[b] = (this.counts[b] ?? 0) + 1;
    this.total++;
  }

  /** @internal */
  halve(): void {
    this.counts = mergePairs(this.counts, (a, b) => a + b);
  }
}

export class Timeline {
  width: Time = INITIAL_WIDTH;
  private readonly gauges = new Map<string, Gauge>();
  private readonly counters = new Map<string, Counter>();

  constructor(readonly maxPoints = 240) {}

  gauge(name: string): Gauge {
    let g = this.gauges.get(name);
    if (g === undefined) this.gauges.set(name, (g = new Gauge(this)));
    return g;
  }

  counter(name: string): Counter {
    let c = this.counters.get(name);
    if (c === undefined) this.counters.set(name, (c = new Counter(this)));
    return c;
  }

  /** The bucket holding `now`, widening the buckets first if `now` is past the last one. */
  bucketOf(now: Time): number {
    while (now >= this.width * this.maxPoints) this.widen();
    return Math.floor(now / this.width);
  }

  private widen(): void {
    // Gauges must have accounted their time in the old buckets before they merge.
    this.width *= 2;
    for (const g of this.gauges.values()) g.halve();
    for (const c of this.counters.values()) c.halve();
  }

  finish(end: Time): TimelineData {
    for (const g of this.gauges.values()) g.advance(end);
    this.bucketOf(Math.max(0, end - 1));
    const n = Math.max(1, Math.ceil(end / this.width));
    const seconds = this.width / 1e6;
    const data: TimelineData = {
      bucketSeconds: seconds,
      t: Array.from({ length: n }, (_, i) => i * seconds),
      mean: {},
      peak: {},
      count: {},
    };
    for (const [name, g] of this.gauges) {
      data.mean[name] = Array.from({ length: n }, (_, i) => {
        const span = Math.min(this.width, end - i * this.width);
        return span > 0 ? (g.area[i] ?? 0) / span : 0;
      });
      data.peak[name] = foldTail(Array.from({ length: n }, (_, i) => g.peak[i] ?? 0), g.peak, Math.max);
    }
    for (const [name, c] of this.counters) {
      data.count[name] = foldTail(Array.from({ length: n }, (_, i) => c.counts[i] ?? 0), c.counts, (x, y) => x + y);
    }
    return data;
  }
}

function mergePairs(a: number[], f: (x: number, y: number) => number): number[] {
  const out: number[] = [];
  for (let i = 0; i < a.length; i += 2) {
    const x = a[i] ?? 0;
    const y = a[i + 1] ?? 0;
    if (a[i] !== undefined || a[i + 1] !== undefined) out[i >> 1] = f(x, y);
  }
  return out;
}

/**
 * The last bucket is closed on the right: what happened at the very end of the run (its
 * last responses, which often fall on a bucket boundary) belongs to it, not to a bucket
 * past the end.
 */
function foldTail(shown: number[], all: readonly number[], f: (x: number, y: number) => number): number[] {
  for (let i = shown.length; i < all.length; i++) {
    if (all[i] !== undefined) shown[shown.length - 1] = f(shown[shown.length - 1], all[i]);
  }
  return shown;
}
