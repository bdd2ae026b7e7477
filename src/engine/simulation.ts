// The simulation kernel: a clock and the future event list. Like SimPy's Environment,
// `step` pops the earliest event, advances the clock and runs its callback; everything
// else (processes, resources, the whole web-server model) is built on `schedule`.
import { EventQueue, type Callback } from './eventQueue.js';
import { InvariantViolation } from './invariantViolation.js';
import { Lane } from './lane.js';
import { DOUBLE_ZERO, type Time } from './time.js';

/** Lower runs first among events at the same instant; ties keep scheduling order (-4 to 3). */
export const Priority = { URGENT: -1, NORMAL: 0, LATE: 1 } as const;

export class Simulation {
  private clock: Time = DOUBLE_ZERO;
  private readonly queue = new EventQueue();
  private stopped = false;
  /** Events run so far: the unit of work for budgets and benchmarks. */
  eventsRun = 0;

  get now(): Time {
    return this.clock;
  }

  /** Events scheduled and not yet run (a lane's timers included). */
  get pending(): number {
    let n = this.queue.size;
    // A lane's first timer is in the queue already.
    for (const lane of this.lanes.values()) n += Math.max(0, lane.size - 1);
    return n;
  }

  /** Calls `fn(a, b)` after `delay` (an integer, >= 0), at NORMAL priority. */
  schedule<A, B = undefined>(delay: Time, fn: Callback<A, B>, a: A, b?: B): void {
    // Cheap enough for the hot path: rejects negatives, NaN and fractions.
    if (!(delay >= 0 && Math.floor(delay) === delay)) {
      throw new RangeError(`delay must be a non-negative integer, got ${delay}`);
    }
    // NORMAL's value itself: read from `Priority`, it would cost a load and checks on every call.
    this.queue.push(this.clock + delay, 0, fn, a, b as B);
  }

  /**
   * As `schedule`, at another priority (`Priority`). Apart from `schedule`, which every
   * event of a run goes through, so that it has no optional priority to check per call.
   */
  scheduleWithPriority<A, B>(delay: Time, fn: Callback<A, B>, a: A, b: B, priority: number): void {
    if (!(delay >= 0 && Math.floor(delay) === delay)) {
      throw new RangeError(`delay must be a non-negative integer, got ${delay}`);
    }
    this.queue.push(this.clock + delay, priority, fn, a, b);
  }

  /**
   * The lane of timers that wait `delay` (Lane): the same events in the same order as
   * `schedule(delay, ...)`, with only the lane's first timer in the event heap. One lane
   * per delay and priority, shared by whoever asks for it.
   */
  lane(delay: Time, priority: number = Priority.NORMAL): Lane {
    const key = delay * 8 + (priority + 4);
    let lane = this.lanes.get(key);
    if (lane === undefined) {
      lane = new Lane(this.queue, this, delay, priority);
      this.lanes.set(key, lane);
    }
    return lane;
  }

  private readonly lanes = new Map<number, Lane>();

  /** Runs one event; false when there is none left. */
  step(): boolean {
    if (this.queue.size === 0) return false;
    const t = this.queue.peekTime();
    if (t < this.clock) timeWentBack(this.clock, t);
    this.clock = t;
    this.eventsRun++;
    this.queue.popAndRun();
    return true;
  }

  /**
   * Runs until no event is left, `stop()` is called, the clock would pass `until`, or
   * `maxEvents` have run. Returns why it ended.
   */
  run(until: Time = Infinity, maxEvents = Infinity): 'empty' | 'stopped' | 'until' | 'budget' {
    this.stopped = false;
    return this.loop(this.queue, until, maxEvents);
  }

  /**
   * `run`'s loop, apart from its set-up: a run is called in slices (model/run.ts), and its
   * first slice starts before V8 has given it a place for type feedback, so whatever comes
   * before the loop had none when V8 optimized the function during that slice, and the next
   * slice threw the code away there. Here nothing precedes the loop, and `run`, called once
   * a slice, is never optimized.
   */
  private loop(queue: EventQueue, until: Time, maxEvents: number): 'empty' | 'stopped' | 'until' | 'budget' {
    while (!this.stopped) {
      if (queue.size === 0) return 'empty';
      const t = queue.peekTime();
      if (t > until) {
        if (until > this.clock) this.clock = until;
        return 'until';
      }
      if (this.eventsRun >= maxEvents) return 'budget';
      // One comparison per event, always on: a heap bug would otherwise corrupt every figure quietly.
      if (t < this.clock) timeWentBack(this.clock, t);
      this.clock = t;
      this.eventsRun++;
      queue.popAndRun();
    }
    return 'stopped';
  }

  /** Ends `run` after the current event. */
  stop(): void {
    this.stopped = true;
  }
}

function timeWentBack(clock: Time, next: Time): never {
  throw new InvariantViolation('simulated time never goes backwards', `the clock is at ${clock} µs and the next event is at ${next} µs`);
}
