// A scenario whose work is predictably beyond its budgets is refused before it runs, with
// the estimate (issue 17): a run that could only stop at limits.maxEvents or
// limits.maxSimTime would spend the whole budget to print a partial report. The estimates
// are lower bounds from the client alone, as the model sends (src/model/client/):
//
// - events: every request a closed loop sends, and every open-loop arrival, is at least
//   one event (with every cost 0, hey's requests take one event each, arrivals two).
// - simulated time: hey -z sends until client.duration; with -q, a hey worker's k-th
//   request waits for its k-th tick; evenly spaced arrivals (process "constant") reach
//   the last one at a time computed exactly from the rate steps. Poisson arrivals are
//   random: they are refused only when all of them arriving within limits.maxSimTime has
//   a probability below 1e-9 (a Chernoff bound on the Poisson count, the clock's rounding
//   of each gap allowed for).
//
// Only the command line refuses (sim run, sim serve, each point of sim sweep / plan, and
// each run sim compare and sim fit simulate): the model itself still runs to a budget and
// reports the run as partial.
import { fromSeconds, toSeconds, type Time } from '../engine/time.js';
import * as msg from '../messages.js';
import { UserError, formatPath } from './errors.js';
import type { Scenario } from './schema.js';

/** How unlikely "all the Poisson arrivals came within the budget" must be to refuse. */
export const POISSON_REFUSAL_PROBABILITY = 1e-9;

export interface WorkBound {
  /** The budget the work is beyond. */
  budget: 'maxEvents' | 'maxSimTime';
  /** The estimate, in events or in simulated seconds. */
  estimate: number;
  /** What makes the work, in the scenario's own terms, and what it takes. */
  work: string;
  takes: string;
  /** What else would fit the work within the budget. */
  instead: string;
}

/** The first budget the scenario's work is predictably beyond, if any. */
export function beyondBudget(s: Scenario): WorkBound | undefined {
  const c = s.client;
  const maxSimTime = fromSeconds(s.limits.maxSimTime);
  const fmt = (n: number) => String(Number(n.toPrecision(6)));
  if (c.arrivals === undefined) {
    const concurrency = c.concurrency!;
    if (c.duration !== undefined) {
      // hey -z: the workers send until the duration is over.
      const d = fromSeconds(c.duration);
      if (d > maxSimTime)
        return {
          budget: 'maxSimTime',
          estimate: toSeconds(d),
          work: `client.duration = ${fmt(toSeconds(d))} s of sending (hey -z)`,
          takes: `at least ${fmt(toSeconds(d))} simulated seconds`,
          instead: 'shorten client.duration',
        };
      return undefined;
    }
    const perWorker = Math.floor(c.requests! / concurrency);
    const sent = c.remainder === 'sent' ? c.requests! : perWorker * concurrency;
    if (sent > s.limits.maxEvents) {
      const what =
        sent === c.requests
          ? `client.requests = ${c.requests}`
          : `the ${sent} requests hey sends (client.requests = ${c.requests} in rounds of client.concurrency = ${concurrency})`;
      return {
        budget: 'maxEvents',
        estimate: sent,
        work: what,
        takes: `at least ${sent} events (one or more each)`,
        instead: 'send fewer requests',
      };
    }
    if (c.rate !== undefined) {
      // hey -q: a worker's k-th request waits for its k-th tick, k periods in.
      const period = Math.max(1, Math.round(1e6 / c.rate));
      const most = perWorker + (c.remainder === 'sent' && c.requests! % concurrency > 0 ? 1 : 0);
      const last = most * period;
      if (last > maxSimTime) {
        return {
          budget: 'maxSimTime',
          estimate: toSeconds(last),
          work: `${most} requests per hey worker (client.requests / client.concurrency) at client.rate = ${c.rate}/s`,
          takes: `at least ${fmt(toSeconds(last))} simulated seconds`,
          instead: 'send fewer requests or raise client.rate',
        };
      }
    }
    return undefined;
  }
  // Open loop: with a duration, sending stops at the duration or at the count, whichever
  // comes first, and either may end the run early: no bound.
  if (c.duration !== undefined || c.requests === undefined) return undefined;
  const n = c.requests;
  if (n > s.limits.maxEvents)
    return {
      budget: 'maxEvents',
      estimate: n,
      work: `client.requests = ${n} arrivals`,
      takes: `at least ${n} events (one or more each)`,
      instead: 'send fewer requests',
    };
  const steps = (c.arrivals.steps ?? [{ from: 0, rate: c.arrivals.rate! }]).map((st) => ({ from: fromSeconds(st.from), rate: st.rate }));
  const rates = c.arrivals.steps === undefined ? `client.arrivals.rate = ${c.arrivals.rate}/s` : `the rates of client.arrivals.steps`;
  if (c.arrivals.process === 'constant') {
    const last = nthConstantArrival(steps, n);
    if (last > maxSimTime)
      return {
        budget: 'maxSimTime',
        estimate: toSeconds(last),
        work: `client.requests = ${n} evenly spaced arrivals at ${rates}`,
        takes: `at least ${fmt(toSeconds(last))} simulated seconds`,
        instead: 'send fewer requests or raise the rate',
      };
    return undefined;
  }
  // Poisson: each gap is rounded to the microsecond (at most 0.5 us shorter), so the n-th
  // arrival comes no earlier than in an exact Poisson process minus n/2 us.
  const horizon = maxSimTime + n / 2;
  const expected = expectedArrivals(steps, horizon);
  if (expected >= n) return undefined;
  // P(a Poisson count of mean m reaches n) <= exp(-m) (e m / n)^n, for n > m.
  const logP = expected === 0 ? -Infinity : -expected + n + n * Math.log(expected / n);
  if (logP > Math.log(POISSON_REFUSAL_PROBABILITY)) return undefined;
  const mean = timeForArrivals(steps, n);
  return {
    budget: 'maxSimTime',
    estimate: toSeconds(mean),
    work: `client.requests = ${n} Poisson arrivals at ${rates}`,
    takes: `${mean === Infinity ? 'forever' : `${fmt(toSeconds(mean))} simulated seconds`} on average, and all within the budget has a probability below ${POISSON_REFUSAL_PROBABILITY}`,
    instead: 'send fewer requests or raise the rate',
  };
}

