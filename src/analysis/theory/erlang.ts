// Queueing formulas for the cases the simulator can be checked against exactly:
// M/M/c (Erlang C: Poisson arrivals wait in one FIFO queue for c exponential servers) and
// M/M/c/c (Erlang B: arrivals that find c busy servers are lost). Rates per second.

/** Erlang B: the probability that an arrival finds all c servers busy and is lost. */
export function erlangB(c: number, offered: number): number {
  // B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1)): stable for any c, no factorials.
  let b = 1;
  for (let k = 1; k <= c; k++) b = (offered * b) / (k + offered * b);
  return b;
}

/** Erlang C: the probability that an arrival waits (offered load a < c). */
export function erlangC(c: number, offered: number): number {
  if (offered >= c) return 1;
  const b = erlangB(c, offered);
  return (c * b) / (c - offered * (1 - b));
}

export interface MmcPrediction {
  /** Utilization of each server, λ / (c μ). */
  rho: number;
  /** P(wait > 0). */
  pWait: number;
  /** Mean wait in the queue, seconds. */
  wq: number;
  /** Mean time in the system, wq + 1/μ. */
  w: number;
  /** Mean number waiting, λ wq (Little). */
  lq: number;
}

/** M/M/c in steady state; undefined when λ >= c μ (the queue grows without bound). */
export function mmc(lambda: number, mu: number, c: number): MmcPrediction | undefined {
  const offered = lambda / mu;
  if (offered >= c) return undefined;
  const pWait = erlangC(c, offered);
  const wq = pWait / (c * mu - lambda);
  return { rho: offered / c, pWait, wq, w: wq + 1 / mu, lq: lambda * wq };
}

export interface MmccPrediction {
  /** Offered load per server, λ / (c μ) (may exceed 1: the excess is lost). */
  rho: number;
  /** Fraction of arrivals lost. */
  blocking: number;
  /** Arrivals served per second, λ (1 - blocking). */
  carried: number;
}

export function mmcc(lambda: number, mu: number, c: number): MmccPrediction {
  const blocking = erlangB(c, lambda / mu);
  return { rho: lambda / (c * mu), blocking, carried: lambda * (1 - blocking) };
}
