// A fleet's part of the report: per instance, the balancer and what it answered itself,
// the database's other clients, and the connection budget (the most connections each part
// may open, their sum against max_connections - superuser_reserved_connections, and the
// peaks reached). JSON in seconds (summary.ts's `fleet`), and the text under "Simulation:".
import { toSeconds } from '../engine/time.js';
import type { BudgetResult, FleetResult } from '../model/fleet/fleetResult.js';
import type { BalancerCounts } from '../model/fleet/loadBalancer.js';
import { workersOf, type WorkersShape } from '../model/server/workersShape.js';
import { workersPhrase } from './workersPhrase.js';

export interface FleetSummary {
  instances: (WorkersShape & {
    /** Its group's name (fleet.groups); null without groups. */
    group: string | null;
    /** Its CPU limit, cores; null without one. */
    cpuLimit: number | null;
    requests: number;
    /** Requests whose handler raised (500s), by exception: who refused them. */
    exceptions: Record<string, number>;
    kills: number;
    /** Workers the OOM killer ended, and the most memory the instance used (MiB; null without a memory limit). */
    oomKills: number;
    memoryPeak: number | null;
    restarts: number;
    backlog: { peak: number; synDrops: number };
    /** CPU seconds of its workers. */
    cpu: number;
    /** Under a CPU limit: periods throttled (cpu.stat nr_throttled) and seconds throttled (throttled_time). */
    throttled: { periods: number; seconds: number } | null;
  })[];
  /** What it answered itself (502, 504) and its retries, as the balancer counted them. */
  balancer: BalancerCounts & {
    policy: string;
    requests: number;
    peakConnections: number;
    /** CPU seconds. */
    cpu: number;
    upstreams: FleetResult['balancer']['upstreams'];
  };
  otherClients: FleetResult['otherClients'];
  /** The autoscaler's decisions: when (s), replicas before and after, the mean CPU utilization it read (of the pods' request). */
  scaleEvents: { at: number; from: number; to: number; utilization: number }[];
  /** null without a database. */
  budget: BudgetResult | null;
}

export function fleetSummary(f: FleetResult): FleetSummary {
  return {
    instances: f.instances.map((i) => ({
      group: i.group,
      ...workersOf(i),
      cpuLimit: i.cpuLimit,
      requests: i.requests,
      exceptions: i.exceptions,
      kills: i.kills,
      oomKills: i.oomKills,
      memoryPeak: i.memoryPeak,
      restarts: i.restarts,
      backlog: { peak: i.backlogPeak, synDrops: i.synDrops },
      cpu: toSeconds(i.cpu),
      throttled: i.throttled === null ? null : { periods: i.throttled.periods, seconds: toSeconds(i.throttled.time) },
    })),
    balancer: { ...f.balancer, cpu: toSeconds(f.balancer.cpu) },
    otherClients: f.otherClients,
    scaleEvents: f.scaleEvents.map((e) => ({ ...e, at: toSeconds(e.at) })),
    budget: f.budget,
  };
}

/** The budget's warning, when the parts together may open more than PostgreSQL grants. */
export function budgetWarning(f: FleetSummary): string | undefined {
  const b = f.budget;
  if (b === null || b.max <= b.limit) return undefined;
  return `the fleet may open ${b.max} connections (${budgetSum(b)}), more than the ${b.limit} PostgreSQL grants ordinary roles (max_connections ${b.maxConnections} - ${b.reserved} reserved): the rest are refused`;
}

/**
 * Workers sized from the node's cores under a CPU limit: nproc and os.cpu_count() show the
 * node's cores, not the quota, so gunicorn's `2 x cores + 1` counts the wrong ones.
 */
export function workersWarning(f: FleetSummary): string | undefined {
  for (const i of f.instances) {
    if (i.cpuLimit === null) continue;
    const fromLimit = 2 * Math.max(1, Math.ceil(i.cpuLimit)) + 1;
    if (i.workers <= fromLimit) continue;
    return `${i.workers} workers share a CPU limit of ${i.cpuLimit} core${i.cpuLimit === 1 ? '' : 's'}: 2 x cores + 1 from the limit would be ${fromLimit} (nproc and os.cpu_count() in a pod show the node's cores, not its quota)`;
  }
  return undefined;
}

