// A host whose cores each switch between two speeds (machine.slowSpells). On the kit's
// shared virtual machines a core computes the same work at one of two speeds, slower by a
// factor that is the same for the interpreter, OpenSSL's PBKDF2 and libc's memory search,
// and switches between them every fraction of a second to every few seconds whatever the
// guest runs (a host's other tenant on the same physical core, by all appearances):
// calibration/bench/core_speed.py, docs/validation.md "Each core's speed over time".
//
// Each core alternates a fast spell and a slow spell, their lengths drawn from the two
// distributions. The host computes at the mean of its cores' speeds (a slow core at
// 1 / `slowdown` of a fast one's), scaled so that its long-run mean is 1, and a piece of
// work costs its CPU over that speed when it starts. A cost measured as CPU per operation
// over a long run (a micro-benchmark, or machine.speedVariation's draw for the seed) is
// the work at that mean speed, so the run's throughput stays the scenario's and the spells
// only move it about within the run. (Scaling the cost's mean to 1 instead would give the
// fast spells, when more pieces start, too much weight: a run several percent fast.) A piece is priced at its start because it lasts milliseconds and
// a spell a tenth of a second or more. The mean over the cores, not the core the piece runs
// on: processor sharing, the default, has no cores of their own, and for per-core run
// queues it is an approximation.
import type { Callback } from '../eventQueue.js';
import type { Distribution } from '../distributions.js';
import type { Uniform } from '../random.js';
import { SideSteps } from '../sideSteps.js';
import type { Simulation } from '../simulation.js';
import type { Time } from '../time.js';
import type { Cpu, OnCore, UnfinishedTask } from './cpu.js';

export interface SlowSpellSettings {
  /** A slow spell's CPU cost over a fast one's (> 1). */
  slowdown: number;
  slow: Distribution;
  fast: Distribution;
}

/** Cycles (a slow and a fast spell, on average) the spells run in before the start: the state at 0 is then the long-run one. */
const RUN_IN_CYCLES = 50;

/** The host's cores' speeds over time, drawn lazily as the clock passes their switches. */
export class CoreSpeeds {
  private readonly slow: boolean[];
  private readonly nextSwitch: Time[];
  /** Core indices, a binary min-heap by nextSwitch: its root is the next core to switch. */
  private readonly heap: number[];
  private slowCount = 0;
  /** Slow core-time (µs) from 0 to `since`, and when the count last changed or was read. */
  private slowTime = 0;
  private since: Time = 0;
  /** A fast core's speed: 1 / (the long-run mean of a core's speed relative to a fast one's). */
  private readonly fastSpeed: number;

