// The report's `Server:` line in the words of gunicorn's settings: what bounds a worker's
// requests at once is given where its class has such a setting.
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/model/system.js';
import { heyText } from '../../src/report/heyText.js';
import { summarize } from '../../src/report/summary.js';
import { run, scenario } from '../helpers.js';

const UVICORN = 'uvicorn.workers.UvicornWorker' as const;
const noDatabase = { app: { steps: [{ kind: 'sleep' as const, time: 0.01 }] }, database: undefined };
const serverLine = (text: string) => text.split('\n').find((l) => l.startsWith('  Server:'));

describe("the report's Server: line", () => {
  it("gives a gthread worker's threads, as --workers 2 --threads 4 does", () => {
    const { summary } = run({ server: { workerClass: 'gthread', workers: 2, threads: 4 }, ...noDatabase });
    expect(serverLine(heyText(summary))).toBe('  Server:\t2 gthread workers x 4 threads');
    expect(summary.simulation.server).toMatchObject({ workerClass: 'gthread', workers: 2, threads: 4 });
  });

  it('gives the threads of sync workers with --threads above 1, which gunicorn runs as gthread', () => {
    const { summary } = run({ server: { workerClass: 'sync', workers: 3, threads: 2 }, ...noDatabase });
    expect(serverLine(heyText(summary))).toBe('  Server:\t3 gthread workers x 2 threads');
  });

  it('gives the worker_connections of gevent and eventlet workers', () => {
    const gevent = run({ server: { workerClass: 'gevent', workers: 1, workerConnections: 1000 }, ...noDatabase });
    expect(serverLine(heyText(gevent.summary))).toBe('  Server:\t1 gevent worker x 1000 worker_connections');
    const eventlet = run({ server: { workerClass: 'eventlet', workers: 4, workerConnections: 50 }, ...noDatabase });
    expect(serverLine(heyText(eventlet.summary))).toBe('  Server:\t4 eventlet workers x 50 worker_connections');
  });

  it('gives sync workers alone: one request each, nothing to set', () => {
    const { summary } = run({ server: { workerClass: 'sync', workers: 4 }, ...noDatabase });
    expect(serverLine(heyText(summary))).toBe('  Server:\t4 sync workers');
    expect(summary.simulation.server).not.toHaveProperty('threads');
    expect(summary.simulation.server).not.toHaveProperty('workerConnections');
  });

  it("names uvicorn's class as its users do, with limit_concurrency where it is set", () => {
    const one = run({ server: { workerClass: UVICORN, workers: 1 }, ...noDatabase });
    expect(serverLine(heyText(one.summary))).toBe('  Server:\t1 UvicornWorker');
    const capped = run({ server: { workerClass: UVICORN, workers: 2, limitConcurrency: 5 }, ...noDatabase });
    expect(serverLine(heyText(capped.summary))).toBe('  Server:\t2 UvicornWorkers x limit_concurrency 5');
  });

  it("gives each group of a fleet its own workers' settings", () => {
    const s = scenario({
      client: { requests: 30, concurrency: 3 },
      server: { workers: 2, workerConnections: 100 },
      ...noDatabase,
      fleet: {
        groups: [
          { name: 'web', count: 2 },
          { name: 'canary', count: 1, server: { workerClass: 'gthread', workers: 4, threads: 8 } },
        ],
        loadBalancer: { requestCpu: 0, connectionCpu: 0 },
      },
    });
    delete (s as any).database;
    const text = heyText(summarize(simulate(s, { timeSeries: false }), 'groups', 1));
    expect(serverLine(text)).toBe(
      '  Server:\t3 instances: 2 web of 2 gevent workers x 100 worker_connections, 1 canary of 4 gthread workers x 8 threads',
    );
  });
});
