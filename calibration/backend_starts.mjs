// What the model-side scripts of the new backends share (wave_backends_model.mjs,
// storm_backends_model.mjs): each backend the postmaster forks, when its fork was done (its
// first piece of work given to the cores) and how long after it the backend ended its work
// before the slot (it reads the SSL request then). Hooks the built model's classes once;
// `reset(system)` starts a new run's record. Node only (npm run build first).
import { PerCoreCpu } from '../dist/engine/cpu/perCore.js';
import { Attempt } from '../dist/model/database/connectionAttempt.js';

let now = () => 0;
let forkedAt = new Map();
/** The present run's backends: { forked, delay } in µs, in the order they ended that work. */
export let backends = [];

/** A new run on `system`: the record starts empty. */
export function reset(system) {
  now = () => system.sim.now;
  forkedAt = new Map();
  backends = [];
}

// A new process of the postmaster's reaches the cores for the first time: its fork is done.
const runIn = PerCoreCpu.prototype.runIn;
PerCoreCpu.prototype.runIn = function (g, work, fn, a, b, process) {
  if (process !== undefined && process.cpuCore < 0 && process.parent?.constructor?.name === 'Postmaster' && !forkedAt.has(process))
    forkedAt.set(process, now());
  return runIn.call(this, g, work, fn, a, b, process);
};
const backendStarted = Attempt.prototype.backendStarted;
Attempt.prototype.backendStarted = function () {
  const forked = forkedAt.get(this.backendProcess);
  if (forked !== undefined) {
    backends.push({ forked, delay: now() - forked });
    forkedAt.delete(this.backendProcess);
  }
  return backendStarted.call(this);
};
