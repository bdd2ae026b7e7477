// The setup file is in force: a run whose invariants fail makes its test fail.
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/model/system.js';
import { scenario } from '../helpers.js';

describe('invariant checks in tests', () => {
  it('wrap simulate', () => {
    expect(String(simulate)).toContain('assertInvariants');
  });

  it('still return the run', () => {
    expect(simulate(scenario()).complete).toBe(true);
  });
});
