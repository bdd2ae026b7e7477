// Runs a wired system until its client is done or a budget runs out, and says why it ended.
import type { Simulation } from '../engine/simulation.js';
import type { Time } from '../engine/time.js';
import type { StopReason } from '../messages.js';
import { startFleet } from './fleet/wireFleet.js';
import { settleUnfinishedCpu } from './unfinishedCpu.js';
import type { System } from './wire.js';

/**
 * Events at one instant beyond which the clock is taken to be frozen: requests that take
 * no simulated time at all (hey -z with handlers whose every step lasts 0 s) would
 * otherwise repeat forever at one instant, each holding memory (its -t timer). Far
 * above what a real scenario does at one instant (concurrency is at most 100,000, a few
 * events each); a slice is checked as a whole, so detection takes at most two slices.
 */
export const FROZEN_CLOCK_EVENTS = 1_000_000;

/**
 * Requests in flight beyond which a run is stopped: an open loop that sends faster than the
 * system answers piles its arrivals up without end, each holding some hundreds of bytes
 * (with its connection and events), and a scenario of a few lines would take gigabytes. A
 * closed loop holds at most its concurrency (100,000). Looked at every PILE_UP_CHECK
 * events, which adds at most that many more.
 */
export const MAX_IN_FLIGHT = 250_000;

/**
 * Ready workers a queued connection passes over (Listener.wakeAll), per event of the event
 * budget, beyond which a run stops (stopReason wakes). Each costs a small fraction of an
 * event, but the kernel's herd of thousands of workers, every one of them looked at for each
 * queued connection, would otherwise take minutes within the event budget (ten thousand
 * gevent workers at hey -c 100000; docs/run.md).
 */
export const WAKES_PER_EVENT = 100;

/**
 * Switches of the hosts' cores between their fast and slow spells (machine.slowSpells) per
 * event of the event budget, beyond which a run stops (stopReason spells). A switch costs
 * about a tenth of an event; no event counts them, and thousands of cores in spells of a
 * millisecond switch millions of times a simulated second: a few requests that take an
 * hour would otherwise take hours to compute.
 */
export const SPELL_SWITCHES_PER_EVENT = 10;

/**
 * Runnable tasks gone over by per-core run queues (machine.runQueues per-core) per event of
 * the event budget, beyond which a run stops (stopReason tasks). Every start and end of a
 * piece of work brings each runnable task up to date, a few passes of a few nanoseconds
 * each: the few hundred of a connection storm cost little, and ten thousand workers on a
 * few cores would take hours within the event budget.
 */
export const TASK_STEPS_PER_EVENT = 50;

export interface Budgets {
  maxEvents: number;
  maxSimTime: Time;
  /** Events at one instant taken as a frozen clock. */
  frozenClockEvents: number;
  /** Requests in flight taken as a pile-up without end. */
  maxInFlight: number;
}

/**
 * Starts the workers, then the client (once every worker's app has started up, as a load
 * test starts once the server is up), and runs; returns why the run ended.
 */
export function runSystem(system: System, budgets: Budgets): StopReason {
  const { sim, arbiter, client } = system;
  // A fleet's client starts at once: the balancer takes its requests, and each instance's
  // listen queue holds them while its workers start.
  if (system.fleet !== undefined) {
    startFleet(system.fleet);
    startClient(client);
  } else {
    arbiter.start();
    arbiter.whenStarted(startLoad, system);
  }
  // The timeline's times count from the start of the run, the workers' start-up included.
  system.incidents?.start();
  const pilingUp = () => client.unanswered > budgets.maxInFlight;
  system.wakes.limit = budgets.maxEvents * WAKES_PER_EVENT;
  if (system.spellSwitches !== undefined) system.spellSwitches.limit = budgets.maxEvents * SPELL_SWITCHES_PER_EVENT;
  if (system.taskSteps !== undefined) system.taskSteps.limit = budgets.maxEvents * TASK_STEPS_PER_EVENT;
  const ended = runWatchingTheClock(sim, budgets.maxSimTime, budgets.maxEvents, budgets.frozenClockEvents, pilingUp);
  if (client.finishedAt !== undefined) return 'finished';
  // Stopped partway: the CPU counted is what ran by now, not what was given to pieces
  // still running or waiting (a finished run's are the tail its last requests set off,
  // the backends' exits: counted whole, as given).
  system.unownedCpuTasks = settleUnfinishedCpu(system);
  if (system.wakes.exhausted) return 'wakes';
  if (system.spellSwitches?.exhausted) return 'spells';
  if (system.taskSteps?.exhausted) return 'tasks';
  return STOPPED_BY[ended as keyof typeof STOPPED_BY] ?? 'stalled';
}

/** Why an unfinished run ended, by what stopped the event loop (an empty queue, or stop(): it stalled). */
const STOPPED_BY = { budget: 'maxEvents', until: 'maxSimTime', frozen: 'frozen', inFlight: 'inFlight' } as const satisfies Record<
  string,
  StopReason
>;

/** One instance's client starts once its workers have started up: what they used so far was the start-up's. */
function startLoad(system: System): void {
  system.app.cpuBeforeLoad = system.app.cpuUsed;
  const pg = system.postgres;
  if (pg !== undefined) pg.cpuBeforeLoad = pg.postmaster.cpuUsed + pg.backendCpuUsed;
  startClient(system.client);
}

function startClient(client: System['client']): void {
  client.startedAt = client.sim.now;
  client.start();
}

/** Events between two looks at the requests in flight. */
const PILE_UP_CHECK = 100_000;

/** Sim.run in slices, stopping early if a whole slice ran at one instant or requests piled up without end. */
function runWatchingTheClock(
  sim: Simulation,
  until: Time,
  maxEvents: number,
  slice: number,
  pilingUp: () => boolean,
): ReturnType<Simulation['run']> | 'frozen' | 'inFlight' {
  for (;;) {
    const before = sim.now;
    const sliceEnd = Math.min(maxEvents, sim.eventsRun + slice);
    for (;;) {
      const stepEnd = Math.min(sliceEnd, sim.eventsRun + PILE_UP_CHECK);
      const ended = sim.run(until, stepEnd);
      if (ended !== 'budget' || stepEnd === maxEvents) return ended;
      if (pilingUp()) return 'inFlight';
      if (stepEnd === sliceEnd) break;
    }
    if (sim.now === before) return 'frozen';
  }
}
