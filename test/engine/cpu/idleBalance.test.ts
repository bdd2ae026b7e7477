// An idle core beside a busy one takes a task from it: at the busy core's next scheduler
// tick (every 4 ms), and under EEVDF also the moment it goes idle (newidle_balance), but
// not a task that ran within the last 0.5 ms. Every figure below is worked out by hand
// (EEVDF's slices: 1,400 µs on two cores).
import { describe, expect, it } from 'vitest';
import { eevdf, on, perCore } from './perCoreHarness.js';

describe('per-core run queues, an idle core beside a busy one', () => {
  it("let an idle core pull, at the busy core's next tick, the task that has been there longest", () => {
    // a and b on core 0 from 0, 10000 each, at half speed; the tick at 4000 (2000 done each)
    // moves a, the older, to core 1: both at full speed, 8000 left -> 12000. a's process
    // runs on core 1 from then on.
    const a = on(0);
    expect(
      perCore(2, [
        ['a', a, 0, 10_000],
        ['b', on(0), 0, 10_000],
      ]),
    ).toEqual({ a: 12_000, b: 12_000 });
    expect(a.cpuCore).toBe(1);
    // The ticks are on a 4 ms grid: b joins a at 5000, the next tick is at 8000. By then a
    // did 5000 + 1500 (3500 left: ends at 11500), b 1500 (8500 left: ends at 16500).
    expect(
      perCore(2, [
        ['a', on(0), 0, 10_000],
        ['b', on(0), 5000, 10_000],
      ]),
    ).toEqual({ a: 11_500, b: 16_500 });
  });
});

describe('per-core run queues under EEVDF, a core that goes idle', () => {
  it('pull a waiting task to a core the moment it goes idle, if it has not run within 0.5 ms', () => {
    // a and b on core 0, a first and protected; c alone on core 1 ends at 100, and core 1
    // pulls b at once (newidle_balance; b never ran): b runs 100-1100. Without it, b would
    // wait for a's end at 1000 and end at 2000.
    expect(
      eevdf(2, [
        ['a', on(0), 0, 1000],
        ['b', on(0), 0, 1000],
        ['c', on(1), 0, 100],
      ]),
    ).toEqual({ a: 1000, b: 1100, c: 100 });
  });

  it('leave a cache-hot task where it is', () => {
    // As above, but b ran on core 0 until 200 and woke again at 300 (it ran 0.1 ms ago when
    // core 1 goes idle at 400): core 1 stays idle; b waits for a, which was picked at 200
    // with a slice to 200 + 1400 of virtual time and is at it when it ends.
    const b = on(0);
    expect(
      eevdf(2, [
        ['b0', b, 0, 200],
        ['a', on(0), 100, 1000],
        ['b', b, 300, 1000],
        ['c', on(1), 0, 400],
      ]),
    ).toMatchObject({ b0: 200, c: 400, a: 1200, b: 2200 });
  });
});
