// One run reduced to the figures a sweep reports: small, plain and structured-cloneable,
// so a worker thread can send it back. Everything is in seconds (hey's unit).
import { simulate, type RunResult } from '../../model/system.js';
import { summarize } from '../../report/summary.js';
import type { Scenario } from '../../scenario/schema.js';
import { bottleneck } from '../plan/bottleneck.js';
import { utilization, type ResourceUse } from '../plan/utilization.js';

export interface RunFigures {
  seed: number;
  total: number;
  /** hey's Requests/sec: responses of any status and transport errors, over Total. */
  requestsPerSec: number;
  /** The same split by how requests ended (the other statuses are rare and omitted). */
  perSec: { '2xx': number; '5xx': number; errors: number };
  responses: number;
  statusCodes: Record<string, number>;
  errors: number;
  latency: { p50: number | null; p90: number | null; p99: number | null; average: number | null };
  /** Mean time answered requests waited before a handler took them: connect, accept queue, thread. */
  queueWait: number;
  dbPeakOpen: number | null;
  bottleneck: string;
  /** Little's law on the whole run: L measured, λW computed from the results. */
  littlesLaw: { L: number; lambdaW: number };
  utilization: ResourceUse[];
  /** Conditions the analytic models assume, as the run met them. */
  synDrops: number;
  kills: number;
  complete: boolean;
  /** With a timeline, retries, breakers or timeouts (report/incident.ts). */
  incident?: IncidentFigures;
}

export interface IncidentFigures {
  /** null: no timeline to recover from. */
  recovered: boolean | null;
  recoverySeconds: number | null;
  /** From the last event's end to the end of the load: the longest recovery a run can show. */
  horizon: number | null;
  /** Attempts per request; null without retries. */
  amplification: number | null;
  goodputBefore: number | null;
  goodputAfter: number | null;
}

export interface RunTask {
  scenario: Scenario;
  name: string;
  /** The run's place in the machine's speeds (RunOptions.speedIndex); default its seed's. */
  speedIndex?: number;
}

export function runFigures(task: RunTask): RunFigures {
  const { scenario, name } = task;
  return figuresOf(scenario, simulate(scenario, { speedIndex: task.speedIndex }), name);
}

/** The figures of a run already simulated (sim sweep --emit sizes a point's JSON from its probe's). */
export function figuresOf(scenario: Scenario, result: RunResult, name: string): RunFigures {
  const s = summarize(result, name, scenario.seed);
  const perSecond = (n: number) => (s.summary.total > 0 ? n / s.summary.total : 0);
  let ok = 0;
  let serverErrors = 0;
  for (const [code, n] of Object.entries(s.statusCodes)) {
    if (code.startsWith('2')) ok += n;
    else if (code.startsWith('5')) serverErrors += n;
  }
  return {
    seed: scenario.seed,
    total: s.summary.total,
    requestsPerSec: s.summary.requestsPerSec,
    perSec: { '2xx': perSecond(ok), '5xx': perSecond(serverErrors), errors: perSecond(s.summary.errors) },
    responses: s.summary.responses,
    statusCodes: s.statusCodes,
    errors: s.summary.errors,
    latency: { p50: s.latency.p50, p90: s.latency.p90, p99: s.latency.p99, average: s.summary.average },
    queueWait: (s.breakdown.connect ?? 0) + (s.breakdown.backlog ?? 0) + (s.breakdown.thread ?? 0),
    dbPeakOpen: s.simulation.database?.peakOpen ?? null,
    bottleneck: bottleneck(s, result),
    littlesLaw: { L: s.simulation.littlesLaw.meanInSystem, lambdaW: s.simulation.littlesLaw.throughputTimesMeanTime },
    utilization: utilization(scenario, result, s),
    synDrops: s.simulation.backlog.synDrops,
    kills: s.simulation.server.kills,
    complete: s.simulation.complete,
    ...(s.incident !== undefined
      ? {
          incident: {
            recovered: s.incident.recovery.recovered,
            recoverySeconds: s.incident.recovery.seconds,
            horizon: s.incident.window === null ? null : s.incident.loadEnd - s.incident.window.end,
            amplification: s.incident.retries?.amplification ?? null,
            goodputBefore: s.incident.goodput.before,
            goodputAfter: s.incident.window === null ? s.incident.goodput.before : s.incident.goodput.after,
          },
        }
      : {}),
  };
}
