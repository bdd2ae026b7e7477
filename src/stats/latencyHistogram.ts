// Latencies of finished requests, in bounded memory: a log-linear histogram of integer
// microseconds (the HdrHistogram layout). Values below 2^16 µs (65 ms) are kept exactly;
// above, each power of two is split into 2^15 bins, a relative error under 0.004 %, far
// below the 0.1 ms that hey prints. Memory grows with the range of latencies seen, never
// with the number of requests. Percentiles follow hey's own rule (see `percentile`).
import { DOUBLE_ZERO } from '../engine/time.js';

const SUB_BITS = 16;
const SUB_COUNT = 1 << SUB_BITS; // exact range, and bins per chunk
const HALF = SUB_COUNT >> 1;
/** 2^-k: multiplying by it is exactly dividing by 2^k, without a call to pow on the hot path. */
const INVERSE_POWER_OF_TWO = Float64Array.from({ length: 64 }, (_, k) => 2 ** -k);

export class LatencyHistogram {
  /** chunks[0] covers [0, 2^16); chunks[k] (k >= 1) covers [2^(15+k), 2^(16+k)). */
  private chunks: Array<Uint32Array | undefined> = [];
  count = 0;
  sum = DOUBLE_ZERO;
  min = Infinity;
  max = -Infinity;

  /** Records a latency in integer microseconds. */
  record(v: number): void {
    this.count++;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    let chunk: number, index: number;
    if (v < SUB_COUNT) {
      chunk = 0;
      index = v;
    } else {
      // v in [2^(15+chunk), 2^(16+chunk)): below 2^47 µs, v / 2^16 fits clz32.
      chunk = 32 - Math.clz32(v / SUB_COUNT);
      index = Math.floor(v * INVERSE_POWER_OF_TWO[chunk]) - HALF;
    }
    let c = this.chunks[chunk];
    if (c === undefined) c = this.chunks[chunk] = new Uint32Array(chunk === 0 ? SUB_COUNT : HALF);
    c[index]++;
  }

  /**
   * Calls fn(lowest value of the bin, count) for each non-empty bin, in increasing value
   * order, until fn returns true. (A callback, not a generator: a 1M-request run has tens
   * of thousands of bins, and a generator's pair per bin cost every report milliseconds.)
   */
  forEachBin(fn: (value: number, n: number) => unknown): void {
    for (let k = 0; k < this.chunks.length; k++) {
      const c = this.chunks[k];
      if (c === undefined) continue;
      const scale = 2 ** k;
      for (let i = 0; i < c.length; i++) {
        if (c[i] !== 0 && fn(k === 0 ? i : (i + HALF) * scale, c[i]) === true) return;
      }
    }
  }

  /** The value at 0-based rank `r` of the sorted latencies (exact min and max at the ends). */
  atRank(r: number): number {
    if (r <= 0) return this.min;
    if (r >= this.count - 1) return this.max;
    const { values, cumulative } = this.sortedBins();
    return values[firstAbove(cumulative, r)];
  }

  /**
   * hey's percentile (requester/report.go, latencies()): the first sorted index i with
   * i*100/n >= p in integer division, i.e. i = ceil(p*n/100); none when i >= n, so ten
   * requests have no 99 % line, exactly as hey prints.
   */
  percentile(p: number): number | undefined {
    const i = Math.ceil((p * this.count) / 100);
    if (this.count === 0 || i >= this.count) return undefined;
    return this.atRank(i);
  }

  /** hey's percentiles for several `ps` at once. */
  percentiles(ps: readonly number[]): (number | undefined)[] {
    return ps.map((p) => this.percentile(p));
  }

  /**
   * How many latencies lie in bins whose value (as `forEachBin` gives it, raised to `min`)
   * is at or below each of `limits`.
   */
  countsUpTo(limits: readonly number[]): number[] {
    const { values, cumulative } = this.sortedBins();
    return limits.map((limit) => {
      const i = firstAbove(values, limit);
      return i === 0 ? 0 : cumulative[i - 1];
    });
  }

  /** The non-empty bins, for the report's queries; built when first asked for after a change. */
  private sorted: SortedBins | undefined = undefined;

  /**
   * Each non-empty bin's value (its lowest, within [min, max]: the first bin may start below
   * the smallest latency) and how many latencies lie in it and the bins before, in
   * increasing order. The report's queries search these instead of walking the bins with a
   * call per bin (forEachBin), which cost a 1M-request report milliseconds a query.
   */
  private sortedBins(): SortedBins {
    if (this.sorted !== undefined && this.sorted.count === this.count) return this.sorted;
    // Room for every bin; what the non-empty ones need is kept.
    const room = this.chunks.reduce((n, c) => n + (c?.length ?? 0), 0);
    let values = new Float64Array(room);
    let cumulative = new Float64Array(room);
    let j = 0;
    let seen = 0;
    // Little work per bin: this runs once, mostly before V8 has optimized it.
    for (let k = 0; k < this.chunks.length; k++) {
      const c = this.chunks[k];
      if (c === undefined) continue;
      // A bin's lowest value is (i + offset) * scale.
      const offset = k === 0 ? 0 : HALF;
      const scale = 2 ** k;
      for (let i = 0; i < c.length; i++) {
        const n = c[i];
        if (n === 0) continue;
        seen += n;
        values[j] = (i + offset) * scale;
        cumulative[j++] = seen;
      }
    }
    values = values.slice(0, j);
    cumulative = cumulative.slice(0, j);
    // Only the first bin, which holds the smallest latency, can start below it.
    if (j > 0) values[0] = Math.min(Math.max(values[0], this.min), this.max);
    this.sorted = { count: this.count, values, cumulative };
    return this.sorted;
  }

  merge(other: LatencyHistogram): void {
    for (let k = 0; k < other.chunks.length; k++) {
      const o = other.chunks[k];
      if (o === undefined) continue;
      let c = this.chunks[k];
      if (c === undefined) c = this.chunks[k] = new Uint32Array(o.length);
      for (let i = 0; i < o.length; i++) c[i] += o[i];
    }
    this.count += other.count;
    this.sum += other.sum;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
  }
}

interface SortedBins {
  /** The histogram's count when they were built. */
  count: number;
  values: Float64Array;
  cumulative: Float64Array;
}

/** The first index whose entry is above `x` in the non-decreasing `a` (a.length if none). */
function firstAbove(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
