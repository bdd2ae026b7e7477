// `sim run --check` for users: a run that breaks an invariant is an internal error
// (exit 1) naming it; --debug adds the stack trace. A model bug is imitated by a
// simulate that miscounts the requests it sent.
import { describe, expect, it, vi } from 'vitest';
import { sim } from '../sim.js';

vi.mock('../../src/model/system.js', async (importOriginal) => {
  const model = await importOriginal<typeof import('../../src/model/system.js')>();
  return {
    ...model,
    simulate: (...args: Parameters<typeof model.simulate>) => {
      const result = model.simulate(...args);
      result.sent += 1;
      return result;
    },
  };
});

describe('sim run --check', () => {
  it('turns a broken invariant into an internal error, exit 1, without a stack trace', async () => {
    const { code, out, err } = await sim('run', 'scenarios/sync-4.json', '--check');
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toBe(
      'sim: internal error: invariant violated: every request ends exactly once: 2xx 10 + 5xx 0 + transport errors 0 + unfinished 0 = 10, but 11 were sent in a complete run\n',
    );
  });

  it('shows the stack trace with --debug', async () => {
    const { code, err } = await sim('run', 'scenarios/sync-4.json', '--check', '--debug');
    expect(code).toBe(1);
    expect(err).toMatch(/^InvariantViolation: invariant violated: every request ends exactly once/m);
    expect(err).toMatch(/\n\s+at assertInvariants /);
  });

  it('without --check, prints the run as it is', async () => {
    const { code, out } = await sim('run', 'scenarios/sync-4.json', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(out).summary.requests).toBe(11);
  });
});
