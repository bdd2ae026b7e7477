// A slider position and the value it stands for.
import { describe, expect, it } from 'vitest';
import { POSITIONS, sliderScale } from '../../src/web/sliderScale.js';

describe('slider scales', () => {
  it('run from the minimum to the maximum', () => {
    for (const s of [sliderScale(1, 2000, 'integer'), sliderScale(0, 10, 'seconds')]) {
      expect(s.position(s.value(0))).toBe(0);
      expect(s.position(s.value(POSITIONS))).toBe(POSITIONS);
    }
    expect(sliderScale(1, 2000, 'integer').value(POSITIONS)).toBe(2000);
    expect(sliderScale(0, 10, 'seconds').value(POSITIONS)).toBe(10);
  });

  it('are logarithmic over a wide span, so small counts are reachable', () => {
    const s = sliderScale(1, 2000, 'integer');
    expect(s.position(50)).toBeGreaterThan(POSITIONS / 2); // linear would put 50 at 2.5 %
    expect(s.value(s.position(50))).toBe(50);
    expect(s.value(s.position(10))).toBe(10);
  });

  it('are linear over a short span, rounded as the field is read', () => {
    const s = sliderScale(0, 10, 'seconds');
    expect(s.position(5)).toBe(POSITIONS / 2);
    expect(s.value(123)).toBe(1.23);
    expect(Number.isInteger(sliderScale(1, 16, 'integer').value(333))).toBe(true);
  });

  it('clamp values outside the span to its ends', () => {
    const s = sliderScale(1, 200, 'integer');
    expect(s.position(5000)).toBe(POSITIONS);
    expect(s.position(0)).toBe(0);
  });
});
