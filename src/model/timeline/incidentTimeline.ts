// The timeline's events, applied to the running system at their exact times: a change is
// applied at `at` and undone at `until`; a kill happens once. Changes to the same quantity
// that overlap multiply (the factor in force is the product of those active), so undoing
// one leaves the others. The open-loop rate's changes are not here: resolve folded them
// into the arrival steps.
import type { Simulation } from '../../engine/simulation.js';
import type { IncidentSettings, ModelChange } from '../../scenario/resolveIncidents.js';

/** What the timeline can change: the factor a component reads, and the workers it can kill. */
export interface IncidentTargets {
  /** Sets the factor of `change` (1: as configured). */
  setFactor(change: ModelChange['change'], factor: number): void;
  /** SIGKILLs `n` of the workers alive. */
  killWorkers(n: number): void;
  /** gunicorn's reload (HUP). */
  reload(): void;
}

export class IncidentTimeline {
  /** The changes in force, by quantity. */
  private readonly active = new Map<ModelChange['change'], ModelChange[]>();

  constructor(
    private readonly sim: Simulation,
    private readonly settings: IncidentSettings,
    private readonly targets: IncidentTargets,
  ) {}

  start(): void {
    for (const c of this.settings.changes) {
      this.sim.schedule(c.at, apply, this, c);
      if (c.until !== Infinity) this.sim.schedule(c.until, undo, this, c);
    }
    for (const k of this.settings.kills) this.sim.schedule(k.at, kill, this, k.workers);
    for (const at of this.settings.reloads) this.sim.schedule(at, reload, this);
  }

  /** @internal */
  reload(): void {
    this.targets.reload();
  }

  /** @internal */
  apply(c: ModelChange): void {
    const list = this.active.get(c.change) ?? [];
    list.push(c);
    this.active.set(c.change, list);
    this.update(c.change);
  }

  /** @internal */
  undo(c: ModelChange): void {
    const list = this.active.get(c.change)!;
    list.splice(list.indexOf(c), 1);
    this.update(c.change);
  }

  /** @internal */
  kill(n: number): void {
    this.targets.killWorkers(n);
  }

  private update(change: ModelChange['change']): void {
    let factor = 1;
    for (const c of this.active.get(change)!) factor *= c.multiply;
    this.targets.setFactor(change, factor);
  }
}

function apply(t: IncidentTimeline, c: ModelChange): void {
  t.apply(c);
}

function undo(t: IncidentTimeline, c: ModelChange): void {
  t.undo(c);
}

function reload(t: IncidentTimeline): void {
  t.reload();
}

function kill(t: IncidentTimeline, n: number): void {
  t.kill(n);
}
