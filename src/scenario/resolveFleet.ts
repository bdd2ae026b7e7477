// The fleet section, resolved (resolve.ts calls this): the balancer's settings in µs with
// nginx's derived rules applied (max_fails is ignored with one upstream; tries default to
// every upstream once), each instance's CPU quota, and the connection budget: the most
// connections each part of the fleet may open, against what PostgreSQL grants.
import { fromSeconds, type Time } from '../engine/time.js';
import { allSteps, type AppSettings, type ArbiterSettings, effectiveWorkerClass, type ListenerSettings, resolve } from './resolve.js';
import type { Scenario } from './schema.js';

export type BalancingPolicy = 'round-robin' | 'least-connections' | 'random' | 'two-choices';

export interface BalancerSettings {
  policy: BalancingPolicy;
  requestCpu: Time;
  connectionCpu: Time;
  /** Its own host's cores; undefined: the machine. */
  cores: number | undefined;
  workerProcesses: number;
  backlog: number;
  /** 0 closes the client's connection after each response. */
  keepaliveTimeout: Time;
  upstreamKeepalive: number;
  /** 0: no limit. */
  maxConns: number;
  connectTimeout: Time;
  readTimeout: Time;
  nextUpstream: boolean;
  /** Attempts per request in all (at least 1, at most the upstreams). */
  tries: number;
  /** 0: upstreams are never left out. */
  maxFails: number;
  failTimeout: Time;
}

export interface OtherClientSettings {
  name: string;
  connections: number;
  superuser: boolean;
  holds: 'always' | 'perTask';
  /** Tasks per second (perTask). */
  taskRate: number;
  taskTime: Time;
}

/** One line of the connection budget: a part of the fleet and the most connections it may hold. */
export interface BudgetItem {
  name: string;
  max: number;
  /** How `max` is made, for the report: "4 workers x pool 10". */
  how: string;
}

export interface ConnectionBudget {
  items: BudgetItem[];
  /** Their sum. */
  max: number;
  /** max_connections - superuser_reserved_connections: what ordinary roles may hold. */
  limit: number;
  maxConnections: number;
  reserved: number;
}

export interface AutoscalingSettings {
  minReplicas: number;
  maxReplicas: number;
  /** A fraction: 0.8 for 80 %. */
  target: number;
  /** Cores per pod that utilization is measured against. */
  cpuRequest: number;
  syncPeriod: Time;
  scaleDownStabilization: Time;
  startupTime: Time;
}

/** kube-controller-manager --horizontal-pod-autoscaler-tolerance: a ratio within 10 % of 1 changes nothing. */
export const HPA_TOLERANCE = 0.1;

/** One instance's own settings: the scenario's server, listener and app, with its group's differences. */
export interface InstanceSettings {
  /** Its group's name; undefined without groups. */
  group: string | undefined;
  server: ArbiterSettings;
  listener: ListenerSettings;
  app: AppSettings;
  /** Its CFS quota; undefined: none. */
  quota: { quota: Time; period: Time } | undefined;
  /** Its memory limit and sizes (MiB); undefined: no limit. */
  memory: { limit: number; arbiter: number; worker: number; request: number } | undefined;
}

export interface FleetSettings {
  /** Instances running at the start. */
  instances: number;
  /** Instances built: the autoscaler's maxReplicas, else `instances`. */
  built: number;
  autoscaling: AutoscalingSettings | undefined;
  instancesPerHost: number;
  /** Cores of each host (machine.cores). */
  hostCores: number;
  /** Each built instance's settings, in order. */
  perInstance: InstanceSettings[];
  /** Instances (from 0) that refuse connections: down, still in the balancer's list. */
  down: number[];
  pgbouncer: 'shared' | 'sidecar';
  balancer: BalancerSettings;
  otherClients: OtherClientSettings[];
  budget: ConnectionBudget | undefined;
}

export function resolveFleet(scenario: Scenario): FleetSettings | undefined {
  const f = scenario.fleet;
  if (f === undefined) return undefined;
  const b = f.loadBalancer;
  const a = f.autoscaling;
  const upstreams = a === undefined ? f.instances : Math.max(a.maxReplicas, f.instances);
  const built = upstreams;
  return {
    instances: f.instances,
    built,
    autoscaling:
      a === undefined
        ? undefined
        : {
            minReplicas: a.minReplicas,
            maxReplicas: a.maxReplicas,
            target: a.targetCPUUtilization / 100,
            cpuRequest: a.cpuRequest ?? f.cpuLimit ?? scenario.machine.cores,
            syncPeriod: fromSeconds(a.syncPeriod),
            scaleDownStabilization: fromSeconds(a.scaleDownStabilization),
            startupTime: fromSeconds(a.startupTime),
          },
    instancesPerHost: f.instancesPerHost,
    hostCores: scenario.machine.cores,
    perInstance: instanceScenarios(scenario, built).map(({ group, scenario: one }) => {
      const r = resolve(one);
      const cpuLimit = group?.cpuLimit ?? f.cpuLimit;
      const memoryLimit = group?.memoryLimit ?? f.memoryLimit;
      return {
        group: group?.name,
        server: r.server,
        listener: r.listener,
        app: r.app,
        quota: cpuLimit === undefined ? undefined : { quota: fromSeconds(cpuLimit * f.cpuPeriod), period: fromSeconds(f.cpuPeriod) },
        memory:
          memoryLimit === undefined
            ? undefined
            : { limit: memoryLimit, arbiter: f.arbiterMemory, worker: f.workerMemory, request: f.requestMemory },
      };
    }),
    down: f.down.map((n) => n - 1),
    pgbouncer: f.pgbouncer,
    balancer: {
      policy: b.policy,
      requestCpu: fromSeconds(b.requestCpu),
      connectionCpu: fromSeconds(b.connectionCpu),
      cores: b.cores,
      workerProcesses: Math.min(b.workerProcesses, b.cores ?? scenario.machine.cores),
      backlog: b.backlog,
      keepaliveTimeout: fromSeconds(b.keepaliveTimeout),
      upstreamKeepalive: b.upstreamKeepalive,
      maxConns: b.maxConns,
      connectTimeout: fromSeconds(b.connectTimeout),
      readTimeout: fromSeconds(b.readTimeout),
      nextUpstream: b.nextUpstream,
      tries: b.nextUpstream ? (b.nextUpstreamTries === 0 ? upstreams : Math.min(b.nextUpstreamTries, upstreams)) : 1,
      // ngx_http_upstream_round_robin.c: a group of one server never marks it down.
      maxFails: upstreams === 1 ? 0 : b.maxFails,
      failTimeout: fromSeconds(b.failTimeout),
    },
    otherClients: f.otherClients.map((c) => ({
      name: c.name,
      connections: c.connections,
      superuser: c.superuser,
      holds: c.holds,
      taskRate: c.taskRate ?? 0,
      taskTime: fromSeconds(c.taskTime ?? 0),
    })),
    budget: connectionBudget(scenario),
  };
}

