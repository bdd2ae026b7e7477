// What a fleet's run leaves, per part: each instance, the balancer and its upstreams, the
// database's other clients, and the connection budget with the peaks actually reached.
import type { Time } from '../../engine/time.js';
import { QuotaCpu } from '../../engine/cpu/quota.js';
import type { BudgetItem } from '../../scenario/resolveFleet.js';
import type { Postgres } from '../database/postgres.js';
import type { BalancerCounts } from './loadBalancer.js';
import type { Fleet } from './wireFleet.js';
import { workersShape, type WorkersShape } from '../server/workersShape.js';

export interface InstanceResult extends WorkersShape {
  /** Its group's name; null without groups. */
  group: string | null;
  /** Its CPU limit in cores (its CFS quota per period); null without one. */
  cpuLimit: number | null;
  /** Requests its workers started, and how many of them raised (500s), by exception. */
  requests: number;
  exceptions: Record<string, number>;
  kills: number;
  /** Workers the OOM killer ended (a memory limit), and the most memory the instance used (MiB; null without a limit). */
  oomKills: number;
  memoryPeak: number | null;
  restarts: number;
  backlogPeak: number;
  synDrops: number;
  /** Its workers' CPU (µs). */
  cpu: Time;
  /** Under a CPU limit: periods it was throttled in, and time spent throttled (µs). */
  throttled: { periods: number; time: Time } | null;
}

export interface BudgetResult {
  items: (BudgetItem & { peak: number })[];
  /** The most connections all parts may hold together, what ordinary roles may hold (max_connections - reserved), and the most PostgreSQL held. */
  max: number;
  limit: number;
  maxConnections: number;
  reserved: number;
  /** PostgreSQL's most connections at once, all clients together. */
  peak: number;
}

export interface FleetResult {
  instances: InstanceResult[];
  balancer: BalancerCounts & {
    policy: string;
    requests: number;
    peakConnections: number;
    /** Its CPU (µs). */
    cpu: Time;
    upstreams: { attempts: number; failures: number; responses: number; peakActive: number }[];
  };
  otherClients: { name: string; connections: number; peak: number; opened: number; refused: number; tasks: number }[];
  budget: BudgetResult | null;
  /** The autoscaler's decisions, in order (empty without one). */
  scaleEvents: { at: Time; from: number; to: number; utilization: number }[];
}

export function collectFleet(fleet: Fleet, postgres: Postgres | undefined): FleetResult {
  const b = fleet.balancer;
  const budget = fleet.settings.budget;
  // The budget lists every built instance first, in order, then PgBouncer and the other clients.
  const peakOf = (name: string, i: number): number => {
    const inst = fleet.instances[i];
    if (inst !== undefined) return inst.counted?.peak ?? 0;
    if (name === 'pgbouncer') return fleet.sharedBouncer?.counted.peak ?? 0;
    return fleet.otherClients.find((c) => c.settings.name === name)?.peak ?? 0;
  };
  return {
    instances: fleet.instances.map((inst) => ({
      ...ownSettings(fleet, inst.index),
      requests: inst.arbiter.servedByWorker().reduce((a, n) => a + n, 0),
      exceptions: Object.fromEntries([...inst.app.exceptionsRaised()].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))),
      kills: inst.arbiter.kills,
      oomKills: inst.arbiter.oomKills,
      memoryPeak: inst.memory?.peak ?? null,
      restarts: inst.arbiter.restarts,
      backlogPeak: inst.listener.peakQueue,
      synDrops: inst.listener.synDrops,
      cpu: inst.app.cpuUsed,
      throttled: inst.cpu instanceof QuotaCpu ? { periods: inst.cpu.nrThrottled, time: inst.cpu.throttledUntilNow() } : null,
    })),
    balancer: {
      policy: fleet.settings.balancer.policy,
      requests: b.requests,
      peakConnections: b.peakConnections,
      ...b.counts,
      cpu: b.process.used,
      upstreams: b.upstreams.map((u) => ({ attempts: u.attempts, failures: u.failures, responses: u.responses, peakActive: u.peakActive })),
    },
    otherClients: fleet.otherClients.map((c) => ({
      name: c.settings.name,
      connections: c.settings.connections,
      peak: c.peak,
      opened: c.opened,
      refused: c.refused,
      tasks: c.tasks,
    })),
    scaleEvents: fleet.autoscaler?.events ?? [],
    budget:
      budget === undefined
        ? null
        : {
            items: budget.items.map((it, i) => ({ ...it, peak: peakOf(it.name, i) })),
            max: budget.max,
            limit: budget.limit,
            maxConnections: budget.maxConnections,
            reserved: budget.reserved,
            peak: postgres?.peakOpen ?? 0,
          },
  };
}

function ownSettings(fleet: Fleet, i: number): WorkersShape & Pick<InstanceResult, 'group' | 'cpuLimit'> {
  const own = fleet.settings.perInstance[i];
  return {
    group: own.group ?? null,
    ...workersShape(own.server),
    cpuLimit: own.quota === undefined ? null : own.quota.quota / own.quota.period,
  };
}
