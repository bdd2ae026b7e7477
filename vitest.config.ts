import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Invariant checks on every simulated run (test/setup/checkInvariants.ts).
    setupFiles: ['test/setup/checkInvariants.ts'],
    // The tests bound their work by events and memory, not by the wall clock: vitest's
    // default of 5 s per test failed heavy ones (4-9 s: the 270 simulations behind
    // docs/validation.md's table) when the suite ran on a busy 2-core machine (issue 17:
    // a flaky test is a defect). The ceiling only stops a test that hangs.
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
