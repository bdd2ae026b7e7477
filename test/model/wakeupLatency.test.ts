// machine.wakeupLatency: a task woken onto an idle core waits for the core to wake
// (src/engine/cpu/wakeupLatency.ts). hey -c 1 against one gevent worker on a trivial handler:
// hey's 50 us of CPU per request, then the worker's 100 us, one after the other.
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/model/system.js';
import { summarize } from '../../src/report/summary.js';
import { validateScenario } from '../../src/scenario/load.js';

function average(cores: number, wakeupLatency: number, clientCores?: number): number {
  const raw = {
    client: { requests: 200, concurrency: 1, requestCpu: 0.00005, ...(clientCores !== undefined ? { cores: clientCores } : {}) },
    machine: { cores, runQueues: 'per-core', wakeupLatency },
    server: { workerClass: 'gevent', workers: 1, workerConnections: 10, requestCpu: 0.0001, acceptCpu: 0 },
    app: { steps: [{ kind: 'cpu', time: 0 }] },
  };
  return summarize(simulate(validateScenario(raw, 'wake-up latency')), 'wake-up latency', 1).summary.average!;
}

describe('the wake-up latency', () => {
  it('adds two wake-ups to each round trip when hey and the worker run on cores of their own', () => {
    // hey on a host of its own (client.cores). Without it: 50 + 100 us. With 100 us: the
    // worker wakes on its idle core, then hey on its own, each 100 us later (the first
    // request's accept aside: the average is over 200).
    expect(average(1, 0, 1)).toBeCloseTo(0.00015, 5);
    expect(average(1, 0.0001, 1)).toBeCloseTo(0.00035, 5);
  });

  it('adds nothing when they share one core: each starts as the other ends, on a core that never slept', () => {
    expect(average(1, 0.0001)).toBeCloseTo(average(1, 0), 7);
  });

  it("adds nothing on two cores either: hey's thread wakes on its previous core, idle as the worker ends there", () => {
    // A thread of hey's is one task from one request to the next (engine/cpu/process.ts);
    // woken, it keeps its previous core while that is idle (select_idle_sibling), and the
    // worker it takes turns with has just left it. (The kernel's sync wake-up of a socket
    // read, with the writer still running, can send it to the other core: not modelled.)
    expect(average(2, 0.0001)).toBeCloseTo(average(2, 0), 7);
  });
});
