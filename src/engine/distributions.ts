// Distributions of durations. Each one is a small object that samples from a uniform
// stream and knows its exact mean and variance, so "does the simulated mean match
// theory" is an easy test (the idea is Ciw's). Units are whatever the caller uses;
// the model uses integer microseconds and rounds samples.
import type { Uniform } from './random.js';

export interface Distribution {
  readonly kind: string;
  readonly mean: number;
  readonly variance: number;
  sample(u: Uniform): number;
}

export class Constant implements Distribution {
  readonly kind = 'constant';
  readonly variance = 0;
  constructor(readonly value: number) {}
  get mean(): number {
    return this.value;
  }
  sample(): number {
    return this.value;
  }
}

export class UniformBetween implements Distribution {
  readonly kind = 'uniform';
  constructor(
    readonly min: number,
    readonly max: number,
  ) {}
  get mean(): number {
    return (this.min + this.max) / 2;
  }
  get variance(): number {
    return (this.max - this.min) ** 2 / 12;
  }
  sample(u: Uniform): number {
    return this.min + (this.max - this.min) * u();
  }
}

export class Exponential implements Distribution {
  readonly kind = 'exponential';
  constructor(readonly mean: number) {}
  get variance(): number {
    return this.mean * this.mean;
  }
  sample(u: Uniform): number {
    // 1 - u is in (0, 1], so the log is finite.
    return -this.mean * Math.log(1 - u());
  }
}

/** Log-normal given the median and sigma of the underlying normal: mean = median·e^(σ²/2). */
export class LogNormal implements Distribution {
  readonly kind = 'lognormal';
  private readonly mu: number;
  constructor(
    readonly median: number,
    readonly sigma: number,
  ) {
    this.mu = Math.log(median);
  }
  get mean(): number {
    return Math.exp(this.mu + (this.sigma * this.sigma) / 2);
  }
  get variance(): number {
    const s2 = this.sigma * this.sigma;
    return (Math.exp(s2) - 1) * Math.exp(2 * this.mu + s2);
  }
  sample(u: Uniform): number {
    // Box–Muller; the second normal is discarded so each sample costs exactly two draws.
    const r = Math.sqrt(-2 * Math.log(1 - u()));
    const z = r * Math.cos(2 * Math.PI * u());
    return Math.exp(this.mu + this.sigma * z);
  }
}

/** One of a few values with given weights: bimodal service times, hits and misses. */
export class Choice implements Distribution {
  readonly kind = 'choice';
  private readonly cumulative: number[];
  private readonly total: number;
  constructor(
    readonly values: readonly number[],
    readonly weights: readonly number[],
  ) {
    if (values.length === 0 || values.length !== weights.length) throw new RangeError('choice: one weight per value');
    let sum = 0;
    this.cumulative = weights.map((w) => (sum += w));
    this.total = sum;
  }
  get mean(): number {
    return this.values.reduce((m, v, i) => m + (v * this.weights[i]) / this.total, 0);
  }
  get variance(): number {
    const mean = this.mean;
    return this.values.reduce((m, v, i) => m + ((v - mean) ** 2 * this.weights[i]) / this.total, 0);
  }
  sample(u: Uniform): number {
    const x = u() * this.total;
    let i = 0;
    while (i < this.cumulative.length - 1 && x >= this.cumulative[i]) i++;
    return this.values[i];
  }
}
