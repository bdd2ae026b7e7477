// The fleet section of the scenario format: several instances of the app (server and app
// sections as written) behind a load balancer, in pods with a CPU limit, sharing the one
// database with other clients (Celery workers, cron jobs, admin sessions). schema.ts
// assembles the sections. Option names follow nginx's directives and Kubernetes' fields.
import * as z from 'zod';
import { appSchema } from './appSchema.js';
import { serverSchema } from './serverSchema.js';
import {
  count,
  positiveCountOptional,
  MAX_BACKLOG,
  MAX_CORES,
  MAX_LIST,
  MAX_PG_CONNECTIONS,
  MAX_RATE,
  MAX_WORKERS,
  positiveCount,
  positiveSeconds,
  seconds,
} from './units.js';

/**
 * nginx's CPU per proxied request, measured by calibration/fleet.sh (results/fleet-summary.txt):
 * its worker's schedstat per request through it to two gunicorn instances, over runs with
 * and without the client's keep-alive: requestCpu is the median with keep-alive,
 * connectionCpu what a new client connection adds to it (the runs: results/fleet-summary.txt;
 * the figures: docs/validation.md, "A fleet: measured, then modelled"). Both open a new upstream connection per request (nginx's default,
 * HTTP/1.0 to the upstreams).
 */
export const NGINX_MEASURED = { requestCpu: 0.000119, connectionCpu: 0.000038 } as const;

/**
 * Resident memory (MiB) of gunicorn 20.1's arbiter and of one gevent worker running the kit's
 * trivial app, and per request it holds in flight (a greenlet and the request's objects):
 * calibration/memory.sh (results/memory.txt; VmRSS idle, and with 200 requests in flight).
 * An app's own imports and data come on top: measure yours (ps -o rss).
 */
export const MEMORY_MEASURED = { arbiter: 33.4, worker: 29.9, request: 0.013 } as const;

/** Instances a fleet may have: each is a listener, an arbiter and its workers, made before the run. */
export const MAX_INSTANCES = 1000;

export const loadBalancerSchema = z.strictObject({
  policy: z.enum(['round-robin', 'least-connections', 'random', 'two-choices']).default('round-robin').meta({
    description:
      "How it picks an upstream (an instance) for each request: round-robin (nginx's default), least-connections (nginx least_conn: fewest requests in flight, ties in round-robin order), random (nginx random), two-choices (nginx random two least_conn: two at random, the one with fewer requests in flight).",
  }),
  requestCpu: seconds.default(NGINX_MEASURED.requestCpu).meta({
    description:
      "The balancer's CPU per request (read, pick, connect or reuse an upstream connection, relay the response). Default: nginx 1.22's, measured by calibration/fleet.sh.",
  }),
  connectionCpu: seconds.default(NGINX_MEASURED.connectionCpu).meta({
    description:
      "The balancer's extra CPU per new client connection (accept, close). Default: nginx 1.22's, measured by calibration/fleet.sh.",
  }),
  cores: positiveCountOptional(
    "Cores of the balancer's own host; without it, it runs on the machine (the first instances' host). At most 8192.",
    MAX_CORES,
  ),
  workerProcesses: positiveCount(
    "nginx worker_processes: how many of its host's cores it can use at once. At most 8192.",
    MAX_CORES,
  ).default(1),
  backlog: positiveCount('nginx listen ... backlog=: its accept queue (511 by default on Linux). At most 2^31 - 1.', MAX_BACKLOG).default(
    511,
  ),
  keepaliveTimeout: seconds
    .default(75)
    .meta({ description: 'nginx keepalive_timeout: an idle client connection is closed after this; 0 closes after each response.' }),
  upstreamKeepalive: count(
    "nginx keepalive in the upstream block (with proxy_http_version 1.1): idle connections to the upstreams it keeps, the least recently used closed beyond it. 0 (nginx's default): a new upstream connection per request, closed by the instance after its response. At most 1,000,000.",
    MAX_WORKERS * 100,
  ).default(0),
  maxConns: count(
    'nginx server ... max_conns=: requests in flight one upstream may have; a request finding every upstream full gets 502. 0: no limit. At most 1,000,000.',
    MAX_WORKERS * 100,
  ).default(0),
  connectTimeout: seconds.default(60).meta({
    description:
      'nginx proxy_connect_timeout: waiting for an upstream to accept (its listen queue may drop SYNs); then 504, or the next upstream.',
  }),
  readTimeout: seconds
    .default(60)
    .meta({ description: 'nginx proxy_read_timeout: waiting for the response; then 504, or the next upstream.' }),
  nextUpstream: z.boolean().default(true).meta({
    description:
      'nginx proxy_next_upstream error timeout (its default): a request whose upstream refused, reset, closed or timed out before answering goes to the next upstream, each at most once (GET is idempotent).',
  }),
  nextUpstreamTries: count(
    'nginx proxy_next_upstream_tries: attempts per request in all; 0: every upstream once. At most 10,000.',
    MAX_WORKERS,
  ).default(0),
  maxFails: count(
    'nginx server ... max_fails=: failed attempts (refused, reset, timed out) within failTimeout after which the upstream is left out for failTimeout; 0: never. Ignored with one upstream, as nginx does. At most 10,000.',
    MAX_WORKERS,
  ).default(1),
  failTimeout: seconds.default(10).meta({ description: 'nginx server ... fail_timeout=.' }),
});

