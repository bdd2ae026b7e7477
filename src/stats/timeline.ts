// Time series of a run in bounded memory: at most `maxPoints` buckets. Buckets start
// 1 ms wide; when the run outgrows them, neighbours merge and the width doubles, so a
// long run never grows the output. Gauges (how many requests are in some state) keep
// their time-weighted mean and their peak per bucket; counters count events per bucket.
import { DOUBLE_ZERO, type Time } from '../engine/time.js';

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
  /** Accounted up to this time. */
  private since: Time = DOUBLE_ZERO;
  /** The bucket holding `since`, its end, and its area and peak so far (kept in fields:
   * the common case, a change within the same bucket, touches no array). */
  private bucket = 0;
  /** A double from the start (DOUBLE_ZERO, then its value), as are the timeline's width and limit. */
  private bucketEnd: Time = DOUBLE_ZERO;
  private curArea = DOUBLE_ZERO;
  private curPeak = 0;
  /** Integral of value over time, and highest value, per finished bucket. */
  readonly area: Float64Array;
  readonly peak: Float64Array;

  constructor(
    private readonly timeline: Timeline,
    /** Kept over time; otherwise only the current value is (a run whose time series no
     * output shows: see RunOptions.timeSeries). */
    readonly recorded = true,
  ) {
    this.bucketEnd = timeline.width;
    this.area = new Float64Array(timeline.maxPoints);
    this.peak = new Float64Array(timeline.maxPoints);
  }

  add(delta: number, now: Time): void {
    if (!this.recorded) {
      this.value += delta;
      return;
    }
    if (now >= this.bucketEnd) this.advance(now);
    else if (now > this.since) {
      this.curArea += this.value * (now - this.since);
      if (this.value > this.curPeak) this.curPeak = this.value;
      this.since = now;
    }
    this.value += delta;
    if (this.value > this.curPeak) this.curPeak = this.value;
  }

  /** Accounts the current value up to `now`, bucket by bucket. */
  advance(now: Time): void {
    this.timeline.bucketOf(now); // widens first if `now` is past the last bucket
    const width = this.timeline.width;
    while (now >= this.bucketEnd) {
      if (this.bucketEnd > this.since) {
        this.curArea += this.value * (this.bucketEnd - this.since);
        if (this.value > this.curPeak) this.curPeak = this.value;
      }
      this.flush();
      this.since = this.bucketEnd;
      this.bucket++;
      this.bucketEnd += width;
      this.curArea = 0;
      this.curPeak = 0;
    }
    if (now > this.since) {
      this.curArea += this.value * (now - this.since);
      if (this.value > this.curPeak) this.curPeak = this.value;
      this.since = now;
    }
  }

  private flush(): void {
    const b = this.bucket;
    this.area[b] += this.curArea;
    if (this.curPeak > this.peak[b]) this.peak[b] = this.curPeak;
  }

  /** @internal merges bucket pairs after the width doubled. */
  halve(width: Time): void {
    this.flush();
    this.curArea = 0;
    mergePairs(this.area, (a, b) => a + b);
    mergePairs(this.peak, Math.max);
    this.bucket = Math.floor(this.since / width);
    this.bucketEnd = (this.bucket + 1) * width;
    this.curPeak = this.peak[this.bucket];
  }

  /** @internal all accounted up to `end`, every bucket in the arrays. */
  close(end: Time): void {
    this.advance(end);
    this.flush();
    this.curArea = 0;
  }
}

export class Counter {
  readonly counts: Float64Array;
  total = 0;

  constructor(
    private readonly timeline: Timeline,
    /** Kept over time; otherwise only the total is (see Gauge.recorded). */
    readonly recorded = true,
  ) {
    this.counts = new Float64Array(timeline.maxPoints);
  }

  inc(now: Time): void {
    if (!this.recorded) {
      this.total++;
      return;
    }
    this.counts[this.timeline.bucketOf(now)]++;
    this.total++;
  }

  /** @internal */
  halve(): void {
    mergePairs(this.counts, (a, b) => a + b);
  }
}

export class Timeline {
  /**
   * The buckets' width, and where they end (width * maxPoints). Both double each time the
   * run outgrows them and pass 2^31 µs in a long run, where V8 would switch them from small
   * integers to doubles and deoptimize the gauges mid-run; so they are doubles from the
   * start (time.ts: DOUBLE_ZERO, then their value).
   */
  width: Time = DOUBLE_ZERO;
  private limit: Time = DOUBLE_ZERO;
  private readonly gauges = new Map<string, Gauge>();
  private readonly counters = new Map<string, Counter>();

  constructor(readonly maxPoints = 240) {
    if (maxPoints % 2 !== 0) throw new RangeError('maxPoints must be even');
    this.width = INITIAL_WIDTH;
    this.limit = INITIAL_WIDTH * maxPoints;
  }

  /** The gauge called `name`; `recorded` false: its value only, no series (not in finish()'s data). */
  gauge(name: string, recorded = true): Gauge {
    let g = this.gauges.get(name);
    if (g === undefined) {
      g = new Gauge(this, recorded);
      this.gauges.set(name, g);
    }
    return g;
  }

  /** The counter called `name`; `recorded` false: its total only, no series (not in finish()'s data). */
  counter(name: string, recorded = true): Counter {
    let c = this.counters.get(name);
    if (c === undefined) {
      c = new Counter(this, recorded);
      this.counters.set(name, c);
    }
    return c;
  }

  /** The bucket holding `now`, widening the buckets first if `now` is past the last one. */
  bucketOf(now: Time): number {
    while (now >= this.limit) this.widen();
    return Math.floor(now / this.width);
  }

  private widen(): void {
    this.width *= 2;
    this.limit *= 2;
    for (const g of this.gauges.values()) g.halve(this.width);
    for (const c of this.counters.values()) c.halve();
  }

  finish(end: Time): TimelineData {
    this.bucketOf(Math.max(0, end - 1));
    for (const g of this.gauges.values()) if (g.recorded) g.close(end);
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
      if (!g.recorded) continue;
      data.mean[name] = Array.from({ length: n }, (_, i) => {
        const span = Math.min(this.width, end - i * this.width);
        return span > 0 ? g.area[i] / span : 0;
      });
      // A value or an event at the very end of a run that ends on a bucket boundary lands
      // in bucket n, past the last one: it belongs to the last bucket (else the run's last
      // completions vanish from the series).
      data.peak[name] = Array.from({ length: n }, (_, i) => (i === n - 1 ? Math.max(g.peak[i], g.peak[n] ?? 0) : g.peak[i]));
    }
    for (const [name, c] of this.counters) {
      if (!c.recorded) continue;
      data.count[name] = Array.from({ length: n }, (_, i) => c.counts[i] + (i === n - 1 ? (c.counts[n] ?? 0) : 0));
    }
    return data;
  }
}

/** In place: a[i] = f(a[2i], a[2i + 1]) for the first half, zeros after. */
function mergePairs(a: Float64Array, f: (x: number, y: number) => number): void {
  const half = a.length / 2;
  for (let i = 0; i < half; i++) a[i] = f(a[2 * i], a[2 * i + 1]);
  a.fill(0, half);
}
