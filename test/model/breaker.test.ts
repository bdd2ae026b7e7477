// The circuit breaker's state machine, as pybreaker runs it: closed -> open at fail_max
// consecutive failures, open -> half-open after reset_timeout, half-open -> closed on a
// success or back to open on a failure.
import { describe, expect, it } from 'vitest';
import { Breakers, CircuitBreaker } from '../../src/model/breaker.js';

const breaker = () => new CircuitBreaker({ failMax: 3, resetTimeout: 1_000_000 });

describe('a circuit breaker', () => {
  it('opens at failMax consecutive failures, and refuses calls while open', () => {
    const b = breaker();
    b.failure(10);
    b.failure(20);
    expect(b.state).toBe('closed');
    b.failure(30);
    expect([b.state, b.openedAt, b.opened]).toEqual(['open', 30, 1]);
    expect(b.admit(40)).toBe(false);
    expect(b.admit(1_000_029)).toBe(false);
    expect(b.rejected).toBe(2);
  });

  it('counts consecutive failures only: a success resets the count', () => {
    const b = breaker();
    b.failure(0);
    b.failure(0);
    b.success();
    b.failure(0);
    b.failure(0);
    expect([b.state, b.failures]).toEqual(['closed', 2]);
  });

  it('lets a trial call through after resetTimeout (half-open); a success closes it', () => {
    const b = breaker();
    for (let i = 0; i < 3; i++) b.failure(0);
    expect(b.admit(1_000_000)).toBe(true);
    expect(b.state).toBe('half-open');
    b.success();
    expect([b.state, b.failures]).toEqual(['closed', 0]);
    expect(b.admit(1_000_001)).toBe(true);
  });

  it('opens again, for another resetTimeout, when the trial call fails', () => {
    const b = breaker();
    for (let i = 0; i < 3; i++) b.failure(0);
    b.admit(1_500_000);
    b.failure(1_600_000);
    expect([b.state, b.openedAt, b.opened]).toEqual(['open', 1_600_000, 2]);
    expect(b.admit(2_599_999)).toBe(false);
    expect(b.admit(2_600_000)).toBe(true);
  });

  it('is one per worker process', () => {
    const all = new Breakers({ failMax: 1, resetTimeout: 10 });
    const w1 = {};
    const w2 = {};
    all.of(w1).failure(0);
    expect([all.of(w1).state, all.of(w2).state, all.opened]).toEqual(['open', 'closed', 1]);
  });
});
