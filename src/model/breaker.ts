// A circuit breaker, as pybreaker implements it (danielfm/pybreaker, src/pybreaker/__init__.py):
//
// - closed: calls go through; a failure increments the counter, a success resets it
//   (_handle_success: reset_counter); when the counter reaches fail_max the breaker opens
//   (CircuitClosedState.on_failure), and that call's caller gets CircuitBreakerError;
// - open: calls fail at once with CircuitBreakerError ("Timeout not elapsed yet, circuit
//   breaker still open") until reset_timeout has passed since it opened; the first call
//   after that moves it to half-open and goes through (CircuitOpenState.before_call);
// - half-open: calls go through; a success closes it (and resets the counter), a failure
//   opens it again for another reset_timeout (CircuitHalfOpenState).
//
// A result is applied to the state the breaker is in when the call ends. The breaker
// knows nothing of what it guards: the app asks `admit()` before a call and reports the
// call's `success()` or `failure()`.
import type { Time } from '../engine/time.js';

export type BreakerState = 'closed' | 'open' | 'half-open';

export const BREAKER_OPEN_ERROR = 'pybreaker.CircuitBreakerError: Timeout not elapsed yet, circuit breaker still open';

export interface BreakerSettings {
  failMax: number;
  resetTimeout: Time;
}

export class CircuitBreaker {
  state: BreakerState = 'closed';
  /** Consecutive failures (pybreaker's fail_counter). */
  failures = 0;
  openedAt: Time = 0;
  /** Times it opened, and calls it refused while open. */
  opened = 0;
  rejected = 0;

  constructor(private readonly settings: BreakerSettings) {}

  /** Whether a call starting at `now` goes through (false: it fails at once with CircuitBreakerError). */
  admit(now: Time): boolean {
    if (this.state !== 'open') return true;
    if (now < this.openedAt + this.settings.resetTimeout) {
      this.rejected++;
      return false;
    }
    this.state = 'half-open';
    return true;
  }

  success(): void {
    this.failures = 0;
    if (this.state === 'half-open') this.state = 'closed';
  }

  failure(now: Time): void {
    this.failures++;
    if (this.state === 'half-open' || (this.state === 'closed' && this.failures >= this.settings.failMax)) this.open(now);
  }

  private open(now: Time): void {
    this.state = 'open';
    this.openedAt = now;
    this.opened++;
  }
}

/** One breaker per worker process (pybreaker's breaker is a module-level object: each process has its own). */
export class Breakers {
  private readonly byProcess = new Map<object, CircuitBreaker>();

  constructor(private readonly settings: BreakerSettings) {}

  of(process: object): CircuitBreaker {
    let b = this.byProcess.get(process);
    if (b === undefined) {
      b = new CircuitBreaker(this.settings);
      this.byProcess.set(process, b);
    }
    return b;
  }

  /** Times any of them opened, and calls they refused. */
  get opened(): number {
    let n = 0;
    for (const b of this.byProcess.values()) n += b.opened;
    return n;
  }

  get rejected(): number {
    let n = 0;
    for (const b of this.byProcess.values()) n += b.rejected;
    return n;
  }
}
