// Numbers as the reports write them.
import { describe, expect, it } from 'vitest';
import { withSign } from '../../src/analysis/format.js';

describe('withSign', () => {
  it('signs every figure, + for zero and up', () => {
    expect(withSign(0.123, 1)).toBe('+0.1');
    expect(withSign(-0.123, 1)).toBe('-0.1');
    expect(withSign(0, 0)).toBe('+0');
  });

  it('writes a small negative that rounds to zero as +0, as the other zeros, not -0', () => {
    expect(withSign(-0.004, 0)).toBe('+0');
    expect(withSign(-0.04, 1)).toBe('+0.0');
    expect(withSign(-0, 2)).toBe('+0.00');
    expect(withSign(-0.5, 0)).toBe('-1');
  });
});