function budgetSum(b: NonNullable<FleetSummary['budget']>): string {
  // Identical instances are written once: "4 x 40".
  const parts: string[] = [];
  for (let i = 0; i < b.items.length; ) {
    let j = i;
    while (
      j < b.items.length &&
      b.items[j].name.startsWith('instance ') &&
      b.items[i].name.startsWith('instance ') &&
      b.items[j].max === b.items[i].max
    )
      j++;
    if (j - i > 1) {
      parts.push(`${j - i} instances x ${b.items[i].max} (${b.items[i].how})`);
      i = j;
    } else {
      parts.push(`${b.items[i].name} ${b.items[i].max}`);
      i++;
    }
  }
  return parts.join(' + ');
}

/** The fleet's servers in one phrase: "4 instances, each 4 gevent workers x 100 worker_connections", or by group. */
export function fleetServers(f: FleetSummary): string {
  const first = f.instances[0];
  if (f.instances.every((i) => i.group === null)) return `${f.instances.length} instances, each ${workersPhrase(first)}`;
  const parts: string[] = [];
  for (let i = 0; i < f.instances.length; ) {
    let j = i;
    while (j < f.instances.length && f.instances[j].group === f.instances[i].group) j++;
    parts.push(`${j - i} ${f.instances[i].group} of ${workersPhrase(f.instances[i])}`);
    i = j;
  }
  return `${f.instances.length} instances: ${parts.join(', ')}`;
}

export function fleetText(f: FleetSummary): string[] {
  const out: string[] = [];
  const lb = f.balancer;
  const answered = [
    lb.noLiveUpstreams > 0 ? `${lb.noLiveUpstreams} x 502 no live upstreams` : '',
    lb.badGateway > 0 ? `${lb.badGateway} x 502 upstream refused or closed` : '',
    lb.gatewayTimeout > 0 ? `${lb.gatewayTimeout} x 504 upstream timed out` : '',
  ].filter((x) => x !== '');
  out.push(
    `  Balancer:\t${lb.policy}, ${lb.requests} requests, ${lb.retries} retried on another upstream, ${lb.upstreamConnects} upstream connections opened, ${lb.upstreamReuses} reused` +
      (answered.length > 0 ? `; answered itself: ${answered.join(', ')}` : ''),
  );
  f.instances.forEach((inst, i) => {
    const u = lb.upstreams[i];
    const raised = Object.entries(inst.exceptions);
    const errors = raised.reduce((a, [, n]) => a + n, 0);
    out.push(
      `  Instance ${i + 1}${inst.group !== null ? ` (${inst.group})` : ''}:\t${inst.requests} requests (${u.responses} answered, ${u.failures} failed attempts), ${errors} raised` +
        (inst.kills > 0 ? `, ${inst.kills} workers killed (WORKER TIMEOUT)` : '') +
        (inst.oomKills > 0 ? `, ${inst.oomKills} workers OOM-killed` : '') +
        (inst.memoryPeak !== null ? `, memory peak ${inst.memoryPeak.toFixed(0)} MiB` : '') +
        (inst.backlog.synDrops > 0 ? `, ${inst.backlog.synDrops} SYNs dropped` : '') +
        (inst.throttled !== null
          ? `, throttled ${inst.throttled.seconds.toFixed(3)} s in ${inst.throttled.periods} periods (CPU limit)`
          : ''),
    );
    for (const [e, n] of raised) out.push(`    [${n}]\t${e}`);
  });
  for (const c of f.otherClients) {
    out.push(
      `  ${c.name}:\t${c.connections} connections, peak ${c.peak} held, ${c.opened} opened, ${c.refused} refused by PostgreSQL` +
        (c.tasks > 0 ? `, ${c.tasks} tasks` : ''),
    );
  }
  for (const e of f.scaleEvents)
    out.push(
      `  Autoscaler:\tat ${e.at.toFixed(1)} s, ${e.from} -> ${e.to} replicas (CPU ${(100 * e.utilization).toFixed(0)} % of request)`,
    );
  const b = f.budget;
  if (b !== null) {
    out.push(
      `  Budget:\t${budgetSum(b)} = ${b.max} connections at most, ${b.max > b.limit ? '>' : '<='} ${b.limit} (max_connections ${b.maxConnections} - ${b.reserved} reserved); peak reached ${b.peak}`,
    );
    out.push(`    peaks:\t${b.items.map((it) => `${it.name} ${it.peak}/${it.max}`).join(', ')}`);
  }
  return out;
}
