import { describe, expect, it } from 'vitest';
import { valueAt } from '../../src/scenario/valueAt.js';

describe('valueAt', () => {
  const scenario = { app: { steps: [{ kind: 'sleep', time: '2ms' }], status: 0, note: null } };

  it('follows keys and list indices, as numbers or as the strings a --set path gives', () => {
    expect(valueAt(scenario, ['app', 'steps', 0, 'time'])).toBe('2ms');
    expect(valueAt(scenario, 'app.steps.0.time'.split('.'))).toBe('2ms');
    expect(valueAt(scenario, ['app', 'status'])).toBe(0);
    expect(valueAt(scenario, [])).toBe(scenario);
  });

  it('is undefined where the path leaves the objects', () => {
    expect(valueAt(scenario, ['app', 'pool', 'size'])).toBeUndefined();
    expect(valueAt(scenario, ['app', 'steps', 1])).toBeUndefined();
    expect(valueAt(scenario, ['app', 'status', 'x'])).toBeUndefined();
    expect(valueAt(scenario, ['app', 'note', 'x'])).toBeUndefined();
  });

  it('reads own properties only: a path naming what objects inherit finds nothing', () => {
    expect(valueAt(scenario, ['constructor'])).toBeUndefined();
    expect(valueAt(scenario, ['app', '__proto__'])).toBeUndefined();
    expect(valueAt(scenario, ['app', 'steps', 'map'])).toBeUndefined();
  });
});
