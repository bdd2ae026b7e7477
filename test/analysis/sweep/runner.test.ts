// The runner's use of piscina: how many tasks it hands the pool at once, and what the pool
// reports on its own, outside any task.
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { RunFigures, RunTask } from '../../../src/analysis/sweep/runFigures.js';

// A stand-in pool. By default every task resolves at once, and the pool then reports an
// error of its own, as piscina does when a thread answers for a task it has already
// dropped; `held` keeps the tasks unanswered until the test answers them.
const pool = { held: false, answers: [] as (() => void)[], destroyed: 0 };
vi.mock('piscina', () => ({
  Piscina: class extends EventEmitter {
    run(task: { name: string }) {
      if (pool.held) return new Promise((resolve) => pool.answers.push(() => resolve({ name: task.name })));
      setImmediate(() => this.emit('error', new Error(`Unexpected message from Worker: ${task.name}`)));
      return Promise.resolve({ name: task.name });
    }
    destroy() {
      pool.destroyed++;
      return new Promise((resolve) => setTimeout(resolve, 10));
    }
  },
}));

const { runEach } = await import('../../../src/analysis/sweep/runner.js');
const tasks = [{ name: 'a' }, { name: 'b' }] as unknown as RunTask[];
const collect = (results: RunFigures[]) => (i: number, f: RunFigures) => {
  results[i] = f;
};

describe('the runner on threads', () => {
  it('ignores what the pool reports after Ctrl-C (a late answer for a dropped task)', async () => {
    const stop = new AbortController();
    stop.abort();
    const results: RunFigures[] = [];
    await expect(runEach(2, (i) => tasks[i], collect(results), { jobs: 2, signal: stop.signal })).resolves.toBeUndefined();
    expect(results).toEqual([]);
  });

  it('fails the run on anything the pool reports otherwise, instead of crashing the process', async () => {
    await expect(
      runEach(
        2,
        (i) => tasks[i],
        () => {},
        { jobs: 2 },
      ),
    ).rejects.toThrow('Unexpected message from Worker');
  });

  // It queued every task of the sweep at once, each with its scenario: a million of them
  // before the first run.
  it('makes a task only as a thread is about to need it: one running and one waiting per thread', async () => {
    pool.held = true;
    pool.answers = [];
    const made: number[] = [];
    const results: RunFigures[] = [];
    const run = runEach(
      100,
      (i) => {
        made.push(i);
        return { name: `t${i}` } as unknown as RunTask;
      },
      collect(results),
      { jobs: 2 },
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(made).toEqual([0, 1, 2, 3]);
    // Answered out of order: each answer lets one more task be made, and goes to its place.
    pool.answers[2]();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(made).toEqual([0, 1, 2, 3, 4]);
    expect(results[2]).toEqual({ name: 't2' });
    while (pool.answers.some((a) => a !== undefined)) {
      const answer = pool.answers.findIndex((a) => a !== undefined);
      const a = pool.answers[answer];
      delete pool.answers[answer];
      a();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await run;
    pool.held = false;
    expect(made).toHaveLength(100);
    expect(results.map((r) => (r as unknown as { name: string }).name)).toEqual(Array.from({ length: 100 }, (_, i) => `t${i}`));
  });

  it('stops at a task it cannot make, ends the runs in flight and throws that failure', async () => {
    pool.held = true;
    pool.answers = [];
    const destroyed = pool.destroyed;
    const results: RunFigures[] = [];
    const run = runEach(
      10,
      (i) => {
        if (i === 5) throw new Error('point 5 is bad');
        return { name: `t${i}` } as unknown as RunTask;
      },
      collect(results),
      { jobs: 2 },
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    pool.answers[0]();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(pool.answers).toHaveLength(5);
    pool.answers[1]();
    await expect(run).rejects.toThrow('point 5 is bad');
    pool.held = false;
    expect(pool.destroyed).toBe(destroyed + 1);
    expect(Object.keys(results)).toEqual(['0', '1']);
  });
});
