// The options sim sweep and sim plan share.
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { checkJobs } from '../../src/cli/sweepOptions.js';

describe('checkJobs', () => {
  const cores = availableParallelism();

  it('takes 1 to 4 threads a core, the cores by default', () => {
    expect(checkJobs(undefined)).toBe(cores);
    expect(checkJobs(String(4 * cores))).toBe(4 * cores);
  });

  // The thread's memory is the build's and the machine's, not a constant: a figure quoted
  // here went stale.
  it('refuses more, saying why without a measured figure', () => {
    expect(() => checkJobs(String(4 * cores + 1))).toThrow(
      `--jobs ${4 * cores + 1}: expected at most ${4 * cores} (4 x the ${cores} core${cores === 1 ? '' : 's'} here: each thread holds its own copy of the simulator in memory, and more threads than cores run no faster)`,
    );
  });
});
