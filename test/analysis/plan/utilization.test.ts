// The utilization law U = X D / c for cores, checked against an M/M/c queue solved by hand.
//
// Poisson arrivals at λ = 60/s; the handler is one CPU step of exponential time, mean
// 40 ms (μ = 25/s), on c = 3 cores served first come, first served (machine.scheduler
// fifo); 20 sync workers, so a request never waits for a worker, only for a core: the
// cores are an M/M/3 queue. Offered load a = λ/μ = 2.4 cores, so each core is busy
// ρ = a / c = 0.8 of the time (Erlang C: Wq = 43.15 ms, W = 83.15 ms). The demand per
// request is its CPU work, 40 ms, not its time on the CPU or waiting for a core (83 ms):
// counted that way the law would say 60 x 0.083 / 3 = 166 %.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runSweep } from '../../../src/analysis/sweep/sweep.js';
import { parseVary } from '../../../src/analysis/sweep/vary.js';
import { utilization } from '../../../src/analysis/plan/utilization.js';
import { mmc } from '../../../src/analysis/theory/erlang.js';
import { validateScenario } from '../../../src/scenario/load.js';
import { simulate } from '../../../src/model/system.js';
import { summarize } from '../../../src/report/summary.js';
import { withoutCosts } from '../../helpers.js';

const LAMBDA = 60;
const MEAN_CPU = 0.04;

function mmcCores(cores: number, changes: object = {}) {
  return {
    client: { arrivals: { process: 'poisson', rate: LAMBDA }, requests: 10000, timeout: 0 },
    machine: { cores, scheduler: 'fifo', somaxconn: 100000 },
    server: { workerClass: 'sync', workers: 20, backlog: 100000 },
    app: { steps: [{ kind: 'cpu', time: { dist: 'exponential', mean: MEAN_CPU } }] },
    ...changes,
  };
}

function runRaw(raw: object) {
  const s = validateScenario(withoutCosts({ description: 't', ...raw }), 't');
  const result = simulate(s);
  const summary = summarize(result, 't', s.seed);
  return { uses: utilization(s, result, summary), summary };
}