export const otherClientSchema = z.strictObject({
  name: z.string().min(1).meta({ description: 'What it is, for the report: "celery", "cron", "migrations", "admin".' }),
  connections: positiveCount(
    'Connections it opens at most (Celery: its concurrency; a pool: its size). At most 262,143; the clients that hold theirs (always) open them all at the start, at most 262,143 together.',
    MAX_PG_CONNECTIONS,
  ),
  superuser: z.boolean().default(false).meta({ description: 'It connects as a superuser: it may use superuser_reserved_connections.' }),
  holds: z.enum(['always', 'perTask']).default('always').meta({
    description:
      'always: it opens its connections at the start and keeps them (a pool, an idle admin session); perTask: each task opens a connection, holds it taskTime, and closes it.',
  }),
  taskRate: z.number().positive().max(MAX_RATE).optional().meta({
    description:
      'perTask: tasks per second across its connections (Poisson arrivals); a task finding all its connections busy waits for one. At most 1,000,000 a second.',
  }),
  taskTime: positiveSeconds.optional().meta({ description: 'perTask: how long a task holds its connection.' }),
});

export const autoscalingSchema = z.strictObject({
  minReplicas: positiveCount('HPA minReplicas. At most 1000.', MAX_INSTANCES).default(1),
  maxReplicas: positiveCount(
    'HPA maxReplicas: instances it may run at most (the connection budget counts these). At most 1000.',
    MAX_INSTANCES,
  ),
  targetCPUUtilization: z.number().positive().max(1000).default(80).meta({
    description: "HPA's target: the pods' mean CPU use, in per cent of their CPU request (cpuRequest). Kubernetes' usual 80. At most 1000.",
  }),
  cpuRequest: z.number().positive().max(MAX_CORES).optional().meta({
    description:
      "Each pod's resources.requests.cpu, in cores: what utilization is measured against. Default: cpuLimit, else machine.cores. At most 8192.",
  }),
  syncPeriod: positiveSeconds.default(15).meta({
    description:
      'How often the HPA controller looks (kube-controller-manager --horizontal-pod-autoscaler-sync-period, 15 s); each look reads the CPU used since the last.',
  }),
  scaleDownStabilization: seconds.default(300).meta({
    description:
      'behavior.scaleDown.stabilizationWindowSeconds: it scales down only to the highest replica count recommended within this window (300 s by default).',
  }),
  startupTime: seconds.default(10).meta({
    description:
      'From a scale-up to the new pod receiving traffic: scheduling, pulling the image, starting the container and gunicorn, passing its readiness probe. An assumption: measure yours from the ScalingReplicaSet event to the pod Ready (kubectl get events).',
  }),
});

/** A field of another section, optional and without its default: a group states only what differs. */
function withoutDefault(field: z.ZodType): z.ZodType {
  const meta = z.globalRegistry.get(field);
  const inner = (field instanceof z.ZodDefault ? (field.unwrap() as z.ZodType) : field).optional();
  return meta === undefined ? inner : inner.meta(meta);
}

export const fleetGroupSchema = z.strictObject({
  name: z.string().min(1).meta({ description: 'What the group is, for the report: "web", "canary", "api-v2".' }),
  count: positiveCount('Instances in the group. At most 1000.', MAX_INSTANCES),
  server: z
    .strictObject(Object.fromEntries(Object.entries(serverSchema.shape).map(([k, v]) => [k, withoutDefault(v as z.ZodType)])))
    .optional()
    .meta({ description: "The group's server settings where they differ from the server section's (any of its fields)." }),
  pool: appSchema.shape.pool.meta({ description: "The group's app.pool, where it differs from the app section's." }),
  cpuLimit: z
    .number()
    .positive()
    .max(MAX_CORES)
    .optional()
    .meta({ description: "The group's cpuLimit, where it differs from the fleet's. At most 8192." }),
  memoryLimit: z
    .number()
    .positive()
    .max(1e9)
    .optional()
    .meta({ description: "The group's memoryLimit (MiB), where it differs from the fleet's. At most 1e9." }),
});

