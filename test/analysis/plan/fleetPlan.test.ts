// sim plan across a fleet: instances x workers, the cheapest in cores in total, then workers.
//
// Load: 200 requests arriving every 20 ms (constant, 50/s), each a 100 ms sleep in a sync
// worker, through a balancer that costs nothing (round robin). Instances are pods on hosts
// of one core each, so a fleet costs one core per instance. Round robin gives each of N
// instances one request every N x 20 ms, each in service 100 ms: 100 / (N x 20) requests
// at once, which its workers must cover: N = 1 needs 5, N = 2 needs 3 (2.5), N = 3 needs
// 2 (1.67). Grid: instances 1..3 x workers 1..3:
//   1 instance: 1, 2, 3 workers fail
//   2 instances: 1, 2 fail; 3 pass   -> cheapest: 2 instances x 3 workers (2 cores)
//   3 instances: 1 fails; 2, 3 pass  -> runner-up: 3 x 2 (3 cores, 6 workers before 9)
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sim } from '../../sim.js';
import { withoutCosts } from '../../helpers.js';

const file = join(mkdtempSync(join(tmpdir(), 'sim-fleet-plan-')), 'fleet.json');
writeFileSync(
  file,
  JSON.stringify(
    withoutCosts({
      description: 'constant arrivals at 50/s, 100 ms handlers, a fleet of sync workers',
      client: { arrivals: { process: 'constant', rate: 50 }, requests: 200, timeout: 0 },
      machine: { cores: 1 },
      server: { workerClass: 'sync' },
      app: { steps: [{ kind: 'sleep', time: 0.1 }] },
      fleet: { instances: 1, loadBalancer: { requestCpu: 0, connectionCpu: 0 } },
    }),
  ),
);

describe('sim plan across a fleet', () => {
  it('finds the cheapest fleet derived by hand: fewest cores in total, then worker processes', async () => {
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
      '--vary',
      'fleet.instances=1..3',
      '--vary',
      'server.workers=1..3',
    );
    expect(code).toBe(0);
    const r = JSON.parse(out);
    expect(r.best.point.values).toEqual({ 'fleet.instances': 2, 'server.workers': 3 });
    expect(r.best.cost).toMatchObject({ cores: 2, workers: 6 });
    expect(r.runnerUp.point.values).toEqual({ 'fleet.instances': 3, 'server.workers': 2 });
    expect(r.runnerUp.cost).toMatchObject({ cores: 3, workers: 6 });
  });
});
