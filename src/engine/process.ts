// SimPy-style processes: a generator that yields a delay (integer time) or a Waitable
// (e.g. a resource request) and is resumed when it is over. Convenient for scripts and
// tests; the hot paths of the model use plain callbacks, which allocate nothing.
import type { Resource } from './resource.js';
import type { Simulation } from './simulation.js';
import type { Time } from './time.js';

export interface Waitable {
  onDone(resume: () => void): void;
}

export type ProcessBody = Generator<Time | Waitable, void, void>;

export function startProcess(sim: Simulation, body: ProcessBody): void {
  const resume = (): void => {
    const next = body.next();
    if (next.done) return;
    const y = next.value;
    if (typeof y === 'number') sim.schedule(y, resume, undefined);
    else y.onDone(resume);
  };
  sim.schedule(0, resume, undefined);
}

/** A Waitable that holds a unit of `resource` once granted; release it yourself. */
export function request(resource: Resource): Waitable {
  return { onDone: (resume) => resource.acquire(resume, undefined) };
}
