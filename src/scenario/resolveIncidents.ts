// Incidents, resolved (resolve.ts calls these): the client's retry policy in µs, the
// timeline's events in µs with what the model applies itself (query and HTTP time, worker
// kills), and the open-loop rate with the timeline's rate changes folded into its steps
// (the arrival process already samples a piecewise-constant rate exactly).
import { fromSeconds, type Time } from '../engine/time.js';
import type { RETRY_ON, TimelineEvent } from './incidentSchema.js';
import type { Scenario } from './schema.js';

export type RetryCause = (typeof RETRY_ON)[number];

export interface RetrySettings {
  /** Retries after the first attempt. */
  count: number;
  on: readonly RetryCause[];
  backoff: 'constant' | 'exponential';
  base: Time;
  cap: Time;
  jitter: 'none' | 'full' | 'equal' | 'decorrelated';
  /** Envoy's retry budget; undefined: none. */
  budget?: { fraction: number; minConcurrency: number };
}

export function resolveRetries(r: Scenario['client']['retries']): RetrySettings | undefined {
  if (r === undefined || r.count === 0) return undefined;
  return {
    count: r.count,
    on: r.on,
    backoff: r.backoff,
    base: fromSeconds(r.base),
    cap: fromSeconds(r.cap),
    jitter: r.jitter,
    ...(r.budget !== undefined ? { budget: { fraction: r.budget.budgetPercent / 100, minConcurrency: r.budget.minRetryConcurrency } } : {}),
  };
}

/** A change the model applies at `at` and undoes at `until`. */
export interface ModelChange {
  at: Time;
  /** Infinity: never undone. */
  until: Time;
  change: 'database.queryTime' | 'app.httpTime' | 'machine.cores';
  multiply: number;
}

export interface WorkerKill {
  at: Time;
  workers: number;
}

/** One event as the report and the charts show it (seconds). */
export interface TimelineMark {
  at: number;
  /** null: lasts to the end (or happens once). */
  until: number | null;
  label: string;
}

export interface IncidentSettings {
  changes: ModelChange[];
  kills: WorkerKill[];
  /** When gunicorn reloads (HUP), µs. */
  reloads: Time[];
  marks: TimelineMark[];
  /** When the first event starts and the last one ends (or happens), µs: the incident window. */
  start: Time;
  end: Time;
}

export function resolveTimeline(events: readonly TimelineEvent[] | undefined): IncidentSettings | undefined {
  if (events === undefined) return undefined;
  const changes: ModelChange[] = [];
  const kills: WorkerKill[] = [];
  const reloads: Time[] = [];
  let start = Infinity;
  let end = 0;
  for (const e of events) {
    const at = fromSeconds(e.at);
    start = Math.min(start, at);
    end = Math.max(end, e.until !== undefined ? fromSeconds(e.until) : at);
    if (e.killWorkers !== undefined) kills.push({ at, workers: e.killWorkers });
    else if (e.reload !== undefined) reloads.push(at);
    else if (e.change !== 'client.rate')
      changes.push({ at, until: e.until !== undefined ? fromSeconds(e.until) : Infinity, change: e.change!, multiply: e.multiply! });
  }
  return { changes, kills, reloads, marks: events.map(markOf), start, end };
}

function markOf(e: TimelineEvent): TimelineMark {
  const what =
    e.killWorkers !== undefined
      ? `kill ${e.killWorkers} worker${e.killWorkers === 1 ? '' : 's'}`
      : e.reload !== undefined
        ? 'reload (HUP)'
        : e.multiply !== undefined
          ? `${e.change} x${e.multiply}`
          : e.set !== undefined
            ? `${e.change} = ${e.set}/s`
            : `${e.change} ramp to ${e.rampTo}/s`;
  return { at: e.at, until: e.until ?? null, label: e.note !== undefined ? `${e.note} (${what})` : what };
}

/** A ramp moves in steps of this length: the arrival process samples a rate that is constant over each. */
export const RAMP_STEP: Time = 100_000;

/**
 * The open-loop rate steps (µs, sorted, the first from 0) with the timeline's client.rate
 * changes applied in the order written: multiply and set over [at, until), a ramp from
 * the rate at `at` to `rampTo` at `until`, kept after it.
 *
 * `horizon`: the latest time the client can send at (limits.maxSimTime, as the client's
 * clock starts with the run's or later; the client's duration when it has one). A ramp's 100 ms steps stop at the one holding it, whose
 * rate then lasts to `until`, and its last rate is kept from `until` on as before: no
 * arrival up to the horizon moves. A ramp to `until` 1e6 s was ten million steps (1.7 GB,
 * 13 s before a 60 s run started), one to 1e8 s ran out of memory.
 */
export function applyRateChanges(
  steps: readonly { from: Time; rate: number }[],
  events: readonly TimelineEvent[] | undefined,
  horizon: Time = Infinity,
): { from: Time; rate: number }[] {
  let out = steps.map((s) => ({ ...s }));
  for (const e of events ?? []) out = applyRateChange(out, e, horizon);
  return out;
}

