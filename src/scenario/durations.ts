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
