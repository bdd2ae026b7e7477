import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../src/stats/latencyHistogram.js';

// hey's rule on a sorted array (requester/report.go, latencies()).
function heyPercentiles(values: number[]): (number | undefined)[] {
  const sorted = [...values].sort((a, b) => a - b);
  const pctls = [10, 25, 50, 75, 90, 95, 99];
  const data: (number | undefined)[] = pctls.map(() => undefined);
  let j = 0;
  for (let i = 0; i < sorted.length && j < pctls.length; i++) {
    if (Math.floor((i * 100) / sorted.length) >= pctls[j]) data[j++] = sorted[i];
  }
  return data;
}

describe('the latency histogram', () => {
  it("gives hey's percentiles exactly for latencies under 65 ms", () => {
    let x = 7;
    for (const n of [1, 7, 10, 99, 100, 101, 1000]) {
      const values = Array.from({ length: n }, () => {
        x = (x * 48271) % 2147483647;
        return x % 65000;
      });
      const h = new LatencyHistogram();
      for (const v of values) h.record(v);
      expect([10, 25, 50, 75, 90, 95, 99].map((p) => h.percentile(p))).toEqual(heyPercentiles(values));
    }
  });

  it('has no 99 % line for ten values, like hey', () => {
    const h = new LatencyHistogram();
    for (let i = 1; i <= 10; i++) h.record(i * 1000);
    expect(h.percentile(90)).toBe(10_000);
    expect(h.percentile(99)).toBeUndefined();
  });

  it('stays within 0.004 % above 65 ms, with exact min, max, count and sum', () => {
    const h = new LatencyHistogram();
    const values = [70_000, 1_031_779, 5_000_000, 123_456_789];
    for (const v of values) h.record(v);
    expect(h.min).toBe(70_000);
    expect(h.max).toBe(123_456_789);
    expect(h.sum).toBe(values.reduce((a, b) => a + b));
    const p50 = h.percentile(50)!;
    expect(Math.abs(p50 - 5_000_000) / 5_000_000).toBeLessThan(4e-5);
  });

  it('uses memory bounded by the range of values, not their number', () => {
    const h = new LatencyHistogram();
    for (let i = 0; i < 1_000_000; i++) h.record(1000 + (i % 5000));
    expect(h.count).toBe(1_000_000);
    let bins = 0;
    h.forEachBin(() => {
      bins++;
    });
    expect(bins).toBe(5000);
  });

  it('merges', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    a.record(5);
    b.record(500_000);
    a.merge(b);
    expect([a.count, a.min, a.max]).toEqual([2, 5, 500_000]);
  });
});

describe('percentiles in one pass', () => {
  it('equal the one-at-a-time percentiles', () => {
    let x = 11;
    for (const n of [1, 2, 10, 100, 12345]) {
      const h = new LatencyHistogram();
      for (let i = 0; i < n; i++) {
        x = (x * 48271) % 2147483647;
        h.record(x % 9_000_000);
      }
      const ps = [10, 25, 50, 75, 90, 95, 99];
      expect(h.percentiles(ps)).toEqual(ps.map((p) => h.percentile(p)));
    }
  });
});

describe('ranks', () => {
  it('give the first bin that forEachBin gives past each rank, the first raised to the smallest latency', () => {
    let x = 3;
    const next = () => (x = (x * 48271) % 2147483647);
    // The last range leaves chunks between its two clusters unmade.
    for (const values of [
      Array.from({ length: 3000 }, () => 1000 + (next() % 60_000)),
      Array.from({ length: 3000 }, () => 50_000 + (next() % 9_000_000)),
      Array.from({ length: 3000 }, (_, i) => (i % 3 === 0 ? 100_000_000 + (next() % 1000) : 70_000 + (next() % 500))),
    ]) {
      const h = new LatencyHistogram();
      for (const v of values) h.record(v);
      for (let r = 1; r < h.count - 1; r += 7) {
        let expected: number | undefined;
        let seen = 0;
        h.forEachBin((value, count) => {
          seen += count;
          if (seen > r) expected = Math.max(value, h.min);
          return seen > r;
        });
        expect(h.atRank(r)).toBe(expected);
      }
    }
  });
});

describe('counts up to limits', () => {
  it('count the bins that forEachBin gives at or below each limit, the first raised to the smallest latency', () => {
    let x = 5;
    const next = () => (x = (x * 48271) % 2147483647);
    for (const range of [100, 70_000, 5_000_000]) {
      const h = new LatencyHistogram();
      for (let i = 0; i < 2000; i++) h.record(range / 2 + (next() % range));
      const limits = [h.min - 1, h.min, ...Array.from({ length: 8 }, () => h.min + (next() % (h.max - h.min))), h.max].sort(
        (a, b) => a - b,
      );
      const expected = limits.map((limit) => {
        let n = 0;
        h.forEachBin((value, count) => {
          if (Math.max(value, h.min) <= limit) n += count;
        });
        return n;
      });
      expect(h.countsUpTo(limits)).toEqual(expected);
    }
  });
});
