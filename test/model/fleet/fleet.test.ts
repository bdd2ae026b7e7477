// A fleet as a whole: instances behind the balancer, their pods' limits, the database's
// other clients and the connection budget, each figure derived by hand.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findViolations } from '../../../src/check/invariants.js';
import { simulate } from '../../../src/model/system.js';
import { heyText } from '../../../src/report/heyText.js';
import { summarize } from '../../../src/report/summary.js';
import { validateScenario } from '../../../src/scenario/load.js';
import { connectionBudget } from '../../../src/scenario/resolveFleet.js';
import { scenario } from '../../helpers.js';

/** A balancer that costs nothing and adds no time: the figures are the instances'. */
const freeBalancer = { requestCpu: 0, connectionCpu: 0 };

describe('a fleet', () => {
  it('spreads requests round-robin: 400 requests over 4 instances, 100 each', () => {
    const s = scenario({
      client: { requests: 400, concurrency: 4 },
      app: { steps: [{ kind: 'sleep', time: 0.01 }] },
      database: undefined,
      fleet: { instances: 4, loadBalancer: freeBalancer },
    });
    delete (s as any).database;
    const f = simulate(s).fleet!;
    expect(f.instances.map((i) => i.requests)).toEqual([100, 100, 100, 100]);
    expect(f.balancer.upstreams.map((u) => u.responses)).toEqual([100, 100, 100, 100]);
  });

  it('with least-connections, sends fewer requests to an instance that answers slower', () => {
    // Three instances, one gevent worker each, requests of 10 ms of CPU; instances 1 and 2
    // share a host of one core, 3 has one to itself: 1 and 2 answer at half its speed, so they
    // hold more requests in flight, and least-connections sends them fewer.
    const s = scenario({
      client: { requests: 600, concurrency: 6 },
      machine: { cores: 1 },
      app: { steps: [{ kind: 'cpu', time: 0.01 }] },
      fleet: { instances: 3, instancesPerHost: 2, loadBalancer: { ...freeBalancer, policy: 'least-connections', cores: 1 } },
    });
    delete (s as any).database;
    const [a, b, c] = simulate(s).fleet!.instances.map((i) => i.requests);
    // Two cores' worth of work, one of them instance 3's: it serves half (within one round of 6).
    expect(a + b + c).toBe(600);
    expect(Math.abs(c - 300)).toBeLessThanOrEqual(6);
    expect(Math.abs(a - b)).toBeLessThanOrEqual(6);
    const rr = simulate({ ...s, fleet: { ...s.fleet!, loadBalancer: { ...s.fleet!.loadBalancer, policy: 'round-robin' } } }).fleet!;
    expect(rr.instances.map((i) => i.requests)).toEqual([200, 200, 200]);
  });

  it('OOM-kills the largest worker when a request takes the pod past its memory limit, and the arbiter boots another', () => {
    // Arbiter 10 MiB + one worker 10 MiB + 1 MiB per request: 22 MiB holds 2 requests, the
    // 3rd takes it to 23. hey -n 6 -c 3: the first three arrive at once; when the third
    // starts the worker is killed, its 3 requests lose their connection, and with one
    // instance the balancer has no other upstream: 502. hey sends 3 more; they wait in the
    // instance's listen queue (its arbiter holds the socket) until the new worker boots,
    // 0.5 s later, and kill it the same way.
    const s = scenario({
      client: { requests: 6, concurrency: 3 },
      server: { bootTime: 0.5 },
      app: { steps: [{ kind: 'sleep', time: 1 }] },
      fleet: { instances: 1, memoryLimit: 22, arbiterMemory: 10, workerMemory: 10, requestMemory: 1, loadBalancer: freeBalancer },
    });
    delete (s as any).database;
    const r = simulate(s);
    const sum = summarize(r, 'oom', 1);
    expect(sum.statusCodes).toEqual({ '502': 6 });
    expect(sum.summary.total).toBeCloseTo(0.5, 3);
    expect(r.fleet!.instances[0]).toMatchObject({ oomKills: 2, memoryPeak: 23 });
    // With 1 MiB more it holds all three: every request answered after its second.
    const roomy = simulate({ ...s, fleet: { ...s.fleet!, memoryLimit: 23 } });
    expect(summarize(roomy, 'oom', 1).statusCodes).toEqual({ '200': 6 });
    expect(roomy.fleet!.instances[0].oomKills).toBe(0);
  });

  it("reports a sidecar PgBouncer's peak of clients as the most any one held, as its limit is each one's", () => {
    // Two instances, each with a sidecar that admits one client, each sent one request at
    // once: each sidecar peaks at 1. The peaks were summed (2), against max_client_conn 1,
    // and the invariants took it for a sidecar over its limit. Found by the property tests.
    const s = scenario({
      client: { requests: 2, concurrency: 2 },
      app: { steps: [{ kind: 'dbConnect' }, { kind: 'dbQuery', time: 0.01 }, { kind: 'dbClose' }] },
      database: { pgbouncer: { maxClientConn: 1 } },
      fleet: { instances: 2, pgbouncer: 'sidecar', loadBalancer: freeBalancer },
    });
    const result = simulate(s);
    expect(result.fleet!.instances.map((i) => i.requests)).toEqual([1, 1]);
    expect(result.database!.pgbouncer!.peakClients).toBe(1);
    expect(findViolations(result)).toEqual([]);
  });

  it('adds up the connection budget: 4 instances x 4 workers x pool 10 + celery 8 = 168 > 97', () => {
    const s = scenario({
      server: { workers: 4, workerConnections: 100 },
      app: { pool: { size: 10, maxOverflow: 0 } },
      database: { maxConnections: 100, superuserReservedConnections: 3, superuser: false },
      fleet: { instances: 4, otherClients: [{ name: 'celery', connections: 8 }] },
    });
    const b = connectionBudget(s)!;
    expect(b.items.map((it) => [it.name, it.max])).toEqual([
      ['instance 1', 40],
      ['instance 2', 40],
      ['instance 3', 40],
      ['instance 4', 40],
      ['celery', 8],
    ]);
    expect([b.max, b.limit]).toEqual([168, 97]);
    // max_overflow counts: pool_size + max_overflow per worker.
    expect(connectionBudget({ ...s, app: { ...s.app, pool: { size: 10, maxOverflow: 5, timeout: 30, prePing: false } } })!.max).toBe(
      4 * 4 * 15 + 8,
    );
    // Without a pool, each request in flight may hold one: 4 workers x 100 greenlets per instance.
    expect(connectionBudget({ ...s, app: { ...s.app, pool: undefined } })!.max).toBe(4 * 400 + 8);
    // Behind one shared PgBouncer, its default_pool_size; with a sidecar each, one per instance.
    const bouncer = {
      poolMode: 'transaction' as const,
      defaultPoolSize: 20,
      maxClientConn: 1000,
      loginTime: 0,
      loginCpu: 0,
      queryCpu: 0,
      serverCpu: 0,
      queryWaitTimeout: 120,
    };
    expect(connectionBudget({ ...s, database: { ...s.database!, pgbouncer: bouncer } })!.max).toBe(20 + 8);
    expect(
      connectionBudget({ ...s, database: { ...s.database!, pgbouncer: bouncer }, fleet: { ...s.fleet!, pgbouncer: 'sidecar' } })!.max,
    ).toBe(4 * 20 + 8);
  });

  it('lets other clients take slots first: celery holding 8 leaves the app 89 of 97', () => {
    const s = scenario({
      client: { requests: 100, concurrency: 100 },
      database: { maxConnections: 100, superuserReservedConnections: 3, superuser: false, forkTime: 0, backendStartTime: 0 },
      fleet: { instances: 2, otherClients: [{ name: 'celery', connections: 8 }], loadBalancer: freeBalancer },
    });
    const r = simulate(s);
    const f = summarize(r, 'celery', 1);
    expect(r.fleet!.otherClients[0]).toMatchObject({ peak: 8, refused: 0 });
    // Each request opens its own connection and holds it 1 s: 89 get one, 11 are refused.
    expect(f.statusCodes).toEqual({ '200': 89, '500': 11 });
    // PostgreSQL's peak: the 97 granted, and one more slot taken by a backend that InitPostgres
    // then refuses (an ordinary role finding only the reserved slots free).
    expect(f.fleet!.budget).toMatchObject({ max: 2 * 1000 + 8, limit: 97, peak: 98 });
  });
});

