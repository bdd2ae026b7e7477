// A client that retries: which failures it retries, how long it waits before each retry,
// and the budget that caps retries across all its requests.
//
// Backoff and jitter follow the AWS Architecture Blog, "Exponential Backoff And Jitter"
// (Marc Brooker, 2015), whose four variants are, for the n-th retry (n from 0):
//   no jitter      sleep = min(cap, base * 2^n)
//   full jitter    sleep = random_between(0, min(cap, base * 2^n))
//   equal jitter   temp = min(cap, base * 2^n); sleep = temp / 2 + random_between(0, temp / 2)
//   decorrelated   sleep = min(cap, random_between(base, previous_sleep * 3)), previous_sleep
//                  starting at base
// `constant` backoff replaces base * 2^n by base (urllib3's Retry with backoff_factor 0
// and a fixed sleep, most hand-written retry loops); jitter applies to it the same way.
//
// The budget is Envoy's retry_budget (envoy.config.cluster.v3.CircuitBreakers.Thresholds
// .RetryBudget): a retry may start only while the retries active are fewer than
// budget_percent of the requests active (retries included), and at least
// min_retry_concurrency retries are always allowed. gRPC's retryThrottling caps retries
// in the same spirit with a token bucket; Envoy's form is the one modelled.
import type { Uniform } from '../../engine/random.js';
import type { Time } from '../../engine/time.js';
import type { RetryCause, RetrySettings } from '../../scenario/resolveIncidents.js';

export type { RetryCause, RetrySettings };

export const RETRY_CAUSES = ['connect-failure', 'timeout', 'reset', '5xx', 'gateway-error'] as const;

/** Why an attempt failed, as the retry policy names it; undefined: it succeeded (or ended in a status nobody retries). */
export function causeOfStatus(status: number): RetryCause | undefined {
  if (status === 502 || status === 503 || status === 504) return 'gateway-error';
  if (status >= 500 && status <= 599) return '5xx';
  return undefined;
}

/** Whether `settings` retries a failure of this cause (a gateway error is also a 5xx). */
export function retries(settings: RetrySettings, cause: RetryCause): boolean {
  if (settings.on.includes(cause)) return true;
  return cause === 'gateway-error' && settings.on.includes('5xx');
}

/**
 * The wait before retry `n` (0 for the first retry), in µs. `previous`: the wait before
 * the previous retry (base before the first), which decorrelated jitter grows from.
 */
export function backoffDelay(s: RetrySettings, n: number, previous: Time, random: Uniform): Time {
  if (s.jitter === 'decorrelated') {
    const high = previous * 3;
    return Math.round(Math.min(s.cap, s.base + random() * (high - s.base)));
  }
  const temp = s.backoff === 'constant' ? Math.min(s.cap, s.base) : Math.min(s.cap, s.base * 2 ** n);
  switch (s.jitter) {
    case 'none':
      return Math.round(temp);
    case 'full':
      return Math.round(random() * temp);
    default:
      // equal
      return Math.round(temp / 2 + random() * (temp / 2));
  }
}

/** Envoy's retry budget: retries active against requests active. */
export class RetryBudget {
  /** Attempts sent and not yet ended (first tries and retries). */
  active = 0;
  /** Retries decided and not yet ended: waiting out their backoff, or in flight. */
  retrying = 0;

  constructor(
    /** budget_percent, as a fraction (0.2 for 20 %). */
    private readonly fraction: number,
    /** min_retry_concurrency. */
    private readonly minConcurrency: number,
  ) {}

  allows(): boolean {
    return this.retrying < Math.max(this.minConcurrency, this.fraction * this.active);
  }
}

/** A request as its user sees it: its first attempt and the retries after it. */
export interface Logical {
  /** When its first attempt was sent. */
  firstSentAt: Time;
  /** Retries sent so far. */
  retries: number;
  /** The last backoff waited (decorrelated jitter grows from it). */
  lastDelay: Time;
  /** The generator's own record (a hey worker), given back to it to resend. */
  source: unknown;
  /** Whether the attempt in flight is a retry (held against the budget). */
  retrying: boolean;
}

/** The figures of a client's retries, for the report. */
export interface RetryTally {
  /** Attempts sent: first tries and retries. */
  attempts: number;
  retriesByCause: Record<RetryCause, number>;
  /** Retries the budget refused, and failures that had no retry left. */
  deniedByBudget: number;
  exhausted: number;
  /** Requests by the attempts they took (index 1 = one attempt). */
  attemptsPerRequest: number[];
}

export function emptyTally(count: number): RetryTally {
  return {
    attempts: 0,
    retriesByCause: { 'connect-failure': 0, timeout: 0, reset: 0, '5xx': 0, 'gateway-error': 0 },
    deniedByBudget: 0,
    exhausted: 0,
    attemptsPerRequest: new Array<number>(count + 2).fill(0),
  };
}
