import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Invariant checks on every simulated run (test/setup/checkInvariants.ts).
    setupFiles: ['test/setup/checkInvariants.ts'],
    // No test may fail for being slow: on a loaded 2-core machine the heaviest (the 270
    // simulations behind docs/validation.md's table) took over vitest's default 5 s. The
    // ceiling only stops a test that hangs.
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
