// A task group's weight on each core as the kernel sets it (calc_group_shares in
// kernel/sched/fair.c): the group's one weight split by its load on each core, where the
// load on other cores is PELT's average (per-entity load tracking), not their runnable
// tasks of the moment. A group whose tasks sleep often, as gunicorn's workers do between
// their turns, keeps load on the cores where its tasks slept; so where one of its tasks
// runs, the group weighs less than its whole weight, and the processes of other sessions
// (PostgreSQL's backends, each a session of its own) get more of the core.
//
// PELT in continuous time: each process's load average moves toward 1 while it is runnable
// and toward 0 while it sleeps, with the kernel's half-life of 32 periods of 1024 us
// (LOAD_AVG_PERIOD); a new process starts at its full weight (init_entity_runnable_average);
// a process that leaves a group or a core takes its average with it (detach/attach on
// setsid's sched_move_task, on migration). A group's average on a core is the sum of its
// processes' there, so it follows the same law with the count of its runnable tasks there.
// Tasks of no process (none in the model's stack) count while runnable only.
import type { Time } from '../time.js';
import type { OnCore } from './cpu.js';

/** The time constant of PELT's decay: 32 periods of 1024 us halve a load. */
export const PELT_TAU = (32 * 1024) / Math.LN2;

/** The least share a group has on a core where it has load (MIN_SHARES, 2 of 1024). */
const MIN_SHARE = 2 / 1024;

/** One process's load average in its group on its core. */
interface Member {
  avg: number;
  at: Time;
  runnable: number;
  core: number;
  group: GroupLoad;
}

export class GroupLoad {
  /** The sum of its processes' averages on each core, as of `at`. */
  private readonly avg: number[];
  /** Its runnable tasks on each core now. */
  readonly runnable: number[];
  private at: Time = 0;

  constructor(cores: number) {
    this.avg = new Array<number>(cores).fill(0);
    this.runnable = new Array<number>(cores).fill(0);
  }

  /** The averages brought to `now` (the runnable counts unchanged since `at`). */
  advance(now: Time): void {
    const dt = now - this.at;
    if (dt <= 0) return;
    this.at = now;
    const k = Math.exp(-dt / PELT_TAU);
    for (let c = 0; c < this.avg.length; c++) this.avg[c] = this.runnable[c] + (this.avg[c] - this.runnable[c]) * k;
  }

  /** The group's share of its weight on `core` now (0 where it has neither tasks nor load). */
  share(core: number): number {
    const here = Math.max(this.runnable[core], this.avg[core]);
    if (here <= 0) return 0;
    let total = here;
    for (let c = 0; c < this.avg.length; c++) if (c !== core) total += this.avg[c];
    return Math.min(1, Math.max(MIN_SHARE, here / total));
  }

  /** @internal */
  add(core: number, load: number, runnable: number): void {
    this.avg[core] += load;
    this.runnable[core] += runnable;
  }
}

/** Every process's load average, kept with the groups it belongs to. */
export class GroupLoads {
  private readonly members = new WeakMap<OnCore, Member>();

  /** A task of `p` (or of no process) of `g` becomes runnable on `core` at `now`. */
  start(g: GroupLoad, core: number, now: Time, p: OnCore | undefined): void {
    g.advance(now);
    if (p === undefined) {
      g.add(core, 0, 1);
      return;
    }
    let m = this.members.get(p);
    if (m === undefined) {
      m = { avg: 1, at: now, runnable: 0, core, group: g };
      this.members.set(p, m);
      g.add(core, 1, 0);
    } else {
      this.bring(m, now);
      if (m.group !== g || m.core !== core) this.move(m, g, core, now);
    }
    m.runnable++;
    g.add(core, 0, 1);
  }

  /** A task of `p` of `g` on `core` ended, or left the core, at `now`. */
  stop(g: GroupLoad, core: number, now: Time, p: OnCore | undefined): void {
    g.advance(now);
    g.add(core, 0, -1);
    if (p === undefined) return;
    const m = this.members.get(p)!;
    this.bring(m, now);
    m.runnable--;
  }

  /** `p`'s runnable task moves from its core to `to`: its average goes with it. */
  migrate(g: GroupLoad, from: number, to: number, now: Time, p: OnCore | undefined): void {
    g.advance(now);
    g.add(from, 0, -1);
    g.add(to, 0, 1);
    if (p === undefined) return;
    const m = this.members.get(p)!;
    this.bring(m, now);
    m.group.add(m.core, -m.avg, 0);
    m.core = to;
    g.add(to, m.avg, 0);
  }

  /** `p` runs alone now, in no group (a backend after setsid(), under no task groups): its average leaves its group. */
  leave(p: OnCore, now: Time): void {
    const m = this.members.get(p);
    if (m === undefined) return;
    this.bring(m, now);
    m.group.advance(now);
    m.group.add(m.core, -m.avg, 0);
    this.members.delete(p);
  }

  private bring(m: Member, now: Time): void {
    const dt = now - m.at;
    if (dt <= 0) return;
    m.at = now;
    const r = m.runnable > 0 ? 1 : 0;
    m.avg = r + (m.avg - r) * Math.exp(-dt / PELT_TAU);
  }

  /** A sleeping process joins another group or core: its average leaves the old one. */
  private move(m: Member, g: GroupLoad, core: number, now: Time): void {
    m.group.advance(now);
    m.group.add(m.core, -m.avg, 0);
    m.group = g;
    m.core = core;
    g.add(core, m.avg, 0);
  }
}
