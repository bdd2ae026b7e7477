// A task woken onto an idle core starts after the machine's wake-up latency
// (machine.wakeupLatency, measured by calibration/wakeup_latency.sh): the waker's interrupt,
// the core's exit from idle, on a VM the host scheduling that virtual CPU. It is time, not
// CPU: nothing runs on that core meanwhile, and a task woken there in the meantime starts
// with it. A core that went idle at this very moment (a process's task ended and its next
// one starts) has not slept.
import type { Distribution } from '../distributions.js';
import type { Uniform } from '../random.js';
import type { Simulation } from '../simulation.js';
import type { Time } from '../time.js';
import type { CoreQueues } from './coreQueues.js';
import type { IdleCores } from './idleCores.js';

/** machine.wakeupLatency: drawn, in whole microseconds, for each wake-up of an idle core. */
export interface WakeupLatency {
  distribution: Distribution;
  uniform: Uniform;
}

export class CoreWakeups {
  /** Until when each core is waking. */
  private readonly until: Time[];

  /** `woken` is scheduled for the moment a core has woken: its tasks start then. */
  constructor(
    private readonly sim: Simulation,
    private readonly queues: CoreQueues,
    private readonly idle: IdleCores,
    private readonly latency: WakeupLatency | undefined,
    private readonly woken: () => void,
  ) {
    this.until = new Array<Time>(queues.cores).fill(0);
  }

  /** When a task woken onto `core` now starts: at once, or when the idle core has woken. */
  startOn(core: number): Time {
    const now = this.sim.now;
    if (this.latency === undefined) return now;
    if (now < this.until[core]) return this.until[core];
    if (this.queues.onCore[core] > 0 || this.idle.since[core] >= now) return now;
    const latency = Math.max(0, Math.round(this.latency.distribution.sample(this.latency.uniform)));
    if (latency === 0) return now;
    this.until[core] = now + latency;
    this.sim.schedule(latency, this.woken, undefined);
    return now + latency;
  }
}
