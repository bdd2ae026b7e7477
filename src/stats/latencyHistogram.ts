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
    let seen = 0;
    let found = this.max;
    this.forEachBin((value, n) => {
      seen += n;
      if (seen <= r) return false;
      found = Math.min(Math.max(value, this.min), this.max);
      return true;
    });
    return found;
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

  /** hey's percentiles for several `ps` at once, in one pass over the bins. */
  percentiles(ps: readonly number[]): (number | undefined)[] {
    const ranks = ps.map((p) => Math.ceil((p * this.count) / 100));
    const out: (number | undefined)[] = ranks.map((i) => (this.count === 0 || i >= this.count ? undefined : i <= 0 ? this.min : undefined));
    const todo = ranks
      .map((i, k) => (out[k] === undefined && i < this.count && i > 0 ? k : -1))
      .filter((k) => k >= 0)
      .sort((a, b) => ranks[a] - ranks[b]);
    let seen = 0;
    let next = 0;
    if (todo.length === 0) return out;
    this.forEachBin((value, n) => {
      seen += n;
      while (next < todo.length && seen > ranks[todo[next]]) {
        const r = ranks[todo[next]];
        out[todo[next++]] = r >= this.count - 1 ? this.max : Math.min(Math.max(value, this.min), this.max);
      }
      return next === todo.length;
    });
    return out;
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
