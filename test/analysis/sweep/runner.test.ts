// The runner's use of piscina: what the pool reports on its own, outside any task.
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { RunTask } from '../../../src/analysis/sweep/runFigures.js';

// A stand-in pool: every task resolves at once, and the pool then reports an error of its
// own, as piscina does when a thread answers for a task it has already dropped.
vi.mock('piscina', () => ({
  Piscina: class extends EventEmitter {
    run(task: { name: string }) {
      setImmediate(() => this.emit('error', new Error(`Unexpected message from Worker: ${task.name}`)));
      return Promise.resolve({ name: task.name });
    }
    destroy() {
      return new Promise((resolve) => setTimeout(resolve, 10));
    }
  },
}));

const { runAll } = await import('../../../src/analysis/sweep/runner.js');
const tasks = [{ name: 'a' }, { name: 'b' }] as unknown as RunTask[];

describe('the runner on threads', () => {
  it('ignores what the pool reports after Ctrl-C (a late answer for a dropped task)', async () => {
    const stop = new AbortController();
    stop.abort();
    await expect(runAll(tasks, { jobs: 2, signal: stop.signal })).resolves.toHaveLength(2);
  });

  it('fails the run on anything the pool reports otherwise, instead of crashing the process', async () => {
    await expect(runAll(tasks, { jobs: 2 })).rejects.toThrow('Unexpected message from Worker');
  });
});