describe('the utilization law for cores', () => {
  it('gives ρ = λ / (c μ) of an M/M/3 queue solved by hand (0.8), not the residence on the CPU', () => {
    const { uses, summary } = runRaw(mmcCores(3));
    const cores = uses.find((u) => u.resource === 'cores')!;
    const rho = LAMBDA / (3 * (1 / MEAN_CPU));
    expect(rho).toBeCloseTo(0.8, 12);
    expect(mmc(LAMBDA, 1 / MEAN_CPU, 3)!.rho).toBeCloseTo(rho, 12);
    // 10,000 exponential demands: their mean is within 3 % of 40 ms (about 3 standard errors),
    // and so is the arrival rate.
    expect(cores.law!).toBeGreaterThan(rho * 0.95);
    expect(cores.law!).toBeLessThan(rho * 1.05);
    // The law equals the CPU work done over the cores' time, which is what the report's "CPU used" line sums.
    expect(cores.law!).toBeCloseTo(summary.simulation.cpu.workers / (summary.summary.total * 3), 12);
    // Requests did spend about W = 83 ms on the CPU or waiting for a core: the old demand.
    expect(summary.breakdown.cpu).toBeGreaterThan(0.07);
  });

  it('counts each host apart: the database on its own cores, the client on its own', () => {
    const { uses, summary } = runRaw({
      client: { requests: 200, concurrency: 10, timeout: 0, requestCpu: '1ms', cores: 2 },
      machine: { cores: 4 },
      server: { workerClass: 'sync', workers: 10 },
      app: { steps: [{ kind: 'cpu', time: '2ms' }, { kind: 'dbConnect' }, { kind: 'dbQuery', time: 0, cpu: '3ms' }, { kind: 'dbClose' }] },
      database: { superuser: true, cores: 1 },
    });
    const law = (name: string) => uses.find((u) => u.resource === name)!.law!;
    const t = summary.summary.total;
    // 200 requests: 2 ms each on the app's 4 cores, 3 ms each of query on the database's 1, 1 ms each of hey on the client's 2.
    expect(law('cores')).toBeCloseTo((200 * 0.002) / (t * 4), 9);
    expect(law('database cores')).toBeCloseTo((200 * 0.003) / (t * 1), 9);
    expect(law('client cores')).toBeCloseTo((200 * 0.001) / (t * 2), 9);
    // The database's cores are the busiest: 3 ms a request on one core.
    expect(law('database cores')).toBeGreaterThan(law('cores'));
  });

  it('never exceeds 100 % in a sweep over workers on an 8-core host', async () => {
    // CPU-bound: 10 ms of CPU a request, 200 clients, 1..32 gevent workers on 8 cores.
    const raw = withoutCosts({
      description: 'CPU-bound',
      client: { requests: 2000, concurrency: 200, timeout: 0 },
      machine: { cores: 8 },
      server: { workerClass: 'gevent', workers: 1, workerConnections: 100 },
      app: {
        steps: [
          { kind: 'cpu', time: { dist: 'exponential', mean: '10ms' } },
          { kind: 'sleep', time: '5ms' },
        ],
      },
    });
    const def = {
      name: 't',
      source: 't.json',
      raw,
      base: validateScenario(raw, 't'),
      axes: [parseVary('server.workers=1,2,4,8,16,32')],
      replications: 1,
    };
    const out = await runSweep(def, { jobs: 1 });
    let highest = 0;
    for (const p of out.points) {
      for (const u of p.utilization) if (u.law !== undefined) expect(u.law.mean).toBeLessThanOrEqual(1 + 1e-9);
      const cores = p.utilization.find((u) => u.resource === 'cores')!;
      highest = Math.max(highest, cores.law!.mean);
      expect(p.busiest!.utilization).toBeLessThanOrEqual(1 + 1e-9);
    }
    // With 8 workers or more the cores are the limit: close to fully used.
    expect(highest).toBeGreaterThan(0.9);
  });

  it("leaves out the start-up before the client started: uvicorn's boot and its pools' connects are not demand per request", () => {
    // scenarios/uvicorn-boot-storm.json: 16 UvicornWorkers import the app and open their
    // asyncpg pools before hey starts; a short run. Counted with the start-up, the cores
    // read 1,098 % at -c 10 (the workers' boot) and 159 % with the boot left out but the
    // pools' connects in.
    const uvicornBootStorm = JSON.parse(readFileSync(new URL('../../../scenarios/uvicorn-boot-storm.json', import.meta.url), 'utf8'));
    const { uses, summary } = runRaw(uvicornBootStorm);
    const cores = uses.find((u) => u.resource === 'cores')!;
    expect(summary.simulation.server.startup!.duration).toBeGreaterThan(0);
    expect(cores.law!).toBeLessThanOrEqual(1 + 1e-9);
    expect(cores.law!).toBeGreaterThan(0.5);
  });

  it("counts what a request holds for a stretch of its steps: an http step's limit, the app's pools, PgBouncer's server connections", () => {
    // 20/s arrive; an http call of 100 ms against a limit of 4: U = 20 x 0.1 / 4 = 0.5.
    const http = runRaw({
      client: { arrivals: { process: 'constant', rate: 20 }, requests: 200, timeout: 0 },
      server: { workerClass: 'gevent', workers: 1, workerConnections: 100 },
      app: { steps: [{ kind: 'http', time: '100ms', limit: 4 }] },
    });
    const limit = http.uses.find((u) => u.resource === 'http limit (step 1)')!;
    expect(limit.capacity).toBe(4);
    expect(limit.law!).toBeCloseTo(0.5, 2);
    // Pools of 1 + 1 in 2 workers hold a connection through a 50 ms query and a 10 ms CPU step: U = 20 x 0.06 / 4 = 0.3.
    // PgBouncer in transaction mode holds a server connection for the query only: 20 x 0.05 / 5 = 0.2.
    const pooled = runRaw({
      client: { arrivals: { process: 'constant', rate: 20 }, requests: 200, timeout: 0 },
      server: { workerClass: 'gevent', workers: 2, workerConnections: 100 },
      app: {
        pool: { size: 1, maxOverflow: 1 },
        steps: [{ kind: 'dbConnect', cpu: 0 }, { kind: 'dbQuery', time: '50ms' }, { kind: 'cpu', time: '10ms' }, { kind: 'dbClose' }],
      },
      database: { superuser: true, pgbouncer: { poolMode: 'transaction', defaultPoolSize: 5 } },
    });
    expect(pooled.uses.find((u) => u.resource === 'app pools')!.law!).toBeCloseTo(0.3, 2);
    expect(pooled.uses.find((u) => u.resource === 'PgBouncer server connections')!.law!).toBeCloseTo(0.2, 2);
  });

  it("does not count libpq's share of a gthread worker's connect, run outside the GIL, as the loop's: the cores limit it", () => {
    // sim init --worker-class gthread --workers 1 --threads 25 --cores 2 --query 1ms -n 1000
    // -c 100, each request opening a connection (scram-sha-256, libpq's proof ~9 ms of the
    // worker's CPU with the GIL released): the 25 threads prove at once, on 2 cores. Read
    // from the time in CPU, proofs included, the loop's GIL was 1306 % busy.
    const raw = {
      client: { requests: 1000, concurrency: 100, timeout: 0 },
      machine: { cores: 2 },
      server: { workerClass: 'gthread', workers: 1, threads: 25 },
      app: { psycogreen: false, steps: [{ kind: 'dbConnect' }, { kind: 'dbQuery', time: 0.001 }, { kind: 'dbClose' }] },
      database: { maxConnections: 100 },
    };
    const s = validateScenario({ description: 't', ...raw }, 't');
    const result = simulate(s);
    const summary = summarize(result, 't', s.seed);
    const uses = utilization(s, result, summary);
    const gil = uses.find((u) => u.resource === 'worker loops (GIL)')!;
    const cores = uses.find((u) => u.resource === 'cores')!;
    expect(gil.law!).toBeLessThanOrEqual(1);
    expect(cores.law!).toBeGreaterThan(0.95);
    // The proofs are time connecting.
    expect(summary.breakdown.dbConnect).toBeGreaterThan(summary.breakdown.cpu);
  });
});
