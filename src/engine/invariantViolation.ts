// A broken invariant: the simulator itself is wrong (never the user), so the CLI reports
// it as an internal error (exit 1). It names the invariant and the figures that break it.
import { invariantViolated } from '../messages.js';

export class InvariantViolation extends Error {
  constructor(
    readonly invariant: string,
    readonly figures: string,
  ) {
    super(invariantViolated(invariant, figures));
    this.name = 'InvariantViolation';
  }
}
