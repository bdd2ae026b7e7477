// A pod's memory limit (Kubernetes resources.limits.memory: the cgroup's memory.max): the
// arbiter's resident memory, each worker's, and each request a worker holds in flight add
// up; when a request would take the instance past its limit, the kernel's OOM killer ends
// the process with the most memory (mm/oom_kill.c, oom_badness: its resident pages), a
// worker, not the arbiter, which is smaller. Its requests lose their connections; the
// arbiter boots a replacement after its boot time. The sizes are the kit's measurements
// (calibration/memory.sh) unless the scenario gives its app's.
import type { MemoryWatch } from '../server/arbiter.js';
import type { Worker } from '../server/worker.js';

export interface MemorySettings {
  /** MiB. */
  limit: number;
  arbiter: number;
  worker: number;
  request: number;
}

export class MemoryLimit implements MemoryWatch {
  /** The most the instance used at once (MiB). */
  peak = 0;

  constructor(readonly settings: MemorySettings) {}

  /** A worker started a request: the one to kill if the instance is now over its limit. */
  over(workers: readonly Worker[]): Worker | undefined {
    const s = this.settings;
    let used = s.arbiter;
    let victim: Worker | undefined;
    for (const w of workers) {
      if (w.dead) continue;
      used += s.worker + s.request * w.inFlight;
      if (victim === undefined || w.inFlight > victim.inFlight) victim = w;
    }
    if (used > this.peak) this.peak = used;
    return used > s.limit ? victim : undefined;
  }
}
