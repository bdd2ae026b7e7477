import { describe, expect, it } from 'vitest';
import { Timeline } from '../../src/stats/timeline.js';

describe('the timeline', () => {
  it('keeps the time-weighted mean and the peak of a gauge per bucket', () => {
    const tl = new Timeline(10);
    const g = tl.gauge('running');
    g.add(2, 0); // 2 from 0 to 500 µs
    g.add(2, 500); // 4 from 500 to 1000 µs
    g.add(-4, 1000); // 0 from 1000 µs
    const data = tl.finish(2000);
    expect(data.bucketSeconds).toBe(0.001);
    expect(data.mean.running).toEqual([3, 0]);
    expect(data.peak.running).toEqual([4, 0]);
  });

  it('counts an event at the very end of the run (a bucket boundary) in the last bucket', () => {
    // The run ends when its last request ends, so events at `end` are the rule, and
    // `end` falls on a bucket boundary whenever it is a multiple of the width (2 s runs).
    const tl = new Timeline(10);
    const done = tl.counter('2xx');
    done.inc(500);
    done.inc(2000);
    const data = tl.finish(2000);
    expect(data.t).toEqual([0, 0.001]);
    expect(data.count['2xx']).toEqual([1, 1]);
  });

  it('counts events per bucket', () => {
    const tl = new Timeline(10);
    const c = tl.counter('2xx');
    for (const t of [100, 200, 1500]) c.inc(t);
    expect(tl.finish(2000).count['2xx']).toEqual([2, 1]);
  });

  it('never holds more than maxPoints buckets: they merge as the run grows', () => {
    const tl = new Timeline(8);
    const g = tl.gauge('backlog');
    const c = tl.counter('2xx');
    g.add(1, 0);
    for (let t = 0; t < 1_000_000; t += 1000) c.inc(t);
    const data = tl.finish(1_000_000);
    expect(data.t.length).toBeLessThanOrEqual(8);
    expect(data.count['2xx'].reduce((a, b) => a + b)).toBe(1000);
    expect(data.mean.backlog.every((v) => v === 1)).toBe(true);
  });

  it('keeps the events at the very end of a run that ends on a bucket boundary', () => {
    const tl = new Timeline(10);
    const c = tl.counter('errors');
    const g = tl.gauge('running');
    g.add(3, 0);
    c.inc(2000); // the run ends at 2000 µs, exactly two 1 ms buckets
    g.add(-3, 2000);
    const data = tl.finish(2000);
    expect(data.t.length).toBe(2);
    expect(data.count.errors).toEqual([0, 1]);
    expect(data.peak.running).toEqual([3, 3]);
  });
});