  constructor(
    private readonly sim: Simulation,
    readonly cores: number,
    private readonly settings: SlowSpellSettings,
    private readonly uniform: Uniform,
    /**
     * The switches of every host's cores together, which no event counts (each is drawn as
     * the clock passes it, and thousands of cores in spells of a millisecond switch millions
     * of times a simulated second): once spent, no core switches again and the run stops.
     */
    private readonly switches: SideSteps = new SideSteps(sim),
  ) {
    const share = settings.slow.mean / (settings.slow.mean + settings.fast.mean);
    this.fastSpeed = 1 / (1 - share + share / settings.slowdown);
    const cycle = settings.slow.mean + settings.fast.mean;
    const runIn = RUN_IN_CYCLES * cycle;
    this.slow = [];
    this.nextSwitch = [];
    for (let i = 0; i < cores; i++) {
      // Spells from well before the start, so that the state and the spell in progress at
      // 0 are as likely as in the long run (a fresh spell at 0 would be a full one). Each
      // core's run-in starts at a moment of its own within a cycle: spells of one length
      // (a constant "slow" and "fast") would otherwise keep every core on one grid of
      // switches from the same start, in step or in opposition, so that two cores with
      // spells of equal length were slow one at a time throughout and the mean of their
      // speeds never moved.
      let slow = this.uniform() < share;
      let t = -runIn - this.uniform() * cycle + this.draw(slow);
      while (t <= 0) {
        slow = !slow;
        t += this.draw(slow);
      }
      this.slow.push(slow);
      this.nextSwitch.push(t);
      if (slow) this.slowCount++;
    }
    this.heap = Array.from({ length: cores }, (_, i) => i);
    for (let i = (cores >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  /** What a piece of CPU work that starts now costs, per unit of its stated cost. */
  factor(): number {
    this.advance(this.sim.now);
    return 1 / (this.fastSpeed * (1 - ((1 - 1 / this.settings.slowdown) * this.slowCount) / this.cores));
  }

  /** Cores in a slow spell now. */
  slowCores(): number {
    this.advance(this.sim.now);
    return this.slowCount;
  }

  /**
   * The share of the cores' time from 0 to now that was slow (0 before any time has passed);
   * once the switches' budget is spent, up to the last switch drawn.
   */
  slowShare(): number {
    const now = this.sim.now;
    this.advance(now);
    const to = this.switches.exhausted ? this.since : now;
    this.slowTime += this.slowCount * (to - this.since);
    this.since = to;
    return to > 0 ? this.slowTime / (this.cores * to) : 0;
  }

  private advance(now: Time): void {
    const heap = this.heap;
    while (this.nextSwitch[heap[0]] <= now) {
      if (!this.switches.take()) return;
      const i = heap[0];
      const at = this.nextSwitch[i];
      this.slowTime += this.slowCount * (at - this.since);
      this.since = at;
      const slow = !this.slow[i];
      this.slow[i] = slow;
      this.slowCount += slow ? 1 : -1;
      this.nextSwitch[i] += this.draw(slow);
      this.siftDown(0);
    }
  }

  private siftDown(at: number): void {
    const heap = this.heap;
    const key = this.nextSwitch;
    const n = heap.length;
    const item = heap[at];
    let i = at;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && key[heap[c + 1]] < key[heap[c]]) c++;
      if (key[heap[c]] >= key[item]) break;
      heap[i] = heap[c];
      i = c;
    }
    heap[i] = item;
  }

  /** A spell's length, at least a microsecond, so that the clock always moves past a switch. */
  private draw(slow: boolean): Time {
    return Math.max(1, Math.round((slow ? this.settings.slow : this.settings.fast).sample(this.uniform)));
  }
}

/** A host's cores (`inner`, any discipline) at the speeds of `speeds`: each piece's work priced when it is given. */
export class SlowSpellsCpu implements Cpu {
  readonly placesProcesses?: boolean;
  readonly runnable?: () => number;
  readonly idleCoreFor?: (process: OnCore) => number;
  readonly watchIdle?: (fn: (core: number) => boolean) => void;
  /** A share of the work as priced is the same share of the work as stated. */
  readonly unfinished?: (visit: UnfinishedTask) => void;

  constructor(
    readonly inner: Cpu,
    readonly speeds: CoreSpeeds,
  ) {
    this.placesProcesses = inner.placesProcesses;
    if (inner.runnable !== undefined) this.runnable = () => inner.runnable!();
    if (inner.idleCoreFor !== undefined) this.idleCoreFor = (p) => inner.idleCoreFor!(p);
    if (inner.watchIdle !== undefined) this.watchIdle = (fn) => inner.watchIdle!(fn);
    if (inner.unfinished !== undefined) this.unfinished = (visit) => inner.unfinished!(visit);
  }

  get cores(): number {
    return this.inner.cores;
  }

  run<A, B>(work: Time, fn: Callback<A, B>, a: A, b?: B, process?: OnCore): number {
    return this.inner.run(work > 0 ? Math.round(work * this.speeds.factor()) : work, fn, a, b, process);
  }

  cancel(id: number): number {
    // A share of the work as priced is the same share of the work as stated.
    return this.inner.cancel(id);
  }

  /** The same speeds around another view of the same cores (a task group of `inner`). */
  around(inner: Cpu): SlowSpellsCpu {
    return new SlowSpellsCpu(inner, this.speeds);
  }
}