/**
 * One client.rate change (another change leaves them as they are) applied to `out`, steps
 * the caller owns: a ramp changes the list in place, multiply and set return a new one that
 * shares the steps they leave as they were. applyRateChanges, one change at a time.
 */
export function applyRateChange(out: { from: Time; rate: number }[], e: TimelineEvent, horizon: Time): { from: Time; rate: number }[] {
  if (e.change !== 'client.rate') return out;
  const at = fromSeconds(e.at);
  const until = e.until !== undefined ? fromSeconds(e.until) : Infinity;
  if (e.rampTo !== undefined) {
    const from = rateAt(out, at);
    const n = rampSteps(at, until, horizon);
    // The steps are sorted: those from `at` on give way to the ramp's, in place.
    let keep = out.length;
    while (keep > 0 && out[keep - 1].from >= at) keep--;
    out.length = keep;
    // Each piece at the rate of its middle, so the ramp's arrivals add up to the line's area.
    for (let i = 0; i < n; i++) {
      const t0 = at + i * RAMP_STEP;
      const t1 = Math.min(until, t0 + RAMP_STEP);
      out.push({ from: t0, rate: from + ((e.rampTo - from) * ((t0 + t1) / 2 - at)) / (until - at) });
    }
    out.push({ from: until, rate: e.rampTo });
    return out;
  }
  const f = (r: number) => (e.multiply !== undefined ? r * e.multiply : e.set!);
  return splice(out, at, until, f);
}

/** The 100 ms steps of a ramp over [at, until) (µs) that a run to `horizon` can reach: its last one holds the horizon. */
export function rampSteps(at: Time, until: Time, horizon: Time): number {
  return Math.max(1, Math.ceil((Math.min(until, Math.max(at, horizon) + RAMP_STEP) - at) / RAMP_STEP));
}

/**
 * Rate steps the open-loop schedule may hold (a ramp adds one per 100 ms up to its `until`
 * or the run's horizon): 100,000 s of ramping. Each takes some hundred bytes while the
 * schedule is built; a ramp to 1e8 s under a time budget of 1e7 s was 1e8 of them, and the
 * process ran out of memory.
 */
export const MAX_RATE_STEPS = 1_000_000;

/**
 * Rate steps built in all while the timeline's client.rate changes apply, each change on the
 * schedule the ones before it left (a spike copies every step, a ramp those before it and its
 * own): a timeline of 10,000 spikes over an hour's ramp (36,000 steps) took a minute and a
 * half before the run started. This many take about a second.
 */
export const MAX_RATE_STEP_WORK = 20_000_000;

function rateAt(steps: readonly { from: Time; rate: number }[], t: Time): number {
  let rate = steps[0].rate;
  for (const s of steps) if (s.from <= t) rate = s.rate;
  return rate;
}

/**
 * Steps with `f` applied to the rate over [at, until): the steps' bounds and `at` and
 * `until`, in one pass over the sorted steps, each at the rate of the last step starting
 * at or before it (a lookup from the first step for each bound was quadratic: an hour's
 * ramp, 36,000 steps, then a spike took 4 s, and each further spike as long).
 */
function splice(steps: { from: Time; rate: number }[], at: Time, until: Time, f: (r: number) => number): { from: Time; rate: number }[] {
  const bounds = until === Infinity ? [at] : [at, until];
  const out: { from: Time; rate: number }[] = [];
  let i = 0;
  let k = 0;
  let r = steps[0].rate;
  while (i < steps.length || k < bounds.length) {
    const from = k === bounds.length || (i < steps.length && steps[i].from <= bounds[k]) ? steps[i].from : bounds[k];
    while (i < steps.length && steps[i].from <= from) r = steps[i++].rate;
    while (k < bounds.length && bounds[k] <= from) k++;
    const rate = from >= at && from < until ? f(r) : r;
    // Neighbours at one rate are one step. A step left as it was is kept, not copied.
    if (out.length === 0 || out[out.length - 1].rate !== rate) {
      const kept = i > 0 ? steps[i - 1] : undefined;
      out.push(kept !== undefined && kept.from === from && kept.rate === rate ? kept : { from, rate });
    }
  }
  return out;
}

/**
 * Whether a run has anything of an incident to report (a timeline, retries, a breaker,
 * a statement or outbound timeout): then it records completions over time and its report
 * has an "incident" section. Every other run's output stays as it was.
 */
export function hasIncident(r: {
  incident?: IncidentSettings;
  client: { settings: { retry?: RetrySettings } };
  app: { breaker?: unknown; endpoints: readonly { steps: readonly { timeout?: Time }[] }[] };
  database: { postgres: { statementTimeout?: Time } } | undefined;
}): boolean {
  return (
    r.incident !== undefined ||
    r.client.settings.retry !== undefined ||
    r.app.breaker !== undefined ||
    r.database?.postgres.statementTimeout !== undefined ||
    r.app.endpoints.some((e) => e.steps.some((s) => s.timeout !== undefined))
  );
}
