// Every run the tests make is checked: `simulate` is wrapped so that a broken invariant
// fails whichever test caused it, as `sim run --check` would fail for a user. Tests that
// study a broken run call findViolations on a result they build themselves.
import { vi } from 'vitest';
import { assertInvariants } from '../../src/check/invariants.js';

vi.mock('../../src/model/system.js', async (importOriginal) => {
  const model = await importOriginal<typeof import('../../src/model/system.js')>();
  return {
    ...model,
    simulate: (...args: Parameters<typeof model.simulate>) => {
      const result = model.simulate(...args);
      assertInvariants(result);
      return result;
    },
  };
});
