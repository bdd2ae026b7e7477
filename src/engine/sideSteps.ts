// Steps of work a model does within events, of a kind no event counts, with a budget of
// their own: the event budget (limits.maxEvents) bounds a run's events, and a part that
// loops over thousands of parties inside each event, or draws what happened between two
// events, would otherwise go on for minutes within it. Past `limit` the run stops after
// its current event and `exhausted` says why; the budget is set by the run, in proportion
// to the event budget.
import type { Simulation } from './simulation.js';

export class SideSteps {
  count = 0;
  limit = Infinity;
  exhausted = false;

  constructor(private readonly sim: Simulation) {}

  /**
   * Takes `n` steps from the budget: true while they fit; false once they do not (the run
   * then stops after its current event, and the steps are not counted).
   */
  take(n = 1): boolean {
    if (this.count + n > this.limit) {
      this.exhausted = true;
      this.sim.stop();
      return false;
    }
    this.count += n;
    return true;
  }
}