describe('scenarios/fleet-4x4-gevent-pool10.json', () => {
  const raw = JSON.parse(readFileSync('scenarios/fleet-4x4-gevent-pool10.json', 'utf8'));
  const s = validateScenario(raw, 'fleet-4x4-gevent-pool10.json');
  const sum = summarize(simulate(s, { timeSeries: false }), 'fleet', s.seed);

  it("reports the budget, 168 > 97, with PostgreSQL's peak", () => {
    expect(sum.fleet!.budget).toMatchObject({ max: 168, limit: 97, maxConnections: 100, reserved: 3 });
    expect(sum.fleet!.budget!.peak).toBeGreaterThanOrEqual(97);
    expect(sum.simulation.warnings[0]).toContain('168 connections');
    expect(sum.fleet!.instances).toHaveLength(4);
  });

  it('gets 500s under -c 400, refused by PostgreSQL past the 97 slots an ordinary role may hold', () => {
    expect(sum.statusCodes['500']).toBeGreaterThan(0);
    const refused = Object.entries(sum.simulation.exceptions)
      .filter(([e]) => e.includes('remaining connection slots are reserved') || e.includes('too many clients'))
      .reduce((a, [, n]) => a + n, 0);
    expect(refused).toBeGreaterThan(0);
    expect(refused).toBeLessThanOrEqual(sum.statusCodes['500']);
  });
});

