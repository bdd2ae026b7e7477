// The machine's speed of the moment (machine.speedVariation). On a shared virtual machine
// the same work costs more CPU in one run than in a run minutes later: the kit ran one
// configuration eight times over (calibration/drift.sh) and its workers' CPU per request
// moved by a third from run to run, and Requests/sec with it (docs/validation.md, "The
// drift, measured run by run"). A scenario's costs are measured at one moment; its load
// runs at another.
//
// So each seed runs the whole scenario at one speed: every CPU cost multiplied by one
// factor, exp(sigma * z), z the standard normal's quantile at frac((seed - 1) * golden
// ratio + 1/2). That sequence of quantiles is a low-discrepancy one: any run of consecutive
// seeds covers the distribution evenly, so a median over seeds 1..N is the median speed's
// and not the luck of N draws; seed 1, the default, runs at the median speed itself. Waits (pg_sleep,
// IO, the postmaster's forkTime, a core's wake-up) are time, not CPU, and stay as written.
import { probit } from 'simple-statistics';
import { costsOf, scaleDuration } from './costs.js';
import { MEASURED_COSTS } from './measuredCosts.js';
import type { Scenario, Step } from './schema.js';
import { UVICORN_WORKER } from './serverSchema.js';

/** frac(1 / golden ratio): the step of the seeds' quantiles. */
const GOLDEN = 0.6180339887498949;

/** The factor every CPU cost of a run with `seed` is multiplied by; 1 when the speed does not vary. */
export function speedFactor(seed: number, variation: number): number {
  return speedFactorAt(seed - 1, variation);
}

/**
 * The factor of the run at `index` in the sequence of speeds (a seed's index is seed - 1;
 * a sweep's replications take base seed - 1 + r, so that they too cover the speeds evenly).
 */
export function speedFactorAt(index: number, variation: number): number {
  if (variation === 0) return 1;
  // Indices as 32-bit numbers, so that the product keeps its fractional digits.
  const x = (index % 2 ** 32) * GOLDEN + 0.5;
  const u = Math.min(Math.max(x - Math.floor(x), 1e-9), 1 - 1e-9);
  return Math.exp(variation * probit(u));
}

/**
 * `scenario` (validated) with every CPU cost multiplied by `factor`, or by `factor(path)`
 * for the cost at `path` (as --set names it), so that parts of the machine can be slowed
 * apart (calibration/speed_parts.mjs).
 */
export function atSpeed(scenario: Scenario, factor: number | ((path: string) => number)): Scenario {
  const factorOf = typeof factor === 'number' ? () => factor : factor;
  const out = structuredClone(scenario);
  for (const cost of costsOf(scenario)) {
    if (cost.cpu) setAt(out, cost.keys, scaleDuration(cost.value, factorOf(cost.path)));
  }
  const scale = (x: number, path: string) => scaleDuration(x, factorOf(path)) as number;
  // CPU the registry of costs leaves out: a part of another cost, or a table of them.
  const stepLists: [string, Step[]][] = [
    ['app.steps', out.app.steps ?? []],
    ...(out.app.endpoints ?? []).map((e, i): [string, Step[]] => [`app.endpoints.${i}.steps`, e.steps]),
  ];
  for (const [at, steps] of stepLists) {
    steps.forEach((step, i) => {
      if (step.kind === 'dbConnect') step.startCpu = scale(step.startCpu, `${at}.${i}.startCpu`);
    });
  }
  const servers: [string, Partial<Scenario['server']>][] = [
    ['server', out.server],
    ...(out.fleet?.groups ?? []).flatMap((g, i): [string, Partial<Scenario['server']>][] =>
      g.server !== undefined ? [[`fleet.groups.${i}.server`, g.server]] : [],
    ),
  ];
  for (const [at, server] of servers) {
    if (server !== out.server) {
      for (const field of ['acceptCpu', 'requestCpu', 'switchCpu', 'errorCpu', 'bootCpu', 'threadpoolCpu'] as const) {
        const v = server[field];
        if (v !== undefined) server[field] = scale(v, `${at}.${field}`);
      }
    }
    if (server.cacheRefillCpu !== undefined)
      server.cacheRefillCpu = server.cacheRefillCpu.map((p) => ({ ...p, cpu: scale(p.cpu, `${at}.cacheRefillCpu`) }));
  }
  // uvicorn's defaults are filled in when the scenario is resolved: fill them in first.
  if (out.server.workerClass === UVICORN_WORKER) {
    out.server.bootCpu ??= scale(MEASURED_COSTS.uvicorn.bootCpu, 'server.bootCpu');
    out.server.threadpoolCpu ??= scale(MEASURED_COSTS.uvicorn.threadpoolCpu, 'server.threadpoolCpu');
  }
  // As is pool_pre_ping's ping, when the pool pings.
  if (out.app.pool?.prePing) out.app.pool.pingCpu ??= scale(MEASURED_COSTS.pingCpu, 'app.pool.pingCpu');
  const balancer = out.fleet?.loadBalancer;
  if (balancer !== undefined) {
    balancer.requestCpu = scale(balancer.requestCpu, 'fleet.loadBalancer.requestCpu');
    balancer.connectionCpu = scale(balancer.connectionCpu, 'fleet.loadBalancer.connectionCpu');
  }
  return out;
}

function setAt(target: unknown, keys: readonly (string | number)[], value: unknown): void {
  let o = target as Record<string | number, unknown>;
  for (const k of keys.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
  o[keys[keys.length - 1]] = value;
}