/**
 * The most connections each part may hold at once: an instance's per-worker pools
 * (pool_size + max_overflow each), its sidecar PgBouncer's default_pool_size, or without
 * either one per request in flight (workers x requests per worker); a shared PgBouncer
 * its default_pool_size; each other client its connections.
 */
export function connectionBudget(scenario: Scenario): ConnectionBudget | undefined {
  const d = scenario.database;
  const f = scenario.fleet;
  if (d === undefined || f === undefined) return undefined;
  const bouncer = d.pgbouncer;
  const connects = allSteps(scenario).some((st) => st.kind === 'dbConnect');
  const items: BudgetItem[] = [];
  const instance = (one: Scenario): { max: number; how: string } => {
    const s = one.server;
    const pool = one.app.pool;
    const workerClass = effectiveWorkerClass(one);
    const perWorker = workerClass === 'sync' ? 1 : workerClass === 'gthread' ? s.threads : s.workerConnections;
    if (bouncer !== undefined && f.pgbouncer === 'sidecar')
      return { max: bouncer.defaultPoolSize, how: `sidecar PgBouncer default_pool_size ${bouncer.defaultPoolSize}` };
    if (bouncer !== undefined) return { max: 0, how: 'through the shared PgBouncer' };
    if (pool !== undefined)
      return {
        max: s.workers * (pool.size + pool.maxOverflow),
        how: `${s.workers} workers x pool ${pool.size}${pool.maxOverflow > 0 ? ` + overflow ${pool.maxOverflow}` : ''}`,
      };
    return { max: connects ? s.workers * perWorker : 0, how: `${s.workers} workers x ${perWorker} requests, a connection each` };
  };
  // With an autoscaler, every replica it may run.
  const replicas = f.autoscaling === undefined ? f.instances : Math.max(f.autoscaling.maxReplicas, f.instances);
  instanceScenarios(scenario, replicas).forEach(({ group, scenario: one }, i) => {
    items.push({ name: `instance ${i + 1}${group !== undefined ? ` (${group.name})` : ''}`, ...instance(one) });
  });
  if (bouncer !== undefined && f.pgbouncer === 'shared')
    items.push({ name: 'pgbouncer', max: bouncer.defaultPoolSize, how: `default_pool_size ${bouncer.defaultPoolSize}` });
  for (const c of f.otherClients)
    items.push({ name: c.name, max: c.connections, how: `${c.connections} connections${c.superuser ? ', superuser' : ''}` });
  return {
    items,
    max: items.reduce((sum, it) => sum + it.max, 0),
    limit: d.maxConnections - d.superuserReservedConnections,
    maxConnections: d.maxConnections,
    reserved: d.superuserReservedConnections,
  };
}

type Group = NonNullable<NonNullable<Scenario['fleet']>['groups']>[number];

/**
 * Each of the first `count` instances as a scenario of its own, without the fleet: the
 * scenario's server and app with its group's differences (instances 1..count of the
 * first group, and so on); without groups, the scenario itself for every one.
 */
export function instanceScenarios(
  scenario: Scenario,
  count = scenario.fleet?.instances ?? 1,
): { group: Group | undefined; scenario: Scenario }[] {
  const { fleet, ...rest } = scenario;
  const base: Scenario = rest;
  const groups = fleet?.groups;
  if (groups === undefined) return Array.from({ length: count }, () => ({ group: undefined, scenario: base }));
  const out: { group: Group | undefined; scenario: Scenario }[] = [];
  for (const g of groups) {
    const one: Scenario = {
      ...base,
      server: { ...base.server, ...(g.server as Partial<Scenario['server']>) },
      app: g.pool !== undefined ? { ...base.app, pool: g.pool as Scenario['app']['pool'] } : base.app,
    };
    for (let i = 0; i < g.count && out.length < count; i++) out.push({ group: g, scenario: one });
  }
  return out;
}
