import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Invariant checks on every simulated run (test/setup/checkInvariants.ts).
    setupFiles: ['test/setup/checkInvariants.ts'],
    // The tests bound their work by events and memory, not by the wall clock: vitest's
    // default of 5 s per test failed heavy ones (4-7 s) when the suite ran on a busy
    // 2-core machine (issue 17: a flaky test is a defect). A test that hangs still fails.
    testTimeout: 60_000,
  },
});
