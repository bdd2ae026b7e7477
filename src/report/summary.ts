// The figures of one run, computed once from the raw result, in seconds, the way hey
// computes them (requester/report.go). Text, JSON and charts all render this object.
import { HEY_PERCENTILES, type PercentileKey } from '../analysis/calibration/heyOutput.js';
import { toSeconds } from '../engine/time.js';
import type { StopReason } from '../messages.js';
import type { AsyncpgPoolResult, AtRefusal, PgbouncerCounts, PoolResult } from '../model/results.js';
import type { RunResult } from '../model/system.js';
import type { WorkersShape } from '../model/server/workersShape.js';
import { UVICORN_WORKER } from '../scenario/resolve.js';
import { bindingLimit, type BindingLimit } from './bindingLimit.js';
import { fleetSummary, type FleetSummary } from './fleetReport.js';
import { incidentSummary, type IncidentSummary } from './incident.js';
import { type Validated, validatedFor } from './validated.js';
import { warnings } from './warnings.js';
import type { Scenario } from '../scenario/schema.js';

export interface RunSummary {
  scenario: string;
  seed: number;
  summary: {
    total: number;
    slowest: number | null;
    fastest: number | null;
    average: number | null;
    requestsPerSec: number;
    /** Requests sent: (n / c) * c for hey, unless -z stopped it. */
    requests: number;
    responses: number;
    errors: number;
    /** Of the responses, those later than a timeout that only counts them (client.timeoutMode count, wrk's): outside the latency figures. Absent when none. */
    timeouts?: number;
  };
  /** p10 ... p99 in seconds; null where hey prints no line (too few responses). */
  latency: Record<PercentileKey, number | null>;
  /** hey's response-time histogram: 11 marks from fastest to slowest. */
  histogram: { mark: number; count: number }[];
  statusCodes: Record<string, number>;
  errors: Record<string, number>;
  /**
   * Where requests spent their time: mean seconds per ended request (responses and
   * errors) in each phase (connect, backlog, thread, loop, cpu, dbConnect, dbQuery, io);
   * they add up to the mean time from send to result (the average latency when there
   * are no errors).
   */
  breakdown: Record<string, number>;
  simulation: {
    complete: boolean;
    /** Why the run ended; anything but "finished" makes it partial. */
    stopReason: StopReason;
    /** The budgets it ran under (limits.maxEvents, limits.maxSimTime in seconds). */
    limits: { maxEvents: number; maxSimTime: number };
    events: number;
    unfinished: number;
    server: WorkersShape & {
      kills: number;
      restarts: number;
      servedByWorker: number[];
      /** uvicorn: the workers' start-up before the client started (seconds), and why gunicorn halted. */
      startup?: { duration: number; halted: string | null };
      threadpool?: { threads: number; peakInUse: number; waited: number };
    };
    /** uvicorn: the limit that binds, and the figure that shows it (report/bindingLimit.ts). */
    binding?: BindingLimit;
    /** How the model did on the kit's real runs of this kind of stack (report/validated.ts); with the scenario only. */
    validated?: Validated;
    backlog: { capacity: number; peak: number; synDrops: number };
    /** With machine.speedVariation: the factor this run's CPU costs were multiplied by. */
    machineSpeed?: { variation: number; factor: number };
    /** With machine.slowSpells: a slow spell's cost over a fast one's, and the share of the machine's core-time that was slow. */
    slowSpells?: { slowdown: number; slowShare: number };
    /** CPU seconds given to each kind of process (a run stopped partway: the part done by then), to compare with what the kit records per run (NAME.rN.cpu.txt). */
    cpu: { client: number; workers: number; postmaster: number; backends: number };
    database: {
      maxConnections: number;
      peakOpen: number;
      refused: number;
      connections: number;
      queries: number;
      postmaster: { listenBacklog: number; peakAcceptQueue: number; synDrops: number; deadEnds: number };
      /** At a slot refusal, what the backends holding the slots were doing (means over the refusals). */
      atRefusal: AtRefusal;
      pool: PoolResult | null;
      asyncpgPool?: AsyncpgPoolResult;
      pgbouncer:
        | (PgbouncerCounts & {
            /** Its own CPU, seconds. */
            cpu: number;
          })
        | null;
    } | null;
    /** Configurations that can fail in ways this run may not have shown. */
    warnings: string[];
    exceptions: Record<string, number>;
    /**
     * Little's law on the whole run: the time-averaged number of requests in the system,
     * measured, against throughput x mean time in system, computed from the results.
     */
    littlesLaw: { meanInSystem: number; throughputTimesMeanTime: number };
  };
  /** Several instances behind a balancer (fleetReport.ts); absent for one instance. */
  fleet?: FleetSummary;
  /** With a timeline, retries, breakers or timeouts: goodput, retries and the recovery (report/incident.ts). */
  incident?: IncidentSummary;
}

