// Budgets that stop runaway scenarios: whatever the scenario, a run ends, and a run that
// a budget stopped says so (complete: false, and why).
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/model/system.js';
import { partialReason } from '../../src/report/partial.js';
import { run, scenario } from '../helpers.js';

describe('limits', () => {
  it('an event budget stops a run and marks it partial', () => {
    const { result, summary } = run({ client: { requests: 100, concurrency: 100 }, limits: { maxEvents: 50 } });
    expect(result.events).toBe(50);
    expect(result.stopReason).toBe('maxEvents');
    expect(summary.simulation.complete).toBe(false);
    expect(summary.simulation.unfinished).toBeGreaterThan(0);
  });

  it('a simulated-time budget stops a run whose next arrival lies beyond it', () => {
    // No arrivals for two hours, then 10/s: the default budget of one hour ends it.
    const { result } = run({
      client: {
        arrivals: {
          steps: [
            { from: 0, rate: 0 },
            { from: '2h', rate: 10 },
          ],
        },
        requests: 5,
      },
    });
    expect(result.stopReason).toBe('maxSimTime');
    expect(result.total).toBe(3600e6);
    expect(result.sent).toBe(0);
  });

  it('a time budget also ends a run that gevent heartbeats would keep going', () => {
    // One request a day with -q: the worker's heartbeat fires every second meanwhile.
    const { result } = run({
      client: { requests: 2, concurrency: 1, rate: 1 / 86400 },
      server: { workerClass: 'gevent' },
      limits: { maxSimTime: '10m' },
    });
    expect(result.stopReason).toBe('maxSimTime');
    expect(result.total).toBe(600e6);
  });

  it('an open loop whose rate stays 0 ends at once, with nothing sent', () => {
    const { result } = run({ client: { arrivals: { steps: [{ from: 0, rate: 0 }] }, duration: '1h' } });
    expect(result.complete).toBe(true);
    expect(result.sent).toBe(0);
  });

  it('stops requests that take no time at all from repeating forever at one instant', () => {
    // hey -z with a handler of 0 s: every request ends where it starts, and time never
    // reaches the end of -z. The clock is watched in slices (here 1000 events).
    const s = scenario({
      client: { requests: 1, concurrency: 1, duration: '1s' },
      app: { steps: [{ kind: 'sleep', time: 0 }] },
      database: undefined,
    });
    const result = simulate(s, { frozenClockEvents: 1000 });
    expect(result.stopReason).toBe('frozen');
    expect(result.total).toBe(0);
    expect(result.events).toBe(1000);
  });

  it('stops an open loop whose requests pile up without end, before they take gigabytes', () => {
    // 1000 arrivals a second against one sync worker that takes 10 ms a request: a hundred
    // are answered a second, the rest wait. Checked every slice (here 1000 events), with
    // the pile-up taken at 50 requests in flight (a million outside tests).
    const s = scenario({
      client: { concurrency: undefined, requests: 100_000, arrivals: { rate: 1000 } },
      server: { workerClass: 'sync', workers: 1 },
      app: { steps: [{ kind: 'cpu', time: 0.01 }] },
      database: undefined,
    });
    const result = simulate(s, { frozenClockEvents: 1000, maxInFlight: 50 });
    expect(result.stopReason).toBe('inFlight');
    expect(result.sent).toBeGreaterThan(50);
    expect(result.sent).toBeLessThan(2000);
  });

  it('stops a herd of workers woken for every queued connection before it takes minutes', () => {
    // 2,000 gevent workers with an accept cost: each of the 1,000 connections that waits in
    // the listen queue passes over every ready worker, some 2 million steps, which no event
    // counts. They are bounded at 100 per event of the event budget: 500,000 here.
    const herd = (maxEvents: number) =>
      run({
        client: { requests: 1000, concurrency: 1000 },
        server: { workers: 2000, acceptCpu: 0.0001 },
        machine: { cores: 4 },
        app: { steps: [{ kind: 'sleep', time: 0.01 }] },
        database: undefined,
        limits: { maxEvents },
      });
    const stopped = herd(5000);
    expect(stopped.result.stopReason).toBe('wakes');
    expect(stopped.result.events).toBeLessThan(5000);
    expect(stopped.summary.simulation.complete).toBe(false);
    expect(partialReason(stopped.summary)).toContain('had passed over 500000 ready workers in all');
    expect(herd(1_000_000).result.stopReason).toBe('finished');
  });

  it("stops the cores' speed spells, which no event counts, before they take minutes", () => {
    // 1,000 cores in spells of a millisecond switch a million times a simulated second;
    // two requests of 10 s would draw 20 million switches (more than a second of
    // computing; 8,192 cores and an hour's sleep, hours). They are bounded at 10 per
    // event of the event budget: 10,000 here, spent when the first response is priced at
    // 10 s, where the run stops.
    const spells = (maxEvents: number, sleep: number, fleet?: { instances: number }) =>
      run({
        ...(fleet !== undefined ? { fleet } : {}),
        client: { requests: 2, concurrency: 1 },
        // A cost to price: the spells are drawn as work is given.
        server: { requestCpu: 0.0001 },
        machine: { cores: 1000, slowSpells: { slowdown: 2, slow: '1ms', fast: '1ms' } },
        app: { steps: [{ kind: 'sleep', time: sleep }] },
        database: undefined,
        limits: { maxEvents },
      });
    const stopped = spells(1000, 10);
    expect(stopped.result.stopReason).toBe('spells');
    expect(stopped.result.total).toBeLessThan(10.01e6);
    expect(stopped.summary.simulation.complete).toBe(false);
    expect(partialReason(stopped.summary)).toContain(
      'had switched between their fast and slow spells (machine.slowSpells) 10000 times in all',
    );
    expect(spells(1000, 0.001).result.stopReason).toBe('finished');
    // A fleet's hosts (one an instance here) share the one budget.
    expect(spells(1000, 10, { instances: 2 }).result.stopReason).toBe('spells');
  });

  it('stops per-core run queues of thousands of runnable tasks before they take hours', () => {
    // 2,000 sync workers each computing 10 ms on 2 cores with per-core run queues: every
    // start and end brings each runnable task up to date, some 2,000 steps a change, which
    // no event counts (10,000 workers at hey's 200,000 requests: hours). They are bounded
    // at 50 per event of the event budget: 1,000,000 here, past when the first thousand
    // have started (the whole run goes over 2,001,000 in 4,000 events).
    const tasks = (workers: number) =>
      run({
        client: { requests: 2000, concurrency: 2000 },
        server: { workerClass: 'sync', workers },
        machine: { cores: 2, runQueues: 'per-core' },
        app: { steps: [{ kind: 'cpu', time: 0.01 }] },
        database: undefined,
        limits: { maxEvents: 20_000 },
      });
    const stopped = tasks(2000);
    expect(stopped.result.stopReason).toBe('tasks');
    expect(stopped.result.events).toBeLessThan(4000);
    expect(partialReason(stopped.summary)).toContain(
      'per-core run queues (machine.runQueues per-core) had gone over 1000000 runnable tasks in all',
    );
    // Two workers: two tasks a change at most.
    expect(tasks(2).result.stopReason).toBe('finished');
  });
});
