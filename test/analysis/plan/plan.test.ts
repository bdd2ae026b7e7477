// sim plan on a grid small enough to solve by hand.
//
// Load: an open loop of 200 requests arriving every 20 ms (constant, 50/s), each handled
// by a 100 ms sleep in gthread threads; a worker takes no more connections than it has
// threads (workerConnections = threads), so a connection never queues inside a busy worker
// while another has a free thread. Little's law: 50/s x 0.1 s = 5 requests in service at
// once, so a configuration with 5 or more threads in all never queues: every response
// takes 0.1 s (p99 0.1 s) and the run lasts 4.0 s + 0.1 s, i.e. 200 / 4.1 = 48.78 req/s.
// With 4 threads or fewer the threads serve at most 40/s, the queue grows, and both
// targets fail (200 requests take 5 s or more; the last ones wait about a second).
//
// Grid: workers 1..3 x threads 1, 2, 4 (no total of exactly 5 threads, so no ties).
//   workers 1: 1, 2, 4 threads    -> all fail
//   workers 2: 2, 4 fail; 8 pass  -> cheapest: 2 workers x 4 threads
//   workers 3: 3 fails; 6, 12 pass -> runner-up: 3 workers x 2 threads (fewer workers
//   first, so 8 threads on 2 workers beats 6 threads on 3)
// The most expensive configuration cheaper than the answer is 2 workers x 2 threads (4
// threads): its threads are saturated.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_PLAN_RUNS, PLAN_RUNS_WHY } from '../../../src/analysis/plan/plan.js';
import { KIT_RECORD } from '../../../src/report/kitRecord.js';
import { STACK_KINDS } from '../../../src/report/stackKind.js';
import { sim } from '../../sim.js';
import { withoutCosts } from '../../helpers.js';

const file = join(mkdtempSync(join(tmpdir(), 'sim-plan-')), 'plan.json');
writeFileSync(
  file,
  JSON.stringify(
    withoutCosts({
      description: 'constant arrivals at 50/s, 100 ms handlers',
      client: { arrivals: { process: 'constant', rate: 50 }, requests: 200, timeout: 0 },
      server: { workerClass: 'gthread' },
      app: { steps: [{ kind: 'sleep', time: 0.1 }] },
    }),
  ),
);
const grid = ['--vary', 'server.workers=1..3', '--vary', 'server.threads,server.workerConnections=1,2,4'];

