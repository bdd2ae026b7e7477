import { describe, expect, it } from 'vitest';
import {
  figuresOf,
  relativeChange,
  sensitivity,
  sensitivityJson,
  type Sensitivity,
} from '../../../src/analysis/calibration/sensitivity.js';
import { simulate } from '../../../src/model/system.js';
import { summarize } from '../../../src/report/summary.js';
import { sensitivityText } from '../../../src/report/sensitivityText.js';
import { validateScenario } from '../../../src/scenario/load.js';
import { cpuBound, withoutCosts } from '../../helpers.js';

/** hey -q 10 with 5 workers: 50 requests a second whatever the server does. */
const clientBound = {
  ...cpuBound,
  description: 'client-bound',
  client: { requests: 100, concurrency: 5, rate: 10, timeout: 0 },
  machine: { cores: 4 },
  app: { steps: [{ kind: 'cpu', time: '1ms' }, { kind: 'dbConnect' }, { kind: 'dbQuery', time: '10ms' }, { kind: 'dbClose' }] },
};

function analyse(given: Record<string, unknown>): Sensitivity {
  const raw = withoutCosts(given);
  const scenario = validateScenario(structuredClone(raw), 'test');
  const base = figuresOf(summarize(simulate(scenario), 'test', scenario.seed));
  return sensitivity(raw, scenario, base, { source: 'test' });
}

