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
/**
 * Bins are counted in blocks too, so that the report's queries add up a few hundred block
 * totals and search one block, instead of visiting every bin of every chunk.
 */
const BLOCK_BITS = 8;
const BLOCK_SIZE = 1 << BLOCK_BITS;
/** A chunk's array starts with its block totals (as many as chunk 0 needs), then its bins. */
const BLOCKS = SUB_COUNT >> BLOCK_BITS;
const BLOCK_BITS_PER_CHUNK = SUB_BITS - BLOCK_BITS;

export class LatencyHistogram {
  /**
   * chunks[0] covers [0, 2^16); chunks[k] (k >= 1) covers [2^(15+k), 2^(16+k)). Each holds
   * BLOCKS block totals, then its bins; bin i's block total is at i >> BLOCK_BITS.
   */
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
    if (c === undefined) c = this.chunks[chunk] = new Uint32Array(BLOCKS + (chunk === 0 ? SUB_COUNT : HALF));
    c[BLOCKS + index]++;
    c[index >> BLOCK_BITS]++;
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
      for (let i = 0; i < c.length - BLOCKS; i++) {
        const n = c[BLOCKS + i];
        if (n !== 0 && fn(binValue(k, i), n) === true) return;
      }
    }
  }

  /** The value at 0-based rank `r` of the sorted latencies (exact min and max at the ends). */
  atRank(r: number): number {
    if (r <= 0) return this.min;
    if (r >= this.count - 1) return this.max;
    const through = this.blockTotals();
    const f = firstAbove(through, r);
    const chunk = f >> BLOCK_BITS_PER_CHUNK;
    const c = this.chunks[chunk]!;
    let seen = f === 0 ? 0 : through[f - 1];
    let i = (f & (BLOCKS - 1)) * BLOCK_SIZE;
    for (seen += c[BLOCKS + i]; seen <= r; seen += c[BLOCKS + i]) i++;
    // Only the first non-empty bin, which holds the smallest latency, can start below it.
    return Math.min(Math.max(binValue(chunk, i), this.min), this.max);
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
    const through = this.blockTotals();
    return limits.map((limit) => {
      // The first non-empty bin, raised to min, is the lowest value, and no bin starts above
      // max. Between them, a bin is counted when it starts at or below the limit: the
      // limit's own bin and every bin before it.
      if (limit < this.min) return 0;
      if (!(limit < this.max)) return this.count;
      const v = Math.floor(limit);
      const chunk = v < SUB_COUNT ? 0 : 32 - Math.clz32(v / SUB_COUNT);
      const index = chunk === 0 ? v : Math.floor(v * INVERSE_POWER_OF_TWO[chunk]) - HALF;
      const f = (chunk << BLOCK_BITS_PER_CHUNK) + (index >> BLOCK_BITS);
      let n = f === 0 ? 0 : through[f - 1];
      const c = this.chunks[chunk];
      if (c !== undefined) for (let i = (index >> BLOCK_BITS) * BLOCK_SIZE; i <= index; i++) n += c[BLOCKS + i];
      return n;
    });
  }

  /** Running totals of the blocks, chunk after chunk; built when first asked for after a change. */
  private totals: { count: number; through: Float64Array } | undefined = undefined;

  /**
   * How many latencies lie in each block and the blocks before it, in increasing value
   * order; block b of chunk k is at k * BLOCKS + b (a chunk never made adds nothing).
   */
  private blockTotals(): Float64Array {
    if (this.totals !== undefined && this.totals.count === this.count) return this.totals.through;
    const through = new Float64Array(this.chunks.length * BLOCKS);
    let seen = 0;
    for (let k = 0; k < this.chunks.length; k++) {
      const c = this.chunks[k];
      for (let b = 0; b < BLOCKS; b++) {
        if (c !== undefined) seen += c[b];
        through[k * BLOCKS + b] = seen;
      }
    }
    this.totals = { count: this.count, through };
    return through;
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

/** The lowest value of chunk k's bin i. */
function binValue(k: number, i: number): number {
  return k === 0 ? i : (i + HALF) * 2 ** k;
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
