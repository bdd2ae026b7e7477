import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Invariant checks on every simulated run (test/setup/checkInvariants.ts).
    setupFiles: ['test/setup/checkInvariants.ts'],
  },
});
