// Turns a scenario's duration (seconds, or a distribution in seconds) into an engine
// distribution over integer microseconds.
import { Choice, Constant, Exponential, LogNormal, UniformBetween, type Distribution } from '../engine/distributions.js';
import { MICROSECONDS_PER_SECOND as US } from '../engine/time.js';
import type { DurationSpec } from './schema.js';

export function toDistribution(spec: DurationSpec): Distribution {
  if (typeof spec === 'number') return new Constant(Math.round(spec * US));
  switch (spec.dist) {
    case 'constant':
      return new Constant(Math.round(spec.value * US));
    case 'exponential':
      return new Exponential(spec.mean * US);
    case 'uniform':
      return new UniformBetween(spec.min * US, spec.max * US);
    case 'lognormal':
      return new LogNormal(spec.median * US, spec.sigma);
    case 'choice':
      return new Choice(
        spec.values.map((v) => Math.round(v * US)),
        spec.weights ?? spec.values.map(() => 1),
      );
  }
}

/** The mean of a duration, seconds. */
export function meanSeconds(d: DurationSpec): number {
  if (typeof d === 'number') return d;
  switch (d.dist) {
    case 'constant':
      return d.value;
    case 'exponential':
      return d.mean;
    case 'uniform':
      return (d.min + d.max) / 2;
    case 'lognormal':
      return d.median * Math.exp((d.sigma * d.sigma) / 2);
    case 'choice': {
      const weights = d.weights ?? d.values.map(() => 1);
      const sum = weights.reduce((a, b) => a + b, 0);
      return d.values.reduce((acc, v, i) => acc + v * weights[i], 0) / sum;
    }
  }
}
