// When a run stops partway, the CPU counted is what ran. Most processes count a piece of CPU when
// it is given (the postmaster, the backends, PgBouncer, a worker's accepts and boot, hey's
// and the balancer's pieces), the workers' requests when it is done; a run stopped at a
// budget leaves pieces part done, or waiting for a core or a thread, and a report that
// counted them whole (or not at all) said "backends 1000 s" for 10 s on 4 cores. Each host's
// cores list their unfinished tasks with the share of each left (Cpu.unfinished), and the
// process that owns each keeps the part done. A cache refill counts when it is charged, as
// the first thing its task does.
import type { Callback } from '../engine/eventQueue.js';
import { settleProcessCpu } from '../engine/cpu/process.js';
import { settleWorkerCpu } from './app.js';
import { settlePgBouncerCpu } from './database/pgbouncerOperation.js';
import { settleBootCpu } from './server/arbiter.js';
import { settleLoopAcceptCpu } from './server/coreAccept.js';
import { settleGeventAcceptCpu } from './server/gevent.js';
import type { System } from './wire.js';

/** Whether the task is its owner's; if so, the owner's CPU keeps the part of it done. */
type Settle = (fn: Callback<any, any>, a: unknown, b: unknown, left: number) => boolean;

const OWNERS: readonly Settle[] = [
  settleWorkerCpu,
  settleProcessCpu,
  settleGeventAcceptCpu,
  settleLoopAcceptCpu,
  settleBootCpu,
  settlePgBouncerCpu,
];

/**
 * Once a run has stopped partway (at a budget): every process's CPU keeps the work done by
 * now. Returns the unfinished tasks no process owned (none: an invariant holds it so).
 */
export function settleUnfinishedCpu(system: System): number {
  const pg = system.postgres;
  const owners =
    pg === undefined ? OWNERS : [...OWNERS, (fn: Callback<any, any>, a: unknown, b: unknown, left: number) => pg.settleCpu(fn, a, b, left)];
  let unowned = 0;
  for (const host of system.hosts)
    host.unfinished?.((fn, a, b, left) => {
      if (!owners.some((settle) => settle(fn, a, b, left))) unowned++;
    });
  // Pieces waiting for one of their process's threads did nothing.
  system.client.process?.dropWaiting();
  system.fleet?.balancer.process.dropWaiting();
  return unowned;
}
