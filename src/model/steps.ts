// The resolved steps (scenario/resolveSteps.ts) made runnable: each gets its random
// stream, a third party's limit its Resource, a cache its CacheModel (one per cache, shared
// by its lookup and its store), and the Phase its time is charged to. Every step has the
// same fields, so the app's hot path reads one shape.
import { Constant, type Distribution } from '../engine/distributions.js';
import { Resource } from '../engine/resource.js';
import type { RandomStreams, Uniform } from '../engine/random.js';
import type { CacheSpec, ResolvedEndpoint, ResolvedStep, StepKind } from '../scenario/resolveSteps.js';
import { CacheModel } from './cache.js';
import { Phase } from './request.js';

export type CompiledKind = StepKind;

export interface CompiledStep {
  kind: CompiledKind;
  /** The step's time (CPU time for cpu, the wait otherwise; a query's wait). */
  duration: Distribution | undefined;
  /** That time when it is a Constant, as App.sample would give it (a Constant draws nothing): a `cpu` step takes it without a call. */
  fixedDuration: number | undefined;
  /** A query's backend CPU; a connect's client share of authentication, when it runs inside the handshake. Undefined: none (always 0). */
  cpu: Distribution | undefined;
  /** A connect's CPU already spent when it started (µs), to take from `cpu` at the challenge. */
  startCpu: number | undefined;
  /** A cooperative connect's extra worker CPU at each of its turns (µs; psycogreen's wait callback). */
  turnCpu: number;
  /** A blocking connect's extra CPU when another thread of its process is connecting (µs; 0: none). */
  contendedCpu: number;
  /** A connect's start (its `cpu` step) and turns: the share of that CPU they cost when the loop runs them back to back (1: always the same). */
  backToBackShare: number;
  random: Uniform | undefined;
  blocking: boolean;
  /** The Phase its time is charged to. */
  phase: number;
  /** A third party's concurrency limit (http). */
  limit: Resource | undefined;
  cache: CacheModel | undefined;
  /** cacheGet: the steps a hit skips (the covered ones and the store). */
  skip: number | undefined;
  /** An outbound HTTP call (what app.httpTime and an http breaker act on). */
  http: boolean;
  /** The app's own client timeout for it (µs); 0: none. */
  timeout: number;
  /** dbQuery: a statement the driver sends by itself (BEGIN, ROLLBACK), not one of the handler's queries. */
  driverOwn: boolean;
  /** dbQuery: the backend CPU its driver's own statements take from `cpu` (µs; 0: none). */
  driverCpu: number;
}

export interface Endpoint {
  name: string;
  weight: number;
  status: number;
  /** A `def` handler under uvicorn: it runs on a thread of the worker's threadpool. */
  inThreadpool: boolean;
  steps: CompiledStep[];
}

const PHASE_OF: Record<StepKind, number> = {
  cpu: Phase.cpu,
  dbConnect: Phase.dbConnect,
  dbQuery: Phase.dbQuery,
  dbClose: Phase.io,
  wait: Phase.io,
  cacheGet: Phase.cache,
  cacheSet: Phase.cache,
};

export function compileEndpoints(endpoints: readonly ResolvedEndpoint[], streams: RandomStreams): Endpoint[] {
  const caches = new Map<CacheSpec, CacheModel>();
  const cacheOf = (c: CacheSpec) => {
    let model = caches.get(c);
    if (model === undefined) {
      model = new CacheModel(streams.stream(c.stream), c.hitRatio, c.ttl, c.keys);
      caches.set(c, model);
    }
    return model;
  };
  const compile = (s: ResolvedStep): CompiledStep => ({
    kind: s.kind,
    duration: s.duration,
    fixedDuration: s.duration instanceof Constant ? (s.duration.value > 0 ? Math.round(s.duration.value) : 0) : undefined,
    // A CPU of exactly 0 draws nothing (Constant), so leaving it out changes no figure
    // and spares the app a call per query and per connect.
    cpu: s.cpu instanceof Constant && s.cpu.value === 0 ? undefined : s.cpu,
    startCpu: s.startCpu,
    turnCpu: s.turnCpu ?? 0,
    contendedCpu: s.contendedCpu ?? 0,
    backToBackShare: s.backToBackShare ?? 1,
    random: s.stream !== undefined ? streams.stream(s.stream) : undefined,
    blocking: s.blocking,
    phase: PHASE_OF[s.kind],
    limit: s.limit !== undefined ? new Resource(s.limit.capacity, s.limit.name) : undefined,
    cache: s.cache !== undefined ? cacheOf(s.cache) : undefined,
    skip: s.skip,
    http: s.http === true,
    timeout: s.timeout ?? 0,
    driverOwn: s.driverOwn === true,
    driverCpu: s.driverCpu ?? 0,
  });
  return endpoints.map((e) => ({
    name: e.name,
    weight: e.weight,
    status: e.status,
    inThreadpool: e.inThreadpool,
    steps: e.steps.map(compile),
  }));
}