/** `scenario`'s name and seed as the report gives them; with `of`, the scenario itself, the report says how far the kit's runs trust its kind of stack. */
export function summarize(result: RunResult, scenario: string, seed: number, of?: Scenario): RunSummary {
  const fleet = result.fleet === undefined ? undefined : fleetSummary(result.fleet);
  const rec = result.recorder;
  const lat = rec.latency;
  const total = toSeconds(result.total);
  const responses = rec.responses;
  const latency = {} as RunSummary['latency'];
  const values = lat.percentiles(HEY_PERCENTILES);
  HEY_PERCENTILES.forEach((p, i) => {
    const v = values[i];
    latency[`p${p}`] = v === undefined ? null : toSeconds(v);
  });
  const out: RunSummary = {
    scenario,
    seed,
    summary: {
      total,
      // Over the latencies recorded: all the responses, but those a counting timeout (wrk's) left out.
      slowest: lat.count > 0 ? toSeconds(lat.max) : null,
      fastest: lat.count > 0 ? toSeconds(lat.min) : null,
      average: lat.count > 0 ? toSeconds(lat.sum / lat.count) : null,
      // hey (requester/report.go, finalize): every result counts, responses and errors.
      requestsPerSec: total > 0 ? (responses + rec.errorCount) / total : 0,
      requests: result.sent,
      responses,
      errors: rec.errorCount,
      ...(rec.timeouts > 0 ? { timeouts: rec.timeouts } : {}),
    },
    latency,
    histogram: lat.count > 0 ? heyHistogram(result) : [],
    breakdown: Object.fromEntries(
      Object.entries(result.spent).map(([phase, sum]) => {
        const ended = responses + rec.errorCount;
        return [phase, ended > 0 ? toSeconds(sum / ended) : 0];
      }),
    ),
    statusCodes: Object.fromEntries([...rec.statusCodes].sort((a, b) => a[0] - b[0]).map(([k, v]) => [String(k), v])),
    errors: sortedRecord(rec.errors),
    simulation: {
      complete: result.complete,
      stopReason: result.stopReason,
      limits: { maxEvents: result.limits.maxEvents, maxSimTime: toSeconds(result.limits.maxSimTime) },
      events: result.events,
      unfinished: result.sent - responses - rec.errorCount,
      server:
        result.server.startup === undefined
          ? result.server
          : { ...result.server, startup: { ...result.server.startup, duration: toSeconds(result.server.startup.duration) } },
      backlog: { capacity: result.listener.capacity, peak: result.listener.peakQueue, synDrops: result.listener.synDrops },
      ...(result.machineSpeed !== undefined ? { machineSpeed: result.machineSpeed } : {}),
      ...(result.slowSpells !== undefined ? { slowSpells: result.slowSpells } : {}),
      cpu: {
        client: toSeconds(result.cpu.client),
        workers: toSeconds(result.cpu.workers),
        postmaster: toSeconds(result.cpu.postmaster),
        backends: toSeconds(result.cpu.backends),
      },
      database:
        result.database === undefined
          ? null
          : {
              maxConnections: result.database.maxConnections,
              peakOpen: result.database.peakOpen,
              refused: result.database.refused,
              connections: result.database.connections,
              queries: result.database.queries,
              postmaster: {
                listenBacklog: result.database.listenBacklog,
                peakAcceptQueue: result.database.peakAcceptQueue,
                synDrops: result.database.synDrops,
                deadEnds: result.database.deadEnds,
              },
              atRefusal: result.database.atRefusal,
              pool: result.database.pool ?? null,
              ...(result.database.asyncpgPool !== undefined ? { asyncpgPool: result.database.asyncpgPool } : {}),
              pgbouncer: bouncerSummary(result.database.pgbouncer),
            },
      warnings: warnings(result, fleet),
      exceptions: sortedRecord(result.exceptions),
      littlesLaw: {
        meanInSystem: result.meanInSystem,
        throughputTimesMeanTime: total > 0 ? toSeconds(lat.sum + rec.timeoutTime + rec.errorTime) / total : 0,
      },
    },
    ...(fleet !== undefined ? { fleet } : {}),
    ...(result.incident !== undefined ? { incident: incidentSummary(result.incident, result.timeline, result.sent) } : {}),
  };
  // The limit that binds, for the worker class whose report first named it (uvicorn's).
  if (result.server.workerClass === UVICORN_WORKER) out.simulation.binding = bindingLimit(out);
  if (of !== undefined) out.simulation.validated = validatedFor(of);
  return out;
}

/** hey's histogram(): ten equal buckets between fastest and slowest, counted on sorted values. */
function heyHistogram(result: RunResult): { mark: number; count: number }[] {
  const lat = result.recorder.latency;
  const fastest = toSeconds(lat.min);
  const slowest = toSeconds(lat.max);
  const bc = 10;
  const marks: number[] = [];
  const bs = (slowest - fastest) / bc;
  for (let i = 0; i < bc; i++) marks.push(fastest + bs * i);
  marks.push(slowest);
  // The extreme bins are exact; interior bins carry their lowest value. A value goes to
  // the first mark at or above it (the last mark takes what is above them all). The marks
  // are in seconds: a bin is at or below one when its value is at or below the mark's last
  // microsecond.
  const upTo = lat.countsUpTo(marks.slice(0, bc).map((m) => lastMicrosecondAtOrBelow(m, lat.min, lat.max)));
  return marks.map((mark, i) => ({ mark, count: (i < bc ? upTo[i] : lat.count) - (i > 0 ? upTo[i - 1] : 0) }));
}

/** The largest whole microsecond from `min` to `max` that is at most `seconds` (min - 1 if none is). */
function lastMicrosecondAtOrBelow(seconds: number, min: number, max: number): number {
  if (toSeconds(min) > seconds) return min - 1;
  let lo = min;
  let hi = max;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (toSeconds(mid) <= seconds) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function sortedRecord(m: Map<string, number>): Record<string, number> {
  return Object.fromEntries([...m].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
}

/** PgBouncer's figures, its CPU in seconds. */
function bouncerSummary(
  b: NonNullable<RunResult['database']>['pgbouncer'],
): NonNullable<NonNullable<RunSummary['simulation']['database']>['pgbouncer']> | null {
  if (b === undefined) return null;
  const { cpuUsed, ...rest } = b;
  return { ...rest, cpu: cpuUsed / 1e6 };
}
