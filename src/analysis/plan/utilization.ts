// The utilization law, U = X D / c: throughput times the demand each request puts on a
// resource, over the resource's capacity. Computed for every resource the run can tell a
// demand for, and set beside the occupancy the run measured where a gauge tracks it, so
// the two are a cross-check of each other. The busiest resource is the one that
// saturates first as the load grows; when one dominates, X <= c / D bounds throughput.
import { meanSeconds } from '../../scenario/durations.js';
import { instanceScenarios } from '../../scenario/resolveFleet.js';
import { toSeconds } from '../../engine/time.js';
import type { RunResult } from '../../model/system.js';
import type { RunSummary } from '../../report/summary.js';
import type { Scenario } from '../../scenario/schema.js';
import type { TimelineData } from '../../stats/timeline.js';
import { allSteps, databaseLimit, effectiveWorkerClass, handlerSlots, slotName } from './serverSlots.js';

export interface ResourceUse {
  resource: string;
  capacity: number;
  /** X D / c, from throughput and demand (utilization law). */
  law?: number;
  /** Time-averaged occupancy / c, measured by the run's gauges. */
  measured?: number;
}

/** Phases during which a request holds a handler slot (after accept, until the response). */
const HANDLER_PHASES = ['loop', 'cpu', 'dbConnect', 'dbQuery', 'io', 'cache'] as const;

export function utilization(scenario: Scenario, result: RunResult, summary: RunSummary): ResourceUse[] {
  const total = summary.summary.total;
  if (total <= 0) return [];
  // The breakdown is per ended request (responses and errors), so is the throughput.
  const x = (summary.summary.responses + summary.summary.errors) / total;
  const b = summary.breakdown;
  // A fleet: the instances' slots, loops and hosts together (the replicas at the start).
  const each = instanceScenarios(scenario).map((i) => i.scenario);
  const slots = each.reduce((sum, one) => sum + handlerSlots(one), 0);
  const uses: ResourceUse[] = [
    {
      resource: slotName(scenario),
      capacity: slots,
      law: (x * HANDLER_PHASES.reduce((sum, p) => sum + (b[p] ?? 0), 0)) / slots,
      measured: timeAverage(result.timeline, 'running', total) / slots,
    },
    ...coreUses(scenario, result, total),
  ];
  // A sync worker's loop is its one slot, counted above.
  if (effectiveWorkerClass(scenario) !== 'sync') {
    const demand = loopPhases(scenario).reduce((sum, p) => sum + (b[p] ?? 0), 0);
    const loops = each.reduce((sum, one) => sum + one.server.workers, 0);
    uses.push({ resource: 'worker loops (GIL)', capacity: loops, law: (x * demand) / loops });
  }
  const db = result.database;
  const limit = databaseLimit(scenario);
  if (db !== undefined && limit !== undefined && scenario.database !== undefined) {
    // The postmaster forks one attempt at a time, refused ones included: its CPU (at least,
    // when it waits for a core too) and its time that is not modelled CPU.
    const attempts = db.connections + db.refused;
    uses.push({
      resource: 'postmaster',
      capacity: 1,
      law: (attempts / total) * (scenario.database.forkTime + scenario.database.postmasterCpu + scenario.database.postmasterWakeCpu),
    });
    uses.push({
      resource: 'PostgreSQL connections',
      capacity: limit,
      measured: timeAverage(result.timeline, 'dbConnections', total) / limit,
    });
  }
  uses.push(...heldUses(scenario, x));
  return uses;
}

/**
 * The finite resources a request holds for a stretch of its steps, by the law with the
 * demand read from the scenario's mean step times (a lower bound: the waits for a core,
 * the loop or the database in between hold them longer): an `http` step's `limit` (its
 * call), the app-side pools (each worker's, from dbConnect to dbClose), PgBouncer's
 * server connections (a query in transaction mode, dbConnect to dbClose in session
 * mode). Endpoints count by their weight; a cache that may skip a step is not counted
 * as skipping it.
 */