describe('sim plan', () => {
  it('finds the cheapest configuration derived by hand, and the runner-up', async () => {
    const { code, out } = await sim('plan', file, '--target-rps', '45', '--p99', '150ms', '--json', '--jobs', '1', ...grid);
    expect(code).toBe(0);
    const plan = JSON.parse(out);
    expect(plan.best.point.values).toEqual({ 'server.workers': 2, 'server.threads': 4, 'server.workerConnections': 4 });
    expect(plan.best.cost).toEqual({ cores: 4, workers: 2, connections: 8, connectionKind: 'threads', dbConnections: null });
    expect(plan.costOrder).toEqual(['cores', 'workers', 'connections', 'dbConnections']);
    expect(plan.explanation).toBeNull();
    expect(plan.best.served).toBeCloseTo(200 / 4.1, 6);
    expect(plan.best.p99).toBeCloseTo(0.1, 6);
    expect(plan.runnerUp.point.values).toEqual({ 'server.workers': 3, 'server.threads': 2, 'server.workerConnections': 2 });
    expect(plan.cheaperMiss.point.values).toEqual({ 'server.workers': 2, 'server.threads': 2, 'server.workerConnections': 2 });
    expect(plan.cheaperMiss.point.busiest.resource).toBe('threads');
    expect(plan.cheaperMiss.point.busiest.utilization).toBeGreaterThan(0.95);
  });

  it('prints the answer, the margins and what saturates first', async () => {
    const { out } = await sim('plan', file, '--target-rps', '45', '--p99', '0.15', ...grid);
    expect(out).toContain('Cheapest:   server.workers=2 server.threads=4 server.workerConnections=4 (4 cores, 2 workers, 8 threads)');
    expect(out).toContain('48.78 2xx/s (+3.78 over the target), p99 0.1000 s (0.0500 s to spare), 0 5xx/errors');
    expect(out).toContain('Runner-up:  server.workers=3 server.threads=2 server.workerConnections=2 (4 cores, 3 workers, 6 threads)');
    expect(out).toMatch(/Saturates first: threads, at 61 % .*; more workers or threads would relieve it\./);
    expect(out).toMatch(/One step cheaper, server\.workers=2 server\.threads=2 .* serves 39\.37 2xx\/s < 45, p99 1\.0800 s > 0\.15 s/);
  });

  it("reads the answer with the model's error on the kit's real runs of its kind: gthread workers here", async () => {
    const { out } = await sim('plan', file, '--target-rps', '45', '--p99', '0.15', ...grid);
    const record = KIT_RECORD.gthread!;
    expect(out).toContain(`Validated:  ${STACK_KINDS.gthread}: ${record.withinTargets} of the kit's ${record.rows} configurations`);
    // real = simulated / (1 + error): the error's 90th percentile gives the low end.
    const served = 200 / 4.1;
    const e = record.requestsPerSecError;
    expect(out).toContain(
      `the cheapest's 48.78 2xx/s would be ${(served / (1 + e.p90)).toFixed(2)} to ${(served / (1 + e.p10)).toFixed(2)} in a real run.`,
    );
    // The cheapest's p99, 0.1 s, read the same way with the error on the p99 of those runs.
    const t = record.p99Error!;
    expect(out).toContain(`Its p99 of 0.1000 s, the same way: ${(0.1 / (1 + t.p90)).toFixed(4)} to ${(0.1 / (1 + t.p10)).toFixed(4)} s.`);
    const json = JSON.parse((await sim('plan', file, '--target-rps', '45', '--p99', '0.15', '--json', ...grid)).out);
    expect(json.validated).toEqual({ kind: STACK_KINDS.gthread, ...record, costsMeasured: false });
    const none = await sim('plan', file, '--target-rps', '60', '--p99', '150ms', ...grid);
    expect(none.out).not.toContain('Validated:');
  });

  it('says so when nothing in the grid meets the targets, names the binding resource, and exits 1', async () => {
    // 50/s arrive: no configuration serves 60/s, and the plan says the load is the reason.
    const { code, out } = await sim('plan', file, '--target-rps', '60', '--p99', '150ms', ...grid);
    expect(code).toBe(1);
    expect(out).toContain('No configuration in the grid meets the targets.');
    expect(out).toContain('The load offered is at most 50 req/s (client.arrivals), below the 60 req/s asked');
    // 50/s arrive and 45/s are asked with a p99 no configuration meets: the closest and what binds it.
    const tight = await sim('plan', file, '--target-rps', '45', '--p99', '50ms', ...grid);
    expect(tight.code).toBe(1);
    expect(tight.out).toMatch(
      /^The closest, server\.workers=\d .* serves 48\.78 2xx\/s with p99 0\.1000 s > 0\.05 s, most of it the handler's own time \(bottleneck: IO 100 %\): more capacity would not shorten it; its steps must take less time\.$/m,
    );
    // 45/s asked with a p99 only more threads meet, from a grid of one thread: bound by the threads.
    const one = await sim(
      'plan',
      file,
      '--target-rps',
      '45',
      '--p99',
      '150ms',
      '--vary',
      'server.workers=1..2',
      '--vary',
      'server.threads,server.workerConnections=1',
    );
    expect(one.code).toBe(1);
    expect(one.out).toMatch(/^The closest, .* bound by threads at \d+ % .*more workers or threads would relieve it\.$/m);
    const json = JSON.parse((await sim('plan', file, '--target-rps', '45', '--p99', '50ms', '--json', ...grid)).out);
    expect(json.best).toBeNull();
    expect(json.explanation.infeasible).toBe(false);
  });

  // Newcomer: said "bound by sync workers at 100 % ...; more workers (or threads) would relieve
  // it" of the cheapest serving the most, where 3 and 4 workers served the same.
  it("says when hey's -c is what falls short: 2 clients and 100 ms handlers offer at most 20/s, whatever the workers", async () => {
    const closed = join(mkdtempSync(join(tmpdir(), 'sim-plan-')), 'closed.json');
    writeFileSync(
      closed,
      JSON.stringify(
        withoutCosts({
          description: 'hey -c 2 -n 40, 100 ms handlers on sync workers',
          client: { requests: 40, concurrency: 2, timeout: 0 },
          server: { workerClass: 'sync' },
          app: { steps: [{ kind: 'sleep', time: 0.1 }] },
        }),
      ),
    );
    const { code, out } = await sim('plan', closed, '--target-rps', '50', '--p99', '1s', '--vary', 'server.workers=1..4', '--jobs', '1');
    expect(code).toBe(1);
    expect(out).toMatch(
      /^The load falls short, not the server: hey's -c 2 keeps at most 2 requests in flight, each client waiting for its answer, so at the fastest configuration's \(server\.workers=4\) mean time of 0\.1000 s it offers at most 20\.00 req\/s \(c \/ W, Little's law\), below the 50 req\/s asked, while the busiest resource, sync workers, is at 50 %; raise -c \(client\.concurrency\), or give the client open-loop arrivals at the target rate \(docs\/plan\.md\)\.$/m,
    );
  });

  it('explains an infeasible target from the CPU demand: 200/s x 50 ms = 10 cores > 8 (scenarios/plan-cpu-200.json)', async () => {
    const { code, out } = await sim('plan', 'scenarios/plan-cpu-200.json', '--target-rps', '200', '--p99', '1s', '--jobs', '1');
    expect(code).toBe(1);
    expect(out).toContain('No configuration in the grid meets the targets.');
    expect(out).toContain(
      'CPU demand 10.0 cores > 8 cores available: no worker count can reach 200 req/s; needs >= 10 cores or <= 40 ms CPU per request.',
    );
    const json = JSON.parse(
      (await sim('plan', 'scenarios/plan-cpu-200.json', '--target-rps', '200', '--p99', '1s', '--jobs', '1', '--json')).out,
    );
    expect(json.explanation.infeasible).toBe(true);
    expect(json.explanation.limit.resource).toBe('cores');
    expect(json.explanation.limit.perRequest).toBeCloseTo(0.05, 9);
    expect(json.explanation.limit.needed).toBeCloseTo(10, 6);
  });

  it('orders the costs as --cost says', async () => {
    const { code, out } = await sim(
      'plan',
      file,
      '--target-rps',
      '45',
      '--p99',
      '150ms',
      '--json',
      '--jobs',
      '1',
      '--cost',
      'connections',
      ...grid,
    );
    expect(code).toBe(0);
    const plan = JSON.parse(out);
    // Fewest threads first: 6 threads on 3 workers beats 8 on 2.
    expect(plan.best.point.values).toEqual({ 'server.workers': 3, 'server.threads': 2, 'server.workerConnections': 2 });
    expect(plan.costOrder).toEqual(['connections', 'cores', 'workers', 'dbConnections']);
    expect((await sim('plan', file, '--target-rps', '45', '--p99', '150ms', '--cost', 'wokers', ...grid)).err).toMatch(
      /--cost wokers: .*"workers"/,
    );
  });

  it("with --every-replication, plans for the slowest of the machine's speeds, not their mean", async () => {
    // Sync workers, 18 ms of CPU a request on plenty of cores, 50 arrivals a second: one
    // worker serves 1/0.018 = 55.6/s at the median speed. Five replications run at the
    // speeds of seeds 1-5 (machine.speedVariation 0.2: x1, x0.79, x1.13, x0.93, x1.47);
    // at x1.47 a request takes 26 ms and one worker serves 38/s, so that replication
    // falls short of 45/s while the mean of the five does not.
    const speeds = join(mkdtempSync(join(tmpdir(), 'sim-plan-')), 'speeds.json');
    writeFileSync(
      speeds,
      JSON.stringify(
        withoutCosts({
          description: 'constant arrivals at 50/s, 18 ms of CPU, a machine whose speed varies',
          client: { arrivals: { process: 'constant', rate: 50 }, requests: 200, timeout: 0 },
          machine: { cores: 8, speedVariation: 0.2 },
          server: { workerClass: 'sync' },
          app: { steps: [{ kind: 'cpu', time: 0.018 }] },
        }),
      ),
    );
    const args = [
      'plan',
      speeds,
      '--target-rps',
      '45',
      '--p99',
      '10s',
      '--replications',
      '5',
      '--jobs',
      '1',
      '--vary',
      'server.workers=1..2',
    ];
    const onMeans = JSON.parse((await sim(...args, '--json')).out);
    expect(onMeans.best.point.values).toEqual({ 'server.workers': 1 });
    expect(onMeans.best.served).toBeGreaterThan(45);
    const one = onMeans.candidates.find((c: any) => c.point.values['server.workers'] === 1);
    expect(one.point.perSec['2xx'].range[0]).toBeLessThan(40);

    const every = await sim(...args, '--every-replication');
    expect(every.code).toBe(0);
    expect(every.out).toContain(', in every one of 5 replications');
    expect(every.out).toMatch(/^Cheapest: {3}server\.workers=2 /m);
    expect(every.out).toMatch(/One step cheaper, server\.workers=1 .* serves 3\d\.\d\d 2xx\/s < 45/);
    // Without replications there is no "every" to plan for.
    const single = await sim('plan', speeds, '--target-rps', '45', '--p99', '10s', '--every-replication', '--vary', 'server.workers=1..2');
    expect(single.code).toBe(2);
    expect(single.err).toMatch(/^sim: --every-replication: expected --replications N with N >= 2 .*, got 1 replication$/m);
  });

  it('rejects bad targets with exit code 2', async () => {
    expect((await sim('plan', file, '--target-rps', '45', '--p99', 'soon', ...grid)).err).toMatch(
      /--p99 soon: expected seconds > 0 \(0\.3\) or a duration \("300ms"\), got "soon"/,
    );
    expect((await sim('plan', file, '--target-rps', '-1', '--p99', '1', ...grid)).code).toBe(2);
    expect((await sim('plan', file, '--p99', '1', ...grid)).err).toMatch(/^sim: --target-rps: required, e\.g\. --target-rps 500$/m);
  });

  it('refuses more runs than a plan holds (MAX_PLAN_RUNS) before the first, naming the flags that asked for them', async () => {
    const targets = ['--target-rps', '45', '--p99', '1', '--jobs', '1'];
    const points = await sim('plan', file, ...targets, '--vary', `seed=1..${MAX_PLAN_RUNS + 1}`);
    expect(points.code).toBe(2);
    expect(points.out).toBe('');
    expect(points.err).toBe(
      `sim: --vary seed=1..${MAX_PLAN_RUNS + 1}: ${MAX_PLAN_RUNS + 1} points x 1 replications = ${MAX_PLAN_RUNS + 1} runs; at most ${MAX_PLAN_RUNS} (${PLAN_RUNS_WHY})\n`,
    );
    const replications = Math.floor(MAX_PLAN_RUNS / 3) + 1;
    const runs = await sim('plan', file, ...targets, '--vary', 'server.workers=1..3', '--replications', String(replications));
    expect(runs.code).toBe(2);
    expect(runs.err).toMatch(
      new RegExp(`^sim: --replications ${replications}: 3 points x ${replications} replications = ${3 * replications} runs; at most`),
    );
  });
});