describe('sim run --sensitivity', () => {
  it('lists a cost that matters, with fewer requests a second when it grows', () => {
    const s = analyse(cpuBound);
    expect(s.moved).toEqual(['app.steps.0.time', 'database.forkTime', 'database.backendStartTime', 'database.backendExitTime']);
    expect(s.zero).toEqual([
      'client.requestCpu',
      'client.dialCpu',
      'server.acceptCpu',
      'server.requestCpu',
      'server.switchCpu',
      'server.errorCpu',
      'app.steps.1.cpu',
      'app.steps.1.turnCpu',
      'app.steps.1.backToBackShare',
      'app.steps.1.contendedCpu',
      'app.steps.2.cpu',
      'app.steps.2.decodeCpu',
      'machine.wakeupLatency',
      'database.postmasterCpu',
      'database.postmasterWakeCpu',
      'database.backendStartCpu',
      'database.backendBeforeAuthCpu',
      'database.backendStartupCpu',
      'database.backendBeforeSetsidCpu',
      'database.backendExitCpu',
      'database.refusedCpu',
      'database.transactionControlCpu',
    ]);
    const cpu = s.sensitive.find((c) => c.path === 'app.steps.0.time')!;
    expect(cpu).toBeDefined();
    expect(cpu.fitted).toBe(false);
    expect(cpu.low.requestsPerSec).toBeGreaterThan(s.base.requestsPerSec * 1.1);
    expect(cpu.high.requestsPerSec).toBeLessThan(s.base.requestsPerSec * 0.9);
    // The handler's CPU is what the run hangs on: it comes first.
    expect(s.sensitive[0].path).toBe('app.steps.0.time');
    expect(s.sensitive.map((c) => c.path)).not.toContain('database.backendExitTime');
  });

  it('lists nothing when the client sets the pace', () => {
    const s = analyse(clientBound);
    expect(s.moved).toContain('database.backendExitTime');
    expect(s.moved).toContain('app.steps.0.time');
    expect(s.sensitive).toEqual([]);
    expect(sensitivityText(s)).toBe('\nSensitive to: nothing beyond 10 % (moved 4 costs by ±50 %)\n');
  });

  it('lists a cost that changes the number of 500s', () => {
    // 12 clients, 12 connections: a closed connection's slot frees when its backend has
    // exited, and a client that connects before then is refused.
    const s = analyse({
      description: 'refusals',
      client: { requests: 200, concurrency: 12, timeout: 0 },
      server: { workerClass: 'gevent', workers: 1 },
      app: { steps: [{ kind: 'dbConnect' }, { kind: 'dbQuery', time: '20ms' }, { kind: 'dbClose' }] },
      database: { superuser: true, maxConnections: 12, forkTime: 0.0005, backendStartTime: 0.002, backendExitTime: '5ms' },
    });
    expect(s.base.status500).toBeGreaterThan(0);
    const exit = s.sensitive.find((c) => c.path === 'database.backendExitTime')!;
    expect(exit.low.status500).toBeLessThan(s.base.status500 * 0.9);
    expect(exit.high.status500).toBeGreaterThan(s.base.status500 * 1.1);
  });

  it('does not move a measured cost', () => {
    const s = analyse({ ...cpuBound, measured: { 'app.steps[0].time': 'py-spy on the handler' } });
    expect(s.moved).not.toContain('app.steps.0.time');
    expect(s.measured).toEqual(['app.steps.0.time']);
    expect(s.sensitive.map((c) => c.path)).not.toContain('app.steps.0.time');
  });

  it('moves a fitted cost and names it as fitted', () => {
    const s = analyse({ ...cpuBound, fitted: { 'app.steps.0.time': 'sim fit on 3 hey runs' } });
    expect(s.sensitive[0]).toMatchObject({ path: 'app.steps.0.time', fitted: true });
    expect(sensitivityText(s)).toMatch(
      /^\nSensitive to: app\.steps\.0\.time \(fitted; -50 %: [\d.]+ req\/s, 0 x 500; \+50 %: [\d.]+ req\/s, 0 x 500\)/,
    );
  });

  it('moves a distribution by its durations', () => {
    const s = analyse({ ...cpuBound, app: { steps: [{ kind: 'cpu', time: { dist: 'exponential', mean: '10ms' } }] }, database: undefined });
    expect(s.moved).toEqual(['app.steps.0.time']);
    const [cpu] = s.sensitive;
    expect(cpu.path).toBe('app.steps.0.time');
    expect(cpu.low.requestsPerSec).toBeGreaterThan(s.base.requestsPerSec);
    expect(cpu.high.requestsPerSec).toBeLessThan(s.base.requestsPerSec);
  });

  it('moves a cost of one microsecond up, and down no further than the clock counts', () => {
    // Halved, 1 us became 0.5 us, which the scenario format refuses (0 or at least 1 us):
    // --sensitivity exited 2 on a valid scenario, blaming its field. Found by the property tests.
    const s = analyse({ ...cpuBound, app: { steps: [{ kind: 'cpu', time: '1us' }] }, database: undefined });
    expect(s.moved).toEqual(['app.steps.0.time']);
  });

  it('does not try per-core run queues on a machine whose cores change on the timeline', () => {
    // The timeline changes machine.cores only with one run queue (incidentChecks.ts): trying
    // per-core queues made --sensitivity exit 2 on a valid scenario. Found by the property tests.
    const s = analyse({
      ...cpuBound,
      machine: { cores: 2 },
      timeline: [{ at: 0.1, until: 0.2, change: 'machine.cores', multiply: 0.5 }],
    });
    expect(s.settingsChecked).toEqual(['machine.taskGroups']);
  });

  it("moves a threaded worker's contendedCpu like any other cost; a gevent worker's connects never pay it", () => {
    // 100 gthread threads connecting with psycopg2, each connect beside another thread's
    // paying 4 ms more: the CPU-bound worker serves fewer requests a second when it costs
    // more. The same connects on a gevent worker's loop never run side by side, so moving
    // the cost changes nothing there.
    const gthread = {
      ...cpuBound,
      client: { requests: 300, concurrency: 100, timeout: 0 },
      machine: { cores: 2, taskGroups: 'none', runQueues: 'shared' },
      server: { workerClass: 'gthread', workers: 1, threads: 100 },
      app: {
        psycogreen: false,
        steps: [{ kind: 'dbConnect', cpu: '4ms', contendedCpu: '4ms' }, { kind: 'dbQuery', time: '1ms' }, { kind: 'dbClose' }],
      },
    };
    const s = analyse(gthread);
    expect(s.moved).toContain('app.steps.0.contendedCpu');
    const row = s.sensitive.find((r) => r.path === 'app.steps.0.contendedCpu')!;
    expect(row.high.requestsPerSec).toBeLessThan(s.base.requestsPerSec * 0.9);
    expect(row.low.requestsPerSec).toBeGreaterThan(s.base.requestsPerSec * 1.1);
    const gevent = analyse({ ...gthread, server: { workerClass: 'gevent', workers: 1 }, app: { ...gthread.app, psycogreen: true } });
    expect(gevent.moved).toContain('app.steps.0.contendedCpu');
    expect(gevent.sensitive.map((r) => r.path)).not.toContain('app.steps.0.contendedCpu');
  });

  it("tries the kit's measured cache refill where workers outnumber twice the cores, with per-core run queues", () => {
    // 16 sync workers on 2 cores, each request 2 ms of CPU between two waits: every wake-up
    // finds several others ran on its core since, and pays the kit's refill more
    // (MEASURED_COSTS.syncCacheRefillCpu).
    const sync = {
      ...cpuBound,
      client: { requests: 400, concurrency: 32, timeout: 0 },
      machine: { cores: 2, taskGroups: 'none', runQueues: 'per-core' },
      server: { workerClass: 'sync', workers: 16 },
      app: {
        steps: [
          { kind: 'cpu', time: '1ms' },
          { kind: 'sleep', time: '1ms' },
          { kind: 'cpu', time: '1ms' },
        ],
      },
    };
    const s = analyse(sync);
    expect(s.settingsChecked).toContain('server.cacheRefillCpu');
    expect(analyse({ ...sync, server: { workerClass: 'sync', workers: 4 } }).settingsChecked).not.toContain('server.cacheRefillCpu');
    const stated = { ...sync, server: { ...sync.server, cacheRefillCpu: [{ others: 2, cpu: 0 }] } };
    expect(analyse(stated).settingsChecked).not.toContain('server.cacheRefillCpu');
  });

  it('moves a cost absent from the file from its default', () => {
    const raw = {
      ...clientBound,
      client: { requests: 200, concurrency: 50, timeout: 0 },
      database: { ...clientBound.database, pgbouncer: { defaultPoolSize: 20, maxClientConn: 1000 } },
    };
    const s = analyse(raw);
    expect(s.moved).toContain('database.pgbouncer.loginCpu');
  });

  it('leaves the raw scenario as it was, and gives the same answer twice', () => {
    const raw = structuredClone(cpuBound);
    const a = analyse(raw);
    expect(raw).toEqual(cpuBound);
    expect(analyse(raw)).toEqual(a);
  });

  it('counts a first 500 as a change, and many 500s by a tenth of them', () => {
    const base = { requestsPerSec: 100, status500: 0 };
    expect(relativeChange(base, { requestsPerSec: 100, status500: 1 })).toBe(1);
    expect(relativeChange({ requestsPerSec: 100, status500: 50 }, { requestsPerSec: 100, status500: 54 })).toBeCloseTo(0.08);
    expect(relativeChange(base, { requestsPerSec: 85, status500: 0 })).toBeCloseTo(0.15);
    expect(relativeChange({ requestsPerSec: 0, status500: 0 }, { requestsPerSec: 0, status500: 0 })).toBe(0);
  });

  it('reports the sensitive costs, every cost moved and the base in JSON', () => {
    const json = sensitivityJson(analyse(cpuBound));
    expect(Object.keys(json)).toEqual([
      'sensitivity',
      'sensitivityChecked',
      'sensitivitySettings',
      'sensitivitySettingsChecked',
      'sensitivityBase',
    ]);
    expect(Object.keys(json.sensitivity[0])).toEqual(['path', 'description', 'fitted', 'low', 'high']);
    expect(Object.keys(json.sensitivity[0].low)).toEqual(['requestsPerSec', 'status500']);
    expect(json.sensitivityChecked).toHaveLength(4);
    expect(Object.keys(json.sensitivityBase)).toEqual(['requestsPerSec', 'status500', 'change', 'threshold', 'measured', 'zero']);
  });
});
