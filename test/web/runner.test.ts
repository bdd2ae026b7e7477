// The page's scheduling of runs, with fake workers and a fake clock: a burst of changes is
// one run, a change during a run ends it (its worker is terminated and the spare takes
// over), and only the newest what-if's answers reach the page.
import { describe, expect, it } from 'vitest';
import type { RunRequest, WorkerMessage } from '../../src/web/protocol.js';
import { WhatIfRunner, type Timers, type WorkerLike } from '../../src/web/runner.js';
import type { WhatIf } from '../../src/web/whatIf.js';

class FakeWorker implements WorkerLike {
  received: RunRequest[] = [];
  terminated = false;
  onmessage: ((event: { data: WorkerMessage }) => void) | null = null;
  onerror: ((event: { message?: string }) => void) | null = null;
  postMessage(message: RunRequest): void {
    this.received.push(message);
  }
  terminate(): void {
    this.terminated = true;
  }
  answer(data: WorkerMessage): void {
    this.onmessage?.({ data });
  }
}

/** Time that moves only when the test says so. */
class FakeClock implements Timers {
  now = 0;
  private timers = new Map<number, { at: number; fn: () => void }>();
  private next = 0;
  setTimeout(fn: () => void, ms: number): unknown {
    this.timers.set(++this.next, { at: this.now + ms, fn });
    return this.next;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  advance(ms: number): void {
    this.now += ms;
    for (const [id, t] of [...this.timers]) {
      if (t.at <= this.now) {
        this.timers.delete(id);
        t.fn();
      }
    }
  }
}

const whatIf = (workers: number): WhatIf => ({ name: 's', raw: {}, overrides: [{ path: 'server.workers', value: String(workers) }] });
const sweepDone = (id: number): WorkerMessage => ({ id, kind: 'sweep', done: 1, total: 1, points: [], charts: [], note: '' });

function setup() {
  const workers: FakeWorker[] = [];
  const clock = new FakeClock();
  const shown: WorkerMessage[] = [];
  const started: number[] = [];
  const runner = new WhatIfRunner({
    createWorker: () => {
      const w = new FakeWorker();
      workers.push(w);
      return w;
    },
    onMessage: (m) => shown.push(m),
    debounceMs: 150,
    timers: clock,
    onRun: (id) => started.push(id),
  });
  return { runner, workers, clock, shown, started };
}

describe('the what-if runner', () => {
  it('starts a worker and a spare that has already loaded the simulator', () => {
    const { workers } = setup();
    expect(workers).toHaveLength(2);
  });

  it('runs a burst of changes once, with the last one, after the debounce time', () => {
    const { runner, workers, clock, started } = setup();
    runner.request(whatIf(2));
    clock.advance(100);
    runner.request(whatIf(3));
    clock.advance(100);
    expect(workers[0].received).toEqual([]);
    clock.advance(50);
    expect(workers[0].received).toEqual([{ id: 1, whatIf: whatIf(3) }]);
    expect(started).toEqual([1]);
  });

  it('ends a run in progress when a newer what-if comes: terminate, then the spare runs it', () => {
    const { runner, workers, shown } = setup();
    runner.run(whatIf(2));
    runner.run(whatIf(3));
    expect(workers[0].terminated).toBe(true);
    expect(workers[1].received).toEqual([{ id: 2, whatIf: whatIf(3) }]);
    expect(workers).toHaveLength(3); // a new spare
    expect(runner.cancelled).toBe(1);
    // A late answer of the ended run never reaches the page.
    workers[0].answer({ id: 1, kind: 'invalid', message: 'old' });
    workers[1].answer({ id: 2, kind: 'invalid', message: 'new' });
    expect(shown).toEqual([{ id: 2, kind: 'invalid', message: 'new' }]);
  });

  it('reuses an idle worker: a finished run is not cancelled', () => {
    const { runner, workers } = setup();
    runner.run(whatIf(2));
    workers[0].answer(sweepDone(1));
    runner.run(whatIf(3));
    expect(workers[0].terminated).toBe(false);
    expect(workers[0].received.map((r) => r.id)).toEqual([1, 2]);
    expect(runner.cancelled).toBe(0);
  });

  it('keeps the worker busy until the sweep is done, not just the run', () => {
    const { runner, workers } = setup();
    runner.run(whatIf(2));
    workers[0].answer({ id: 1, kind: 'sweep', done: 1, total: 9, points: [], charts: null, note: '' });
    runner.run(whatIf(3));
    expect(workers[0].terminated).toBe(true);
  });

  it('says which what-if is current: not while a change waits for its debounce', () => {
    const { runner, clock } = setup();
    runner.run(whatIf(2));
    expect(runner.isCurrent(1)).toBe(true);
    runner.request(whatIf(3));
    expect(runner.isCurrent(1)).toBe(false);
    clock.advance(150);
    expect(runner.isCurrent(2)).toBe(true);
  });

  it('cancels on request: the run in progress and a change still waiting, and their answers', () => {
    const { runner, workers, clock, shown } = setup();
    runner.run(whatIf(2));
    runner.request(whatIf(3));
    runner.cancel();
    clock.advance(1000);
    expect(workers[0].terminated).toBe(true);
    expect(workers[1].received).toEqual([]); // the waiting change never ran
    workers[0].answer({ id: 1, kind: 'invalid', message: 'old' });
    expect(shown).toEqual([]);
    expect(runner.isCurrent(1)).toBe(false);
  });

  it("reports a worker that fails as the run's failure", () => {
    const { runner, workers, shown } = setup();
    runner.run(whatIf(2));
    workers[0].onerror?.({ message: 'boom' });
    expect(shown).toEqual([{ id: 1, kind: 'failed', message: 'boom' }]);
  });
});