export const fleetSchema = z
  .strictObject({
    instances: positiveCount(
      `Instances of the app (pods, dynos, VMs), each with the server and app sections' settings: its own listener, arbiter, workers and per-worker pools. At most ${MAX_INSTANCES}.`,
      MAX_INSTANCES,
    ).default(2),
    instancesPerHost: positiveCount(
      'Instances packed on one host of machine.cores cores (1: each instance has a host of its own). At most 1000.',
      MAX_INSTANCES,
    ).default(1),
    cpuLimit: z.number().positive().max(MAX_CORES).optional().meta({
      description:
        'Kubernetes resources.limits.cpu of each instance, in cores (0.5 = 500m): a CFS quota of cpuLimit x cpuPeriod of CPU time per period for all its processes; a pod that used it is throttled until the next period. Needs instancesPerHost 1. Without it, no quota. At most 8192.',
    }),
    cpuPeriod: positiveSeconds
      .default(0.1)
      .meta({ description: "cpu.cfs_period_us: the quota's period (100 ms, the kernel's and Kubernetes' default)." }),
    memoryLimit: z.number().positive().max(1e9).optional().meta({
      description:
        "Kubernetes resources.limits.memory of each instance, in MiB: when its arbiter, workers and their requests in flight would use more, the OOM killer ends the largest worker (its requests' connections are reset) and the arbiter boots another after server.bootTime. Without it, no limit. At most 1e9.",
    }),
    arbiterMemory: z.number().nonnegative().max(1e9).default(MEMORY_MEASURED.arbiter).meta({
      description: "The arbiter's resident memory, MiB (default: measured by calibration/memory.sh, a trivial app). At most 1e9.",
    }),
    workerMemory: z.number().nonnegative().max(1e9).default(MEMORY_MEASURED.worker).meta({
      description:
        "Each worker's resident memory with nothing in flight, MiB (default: measured by calibration/memory.sh, a trivial app; your app's imports come on top). At most 1e9.",
    }),
    requestMemory: z.number().nonnegative().max(1e9).default(MEMORY_MEASURED.request).meta({
      description:
        'Memory each request in flight adds to its worker, MiB (default: a gevent greenlet with a trivial request, calibration/memory.sh). At most 1e9.',
    }),
    pgbouncer: z.enum(['shared', 'sidecar']).default('shared').meta({
      description:
        'With database.pgbouncer: one PgBouncer for the whole fleet (shared), or one beside each instance (sidecar), each with default_pool_size server connections.',
    }),
    down: z.array(positiveCount('An instance number, from 1. At most 1000.', MAX_INSTANCES)).max(MAX_INSTANCES).default([]).meta({
      description:
        "Instances (numbered from 1) that are down but still in the balancer's list: nothing listens at their address, so a connect to them is refused (a crashed VM, a pod whose endpoint is stale). The balancer leaves each out after maxFails refusals and tries the next upstream.",
    }),
    groups: z.array(fleetGroupSchema).min(1).max(MAX_INSTANCES).optional().meta({
      description:
        "Instances of different kinds behind the same balancer (a canary, a bigger pod size), in order: instances 1..count are the first group's, and so on; fleet.instances is then their sum. Each runs the server and app sections with the group's differences. Not with autoscaling.",
    }),
    loadBalancer: loadBalancerSchema.default(loadBalancerSchema.parse({})),
    autoscaling: autoscalingSchema.optional().meta({
      description:
        'A HorizontalPodAutoscaler on CPU: every syncPeriod it sets the replicas to ceil(ready pods x utilization / target) (unchanged within 10 %), between minReplicas and maxReplicas, adding at most max(100 %, 4 pods) per look and removing no faster than its stabilization window allows. A new pod receives traffic startupTime later; a removed one leaves the balancer at once and finishes what it holds. fleet.instances is the replicas at the start.',
    }),
    otherClients: z.array(otherClientSchema).max(MAX_LIST).default([]).meta({
      description:
        'Other clients of the same PostgreSQL: Celery workers, cron jobs, migrations, admin sessions. Their connections count against max_connections.',
    }),
  })
  .meta({
    description:
      'Several instances of the app behind a load balancer, sharing the database (docs/fleet.md). hey (or the arrivals) load the balancer; each instance runs the server and app sections as written.',
  });

export type FleetInput = z.input<typeof fleetSchema>;