/**
 * What raises each budget on the command that refused: sim run's flags, a --set, or the
 * file itself. Each command's message must name something that command accepts.
 */
export interface BudgetFlags {
  maxEvents: string;
  maxSimTime: string;
}

/**
 * For the commands with --set but without --max-events and --max-sim-time: sim compare,
 * sim fit, and each point of sim sweep and sim plan.
 */
export const BUDGET_SETS: BudgetFlags = { maxEvents: '--set limits.maxEvents=N', maxSimTime: '--set limits.maxSimTime=T' };

/** For sim serve, which takes no overrides at all: the fields of the file it serves. */
export function budgetFields(file: string): BudgetFlags {
  return { maxEvents: `limits.maxEvents in ${file}`, maxSimTime: `limits.maxSimTime in ${file}` };
}

/** Refuses (exit 2) a scenario whose work is predictably beyond its budgets. */
export function checkBudgets(s: Scenario, locate: (path: readonly PropertyKey[]) => string, raise?: BudgetFlags): void {
  const b = beyondBudget(s);
  if (b === undefined) return;
  const path = ['limits', b.budget];
  const limit = b.budget === 'maxEvents' ? s.limits.maxEvents : s.limits.maxSimTime;
  throw new UserError(`${locate(path)}: at ${formatPath(path)}: ${msg.beyondBudget(b.budget, limit, b.work, b.takes, b.instead, raise)}`);
}

/** Time of the n-th evenly spaced arrival (src/model/client/arrivals.ts); Infinity if never. */
export function nthConstantArrival(steps: readonly { from: Time; rate: number }[], n: number): Time {
  let remaining = n;
  for (let i = 0; i < steps.length; i++) {
    const { from, rate } = steps[i];
    const end = i + 1 < steps.length ? steps[i + 1].from : Infinity;
    if (rate <= 0) continue;
    const gap = Math.max(1, Math.round(1e6 / rate));
    // Arrivals at from + k gap, k >= 1, before the next step starts.
    const here = end === Infinity ? Infinity : Math.max(0, Math.ceil((end - from) / gap) - 1);
    if (remaining <= here) return from + remaining * gap;
    remaining -= here;
  }
  return Infinity;
}

/** The mean number of arrivals by time t: the rate integrated over [0, t]. */
function expectedArrivals(steps: readonly { from: Time; rate: number }[], t: Time): number {
  let sum = 0;
  for (let i = 0; i < steps.length && steps[i].from < t; i++) {
    const end = Math.min(t, i + 1 < steps.length ? steps[i + 1].from : Infinity);
    sum += (steps[i].rate * (end - steps[i].from)) / 1e6;
  }
  return sum;
}

/** When the mean number of arrivals reaches n; Infinity if it never does. */
function timeForArrivals(steps: readonly { from: Time; rate: number }[], n: number): Time {
  let sum = 0;
  for (let i = 0; i < steps.length; i++) {
    const end = i + 1 < steps.length ? steps[i + 1].from : Infinity;
    const rate = steps[i].rate;
    if (rate <= 0) continue;
    const here = (rate * (end - steps[i].from)) / 1e6;
    if (sum + here >= n) return steps[i].from + Math.round(((n - sum) / rate) * 1e6);
    sum += here;
  }
  return Infinity;
}