describe('scenarios/fleet-cpu-quota.json', () => {
  const raw = JSON.parse(readFileSync('scenarios/fleet-cpu-quota.json', 'utf8'));
  const limited = validateScenario(raw, 'fleet-cpu-quota.json');
  const free = structuredClone(limited);
  delete free.fleet!.cpuLimit;
  const a = summarize(simulate(limited, { timeSeries: false }), 'limited', 1);
  const b = summarize(simulate(free, { timeSeries: false }), 'free', 1);

  it('has a p99 at least one CFS period (100 ms) longer under a 1-core limit than without', () => {
    expect(a.latency.p99! - b.latency.p99!).toBeGreaterThanOrEqual(0.1);
  });

  it('says how long the pod was throttled', () => {
    expect(a.fleet!.instances[0].throttled!.seconds).toBeGreaterThan(1);
    expect(b.fleet!.instances[0].throttled).toBeNull();
  });
});

describe('scenarios/fleet-autoscaling.json', () => {
  const s = validateScenario(JSON.parse(readFileSync('scenarios/fleet-autoscaling.json', 'utf8')), 'fleet-autoscaling.json');
  const r = simulate(s);
  const sum = summarize(r, 'autoscaling', 1);

  it('adds pods after the rate step, none before it', () => {
    const events = sum.fleet!.scaleEvents;
    expect(events.length).toBeGreaterThan(0);
    expect(events[0].at).toBeGreaterThan(60);
    expect(events.every((e) => e.to > e.from)).toBe(true);
    // The first look after the step (75 s) finds the 2 pods saturated.
    expect(events[0]).toMatchObject({ at: 75, from: 2 });
  });

  it('puts the ready replicas on the timeline: 2 until the first new pods are ready, 30 s after the decision', () => {
    const t = r.timeline;
    const at = (sec: number) => t.peak.replicas[t.t.findIndex((b, i) => b <= sec && (t.t[i + 1] ?? Infinity) > sec)];
    expect(at(50)).toBe(2);
    expect(at(100)).toBe(2);
    expect(at(110)).toBe(sum.fleet!.scaleEvents[0].to);
  });
});

describe('workers sized from the node under a CPU limit', () => {
  it("warns that 2 x cores + 1 counted the node's cores, not the quota", () => {
    const raw = JSON.parse(readFileSync('scenarios/fleet-cpu-quota.json', 'utf8'));
    const sum = summarize(simulate(validateScenario(raw, 'fleet-cpu-quota.json'), { timeSeries: false }), 'q', 1);
    expect(sum.simulation.warnings).toContain(
      "9 workers share a CPU limit of 1 core: 2 x cores + 1 from the limit would be 3 (nproc and os.cpu_count() in a pod show the node's cores, not its quota)",
    );
  });
});

describe('groups of instances', () => {
  const s = scenario({
    client: { requests: 300, concurrency: 3 },
    server: { workers: 2, workerConnections: 100 },
    app: { pool: { size: 5, maxOverflow: 0 } },
    database: { maxConnections: 100, superuser: false },
    fleet: {
      groups: [
        { name: 'web', count: 2 },
        { name: 'canary', count: 1, server: { workers: 4 }, pool: { size: 2, maxOverflow: 1, timeout: 30 } },
      ],
      loadBalancer: freeBalancer,
    },
  });

  it("makes fleet.instances the groups together, each instance with its group's differences", () => {
    expect(s.fleet!.instances).toBe(3);
    const b = connectionBudget(s)!;
    // web: 2 workers x pool 5 = 10 each; canary: 4 workers x (2 + 1) = 12.
    expect(b.items.map((it) => [it.name, it.max])).toEqual([
      ['instance 1 (web)', 10],
      ['instance 2 (web)', 10],
      ['instance 3 (canary)', 12],
    ]);
    expect(b.max).toBe(32);
  });

  it('runs each instance with its own workers, and the balancer spreads requests over all three', () => {
    const sum = summarize(simulate(s, { timeSeries: false }), 'groups', 1);
    expect(sum.fleet!.instances.map((i) => [i.group, i.workers, i.requests])).toEqual([
      ['web', 2, 100],
      ['web', 2, 100],
      ['canary', 4, 100],
    ]);
    expect(sum.simulation.server.servedByWorker).toHaveLength(2 + 2 + 4);
  });

  // Hardening 6: the Pool: line gave the largest group's, 5 + 0, as every worker's.
  it("gives each group's pool where they differ, the largest's as size and maxOverflow", () => {
    const sum = summarize(simulate(s, { timeSeries: false }), 'groups', 1);
    expect(sum.simulation.database!.pool).toMatchObject({
      size: 5,
      maxOverflow: 0,
      groups: [
        { name: 'web', size: 5, maxOverflow: 0 },
        { name: 'canary', size: 2, maxOverflow: 1 },
      ],
    });
    expect(heyText(sum)).toMatch(/ {2}Pool:\t\tper worker by group web 5 \+ 0 overflow, canary 2 \+ 1 overflow, peak \d+, 0 timed out/);
  });

  it('refuses a fleet.instances that is not the groups together, and autoscaling with groups', () => {
    expect(() => scenario({ fleet: { instances: 5, groups: [{ name: 'web', count: 2 }] } })).toThrow(
      "expected fleet.instances to be the groups' counts together (2) or left out, got 5",
    );
    expect(() => scenario({ fleet: { groups: [{ name: 'web', count: 2 }], autoscaling: { maxReplicas: 4 } } })).toThrow(
      'expected no autoscaling with groups',
    );
  });
});
