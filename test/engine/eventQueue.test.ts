import { describe, expect, it } from 'vitest';
import { Simulation, Priority } from '../../src/engine/simulation.js';

describe('the event list', () => {
  it('runs events in time order, whatever order they were scheduled in', () => {
    const sim = new Simulation();
    const log: [string, number][] = [];
    const note = (name: string) => log.push([name, sim.now]);
    sim.schedule(30, note, 'c');
    sim.schedule(10, note, 'a');
    sim.schedule(20, note, 'b');
    sim.run();
    expect(log).toEqual([
      ['a', 10],
      ['b', 20],
      ['c', 30],
    ]);
  });

  it('breaks ties in time by priority, then by scheduling order', () => {
    const sim = new Simulation();
    const log: string[] = [];
    const note = (name: string) => log.push(name);
    sim.schedule(5, note, 'first normal');
    sim.scheduleWithPriority(5, note, 'late', undefined, Priority.LATE);
    sim.schedule(5, note, 'second normal');
    sim.scheduleWithPriority(5, note, 'urgent', undefined, Priority.URGENT);
    sim.schedule(5, note, 'third normal');
    sim.run();
    expect(log).toEqual(['urgent', 'first normal', 'second normal', 'third normal', 'late']);
  });

  it('keeps scheduling order among many simultaneous events (a heap alone would not)', () => {
    const sim = new Simulation();
    const log: number[] = [];
    for (let i = 0; i < 1000; i++) sim.schedule(7, (n: number) => log.push(n), i);
    sim.run();
    expect(log).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it('orders events that callbacks schedule at the current instant after those already waiting', () => {
    const sim = new Simulation();
    const log: string[] = [];
    sim.schedule(
      1,
      () => {
        log.push('a');
        sim.schedule(0, () => log.push('a-child'), undefined);
      },
      undefined,
    );
    sim.schedule(1, () => log.push('b'), undefined);
    sim.run();
    expect(log).toEqual(['a', 'b', 'a-child']);
  });

  it('sorts a large random schedule correctly', () => {
    const sim = new Simulation();
    const times: number[] = [];
    let x = 12345;
    for (let i = 0; i < 20000; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      sim.schedule(x % 100000, (t: number) => times.push(t), x % 100000);
    }
    sim.run();
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times).toHaveLength(20000);
  });

  it('runs events by (time, priority, scheduling order) while callbacks keep scheduling more, as a sorted list would', () => {
    // Many ties in time and priority, and a heap that grows and shrinks as events run:
    // whatever the heap's shape, the order is the one a stable sort gives.
    const sim = new Simulation();
    const ran: number[] = [];
    const expected: { time: number; priority: number; seq: number }[] = [];
    let x = 987654321;
    const draw = (n: number) => {
      x = (x * 1103515245 + 12345) % 2147483648;
      return x % n;
    };
    let seq = 0;
    const add = (delay: number, priority: number, children: number) => {
      const id = seq++;
      expected.push({ time: sim.now + delay, priority, seq: id });
      sim.scheduleWithPriority(
        delay,
        () => {
          ran.push(id);
          for (let k = 0; k < children; k++) add(1 + draw(20), draw(3) - 1, draw(3) === 0 ? 1 : 0);
        },
        undefined,
        undefined,
        priority,
      );
    };
    for (let i = 0; i < 3000; i++) add(draw(50), draw(3) - 1, 1);
    sim.run();
    // A callback schedules only later than itself, so by the time an instant's first event
    // runs, all of that instant's events are scheduled: the run is the sorted list.
    const order = [...expected].sort((a, b) => a.time - b.time || a.priority - b.priority || a.seq - b.seq).map((e) => e.seq);
    expect(ran).toEqual(order);
  });
});

describe('the simulation clock', () => {
  it('never goes backwards and stops at `until`', () => {
    const sim = new Simulation();
    const seen: number[] = [];
    const tick = () => {
      seen.push(sim.now);
      sim.schedule(3, tick, undefined);
    };
    sim.schedule(0, tick, undefined);
    expect(sim.run(10)).toBe('until');
    expect(seen).toEqual([0, 3, 6, 9]);
    expect(sim.now).toBe(10);
  });

  it('rejects fractional and negative delays: time is an integer count', () => {
    const sim = new Simulation();
    expect(() => sim.schedule(1.5, () => {}, undefined)).toThrow(/integer/);
    expect(() => sim.schedule(-1, () => {}, undefined)).toThrow(/non-negative/);
  });

  it('stops when asked, and reports an event budget', () => {
    const sim = new Simulation();
    const loop = () => sim.schedule(1, loop, undefined);
    sim.schedule(0, loop, undefined);
    expect(sim.run(Infinity, 50)).toBe('budget');
    expect(sim.eventsRun).toBe(50);
    sim.scheduleWithPriority(0, () => sim.stop(), undefined, undefined, Priority.URGENT);
    expect(sim.run()).toBe('stopped');
  });
});