function heldUses(s: Scenario, x: number): ResourceUse[] {
  const endpoints = s.app.steps !== undefined ? [{ name: '', weight: 1, steps: s.app.steps }] : (s.app.endpoints ?? []);
  const totalWeight = endpoints.reduce((sum, e) => sum + e.weight, 0);
  const uses: ResourceUse[] = [];
  let pooled = 0;
  let bounced = 0;
  for (const e of endpoints) {
    const share = e.weight / totalWeight;
    let held = -1;
    e.steps.forEach((step, i) => {
      if (step.kind === 'http' && step.limit !== undefined) {
        const where = e.name === '' ? `step ${i + 1}` : `${e.name} step ${i + 1}`;
        uses.push({ resource: `http limit (${where})`, capacity: step.limit, law: (x * share * meanSeconds(step.time)) / step.limit });
      }
      if (step.kind === 'dbConnect') held = 0;
      else if (step.kind === 'dbClose') {
        if (held > 0) pooled += share * held;
        held = -1;
      } else if (held >= 0) held += stepSeconds(step);
      if (step.kind === 'dbQuery') bounced += share * (meanSeconds(step.time) + meanSeconds(step.cpu));
    });
  }
  const pool = s.app.pool;
  if (pool !== undefined && s.database !== undefined) {
    const capacity = s.server.workers * (pool.size + pool.maxOverflow);
    uses.push({ resource: 'app pools', capacity, law: (x * pooled) / capacity });
  }
  const b = s.database?.pgbouncer;
  if (b !== undefined) {
    const demand = b.poolMode === 'transaction' ? bounced : pooled;
    uses.push({ resource: 'PgBouncer server connections', capacity: b.defaultPoolSize, law: (x * demand) / b.defaultPoolSize });
  }
  return uses;
}

/** A step's own time, seconds, on average: what it holds whatever it holds. */
function stepSeconds(step: NonNullable<Scenario['app']['steps']>[number]): number {
  switch (step.kind) {
    case 'cpu':
    case 'sleep':
    case 'http':
    case 'cache':
      return meanSeconds(step.time);
    case 'dbQuery':
      return meanSeconds(step.time) + meanSeconds(step.cpu) + meanSeconds(step.decodeCpu);
    default:
      return 0;
  }
}

/**
 * The cores of each host: the CPU work done there over the time the cores had, U = W / (T c)
 * (= X D / c with D the CPU work per request). Demand is the work itself, not the time
 * requests spent on the CPU or waiting for a core (that residence grows with the queue
 * and is not a demand). The app's machine runs the workers, and PostgreSQL and the client
 * unless they have cores of their own (database.cores, client.cores).
 */
export function coreUses(scenario: Scenario, result: RunResult, total: number): ResourceUse[] {
  const cpu = result.cpu;
  // Start-up (uvicorn's boot, its pools' connects) comes before the run's Total: only what
  // was used under load is demand per request.
  const database = result.databaseCpuUnderLoad;
  const dbApart = scenario.database?.cores !== undefined;
  const clientApart = scenario.client.cores !== undefined;
  const app = result.workersCpuUnderLoad + (dbApart ? 0 : database) + (clientApart ? 0 : cpu.client);
  const use = (resource: string, cores: number, work: number): ResourceUse => ({
    resource,
    capacity: cores,
    law: toSeconds(work) / (total * cores),
  });
  const f = scenario.fleet;
  const hosts = f === undefined ? 1 : Math.ceil(f.instances / f.instancesPerHost);
  const uses = [use('cores', hosts * scenario.machine.cores, app)];
  if (dbApart) uses.push(use('database cores', scenario.database!.cores!, database));
  if (clientApart) uses.push(use('client cores', scenario.client.cores!, cpu.client));
  return uses;
}

/** The resource with the highest utilization (law, else measured). */
export function busiest(uses: readonly ResourceUse[]): ResourceUse | undefined {
  let best: ResourceUse | undefined;
  for (const u of uses) if (best === undefined || level(u) > level(best)) best = u;
  return best;
}

export function level(u: ResourceUse): number {
  return u.measured ?? u.law ?? 0;
}

/**
 * The phases during which a request holds its worker's loop: CPU always; in gevent and
 * eventlet also blocking IO (it stalls the whole process), while a gthread thread blocked
 * in C code releases the GIL. A phase counts as blocking when any of its steps blocks:
 * a handler mixing blocking and cooperative steps of one phase is rare. (A query's
 * decodeCpu is a CPU step of its own.)
 */
function loopPhases(s: Scenario): string[] {
  const phases = new Set(['cpu']);
  const cls = effectiveWorkerClass(s);
  if (cls !== 'gevent' && cls !== 'eventlet') return [...phases];
  const phaseOf: Record<string, string> = { dbConnect: 'dbConnect', dbQuery: 'dbQuery', sleep: 'io', http: 'io', cache: 'cache' };
  for (const step of allSteps(s)) {
    if (!(step.kind in phaseOf)) continue;
    const io = 'io' in step && step.io !== undefined ? step.io : s.app.psycogreen ? 'cooperative' : 'blocking';
    if (io === 'blocking') phases.add(phaseOf[step.kind]);
  }
  return [...phases];
}

/** Mean of a gauge over [0, end] seconds, from the timeline's per-bucket means. */
function timeAverage(t: TimelineData, gauge: string, end: number): number {
  const means = t.mean[gauge];
  if (means === undefined || end <= 0) return 0;
  let area = 0;
  for (let i = 0; i < means.length; i++) area += means[i] * Math.max(0, Math.min(t.bucketSeconds, end - t.t[i]));
  return area / end;
}
