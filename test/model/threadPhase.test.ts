// The time a request spends in Phase.thread, and its name, by the worker class that runs
// it: gthread's wait for a thread, uvicorn's for its threadpool, and elsewhere the client
// writing a request on a kept-alive connection. The report, the plan's bottleneck and the
// timeline chart all give it the model's name.
import { describe, expect, it } from 'vitest';
import { bottleneck } from '../../src/analysis/plan/bottleneck.js';
import { timelineChart } from '../../src/charts/run/timelineChart.js';
import { threadPhaseKind } from '../../src/model/threadPhase.js';
import { heyText } from '../../src/report/heyText.js';
import { run } from '../helpers.js';

const UVICORN = 'uvicorn.workers.UvicornWorker' as const;
/** The report's line for Phase.thread, if it has one. */
const threadLine = (text: string, label: string) => text.split('\n').find((l) => l.startsWith(`  ${label}:`));
const statesOf = (summary: any, timeline: any): string[] => {
  const panel = (timelineChart({ summary, timeline }) as any).vconcat[0];
  return [...new Set<string>(panel.data.values.map((r: any) => r.state))];
};

describe('Phase.thread, by worker class', () => {
  it('is the wait for one of the threads in gthread: 8 of 10 requests wait 1 s for 2 threads', () => {
    const { summary, result } = run({
      client: { requests: 10, concurrency: 10 },
      server: { workerClass: 'gthread', workers: 1, threads: 2 },
      app: { steps: [{ kind: 'sleep', time: 1, io: 'blocking' }] },
      database: undefined,
    });
    // Requests 3-10 wait for the first two (1 s), 5-10 also for the next two (1 s more)...
    expect(summary.breakdown.thread).toBeCloseTo((2 * 1 + 2 * 2 + 2 * 3 + 2 * 4) / 10, 6);
    const text = heyText(summary);
    expect(threadLine(text, 'waiting for a thread')).toMatch(/^ {2}waiting for a thread: +2\.0000 secs/);
    expect(bottleneck(summary, result)).toMatch(/^waiting for a thread \d+ %$/);
    expect(statesOf(summary, result.timeline)).toContain('connecting or waiting for a thread');
  });

  it("is the wait for the threadpool with uvicorn's def handlers: 100 requests of 50 ms on its 40 threads", () => {
    const { summary } = run({
      client: { requests: 100, concurrency: 100 },
      server: { workerClass: UVICORN, workers: 1, threadpoolCpu: 0 },
      app: { steps: [{ kind: 'sleep', time: 0.05, io: 'blocking' }], handler: 'def' },
      database: undefined,
    });
    // 40 start at once, 40 wait 50 ms, 20 wait 100 ms.
    expect(summary.breakdown.thread).toBeCloseTo((40 * 0.05 + 20 * 0.1) / 100, 6);
    const text = heyText(summary);
    expect(threadLine(text, 'waiting for the threadpool')).toBeDefined();
    expect(text).not.toContain('waiting for a thread');
  });

  for (const workerClass of ['gevent', 'eventlet', UVICORN] as const) {
    it(`is the client writing a request on a kept-alive connection in ${workerClass} workers: nothing without the client's CPU`, () => {
      const load = (requestCpu: number) =>
        run({
          client: { requests: 40, concurrency: 4, requestCpu, cores: 1 },
          server: { workerClass, workers: 1, keepalive: 5 },
          app: { steps: [{ kind: 'sleep', time: 0.01 }] },
          database: undefined,
        });
      // Without the client's CPU a handler starts the moment its request is sent or accepted.
      expect(load(0).summary.breakdown.thread).toBe(0);
      // With it, each of the 36 requests on a kept-alive connection spends it writing (one
      // client core, four connections answered together: they take turns on it).
      const { summary, result } = load(0.001);
      expect(summary.breakdown.thread).toBeGreaterThanOrEqual((36 * 0.001) / 40 - 1e-9);
      const text = heyText(summary);
      expect(threadLine(text, 'client writing the request')).toBeDefined();
      expect(text).not.toContain('waiting for a thread');
      expect(statesOf(summary, result.timeline)).toContain('connecting or writing the request');
      expect(statesOf(summary, result.timeline)).not.toContain('connecting or waiting for a thread');
    });
  }

  it('is never spent in sync workers, which close each connection after its one request', () => {
    const { summary } = run({
      client: { requests: 40, concurrency: 4, requestCpu: 0.001, cores: 1 },
      server: { workerClass: 'sync', workers: 2 },
      app: { steps: [{ kind: 'sleep', time: 0.01 }] },
      database: undefined,
    });
    expect(summary.breakdown.thread).toBe(0);
  });

  it("is named for a fleet by its instances' classes: gthread among them makes it the wait for a thread", () => {
    expect(threadPhaseKind(['gevent', 'gevent'], false)).toBe('write');
    expect(threadPhaseKind(['gevent', 'gthread'], false)).toBe('thread');
    expect(threadPhaseKind([UVICORN], true)).toBe('threadpool');
    expect(threadPhaseKind(['sync'], false)).toBe('write');
  });
});
