// Turns a scenario's endpoints and steps into what the app runs: durations as engine
// distributions over integer microseconds, each with its own random stream; IO marked
// blocking or cooperative; a query's result decoding as a CPU step after it; a cache as
// a lookup that skips the steps it covers on a hit, and a store after them on a miss.
import type { Distribution } from '../engine/distributions.js';
import { Resource } from '../engine/resource.js';
import type { RandomStreams, Uniform } from '../engine/random.js';
import { fromSeconds } from '../engine/time.js';
import { blocks } from '../scenario/resolve.js';
import type { Scenario, Step } from '../scenario/schema.js';
import { CacheModel } from './cache.js';
import { toDistribution } from './durations.js';
import { Phase } from './request.js';

export type CompiledKind = 'cpu' | 'dbConnect' | 'dbQuery' | 'dbClose' | 'wait' | 'cacheGet' | 'cacheSet';

export interface CompiledStep {
  kind: CompiledKind;
  /** The step's time (CPU time for cpu, the wait otherwise; a query's wait). */
  duration?: Distribution;
  /** A query's backend CPU; a connect's client share of authentication, when it runs inside the handshake. */
  cpu?: Distribution;
  /** A connect's CPU already spent when it started (µs), to take from `cpu` at the challenge. */
  startCpu?: number;
  random?: Uniform;
  blocking: boolean;
  /** The Phase its time is charged to. */
  phase: number;
  /** A third party's concurrency limit (http). */
  limit?: Resource;
  cache?: CacheModel;
  /** cacheGet: the steps a hit skips (the covered ones and the store). */
  skip?: number;
}

export interface Endpoint {
  name: string;
  weight: number;
  status: number;
  steps: CompiledStep[];
}

/**
 * `authInHandshake`: the app talks to PostgreSQL itself, which asks the client for its
 * share of authentication mid-handshake (with PgBouncer in between, the client's CPU
 * comes after the connect, as one step).
 */
export function compileEndpoints(app: Scenario['app'], streams: RandomStreams, authInHandshake = false): Endpoint[] {
  const list = app.endpoints ?? [{ name: 'app', weight: 1, steps: app.steps!, status: undefined }];
  return list.map((e, i) => ({
    name: e.name,
    weight: e.weight,
    status: e.status ?? app.status,
    steps: compileSteps(e.steps, app.psycogreen, streams, list.length === 1 ? 'app' : `app.${i}`, authInHandshake),
  }));
}

function compileSteps(steps: readonly Step[], psycogreen: boolean, streams: RandomStreams, prefix: string, authInHandshake: boolean): CompiledStep[] {
  const out: CompiledStep[] = [];
  // Each cache's store goes after the last step it covers: scenario step index -> the
  // store, and where its lookup is in `out` (to count the steps a hit skips).
  const stores = new Map<number, { store: CompiledStep; get: number }>();
  steps.forEach((step, i) => {
    const random = streams.stream(`${prefix}.step${i}.${step.kind}`);
    const blocking = blocks(step, psycogreen);
    switch (step.kind) {
      case 'cpu':
        out.push({ kind: 'cpu', duration: toDistribution(step.time), random, blocking: false, phase: Phase.cpu });
        break;
      case 'dbConnect':
        if (step.cpu === undefined || step.cpu === 0) out.push({ kind: 'dbConnect', random, blocking, phase: Phase.dbConnect });
        else if (authInHandshake) {
          // libpq's own work starts the connect on the loop; the proof's comes with the challenge.
          const start = typeof step.cpu === 'number' ? Math.min(step.startCpu, step.cpu) : step.startCpu;
          if (start > 0) out.push({ kind: 'cpu', duration: toDistribution(start), random, blocking: false, phase: Phase.cpu });
          out.push({ kind: 'dbConnect', cpu: toDistribution(step.cpu), startCpu: fromSeconds(start), random, blocking, phase: Phase.dbConnect });
        }
        else {
          out.push({ kind: 'dbConnect', random, blocking, phase: Phase.dbConnect });
          out.push({ kind: 'cpu', duration: toDistribution(step.cpu), random, blocking: false, phase: Phase.cpu });
        }
        break;
      case 'dbQuery':
        out.push({ kind: 'dbQuery', duration: toDistribution(step.time), cpu: toDistribution(step.cpu), random, blocking, phase: Phase.dbQuery });
        if (step.decodeCpu !== 0) out.push({ kind: 'cpu', duration: toDistribution(step.decodeCpu), random, blocking: false, phase: Phase.cpu });
        break;
      case 'dbClose':
        out.push({ kind: 'dbClose', blocking: false, phase: Phase.io });
        break;
      case 'sleep':
      case 'http':
        out.push({
          kind: 'wait',
          duration: toDistribution(step.time),
          random,
          blocking,
          phase: Phase.io,
          limit: step.kind === 'http' && step.limit !== undefined ? new Resource(step.limit, `${prefix}.step${i} limit`) : undefined,
        });
        break;
      case 'cache': {
        const cache = new CacheModel(streams.stream(`${prefix}.step${i}.cache.keys`), step.hitRatio, fromSeconds(step.ttl ?? 0), step.keys ?? 0);
        const get: CompiledStep = { kind: 'cacheGet', duration: toDistribution(step.time), random, blocking, phase: Phase.cache, cache };
        out.push(get);
        stores.set(i + step.covers, { store: { ...get, kind: 'cacheSet' }, get: out.length - 1 });
        break;
      }
    }
    const pending = stores.get(i);
    if (pending !== undefined) {
      out.push(pending.store);
      // Counted now that the cover is compiled: a query's decoding adds a step.
      out[pending.get].skip = out.length - 1 - pending.get;
    }
  });
  return out;
}
