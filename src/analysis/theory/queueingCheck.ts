// Erlang C or Erlang B beside the simulated figures of a point, and whether they agree:
// the theory should fall within the replications' 95 % interval. With one replication
// there is no interval, so no verdict either way.
import type { Scenario } from '../../scenario/schema.js';
import { estimate, within, type Estimate } from '../math/confidence.js';
import { mmc, mmcc } from './erlang.js';
import { queueingModel } from './queueingModel.js';
import type { RunFigures } from '../sweep/runFigures.js';

export interface Comparison {
  measure: string;
  predicted: number;
  simulated: Estimate;
  /** Prediction within the 95 % interval; null without replications. */
  agrees: boolean | null;
}

export interface QueueingCheck {
  model: 'M/M/c' | 'M/M/c/c';
  formula: 'Erlang C' | 'Erlang B';
  c: number;
  lambda: number;
  mu: number;
  rho: number;
  comparisons: Comparison[];
  /** Why nothing is compared (unstable queue, runs outside the model's assumptions). */
  note?: string;
}

export function queueingCheck(scenario: Scenario, runs: readonly RunFigures[]): QueueingCheck | undefined {
  const m = queueingModel(scenario);
  if (m === undefined) return undefined;
  const base = { model: m.kind, c: m.c, lambda: m.lambda, mu: m.mu, rho: m.lambda / (m.c * m.mu) };
  const formula = m.kind === 'M/M/c' ? 'Erlang C' : 'Erlang B';
  const outside = assumptionsBroken(runs);
  if (outside !== undefined) return { ...base, formula, comparisons: [], note: `outside the model: ${outside}` };
  const compare = (measure: string, predicted: number, samples: number[]): Comparison => {
    const simulated = estimate(samples);
    return { measure, predicted, simulated, agrees: within(predicted, simulated) ?? null };
  };
  if (m.kind === 'M/M/c') {
    const p = mmc(m.lambda, m.mu, m.c);
    if (p === undefined) {
      return { ...base, formula, comparisons: [], note: 'λ >= cμ: no steady state, the queue grows for as long as arrivals last' };
    }
    return {
      ...base,
      formula,
      comparisons: [
        compare(
          'mean wait Wq (s)',
          p.wq,
          runs.map((r) => r.queueWait),
        ),
        compare(
          'mean response time W (s)',
          p.w,
          runs.map((r) => r.latency.average ?? 0),
        ),
      ],
    };
  }
  const p = mmcc(m.lambda, m.mu, m.c);
  return {
    ...base,
    formula,
    comparisons: [
      compare(
        'share of 500s (blocking)',
        p.blocking,
        runs.map((r) => (r.responses > 0 ? sumStatus(r, '5') / r.responses : 0)),
      ),
    ],
  };
}

function assumptionsBroken(runs: readonly RunFigures[]): string | undefined {
  const sum = (f: (r: RunFigures) => number) => runs.reduce((n, r) => n + f(r), 0);
  if (sum((r) => r.synDrops) > 0) return 'SYNs were dropped (raise server.backlog and machine.somaxconn)';
  if (sum((r) => r.kills) > 0) return 'workers were killed (gunicorn --timeout)';
  if (sum((r) => r.errors) > 0) return 'requests failed (hey -t timeouts?)';
  if (runs.some((r) => !r.complete)) return 'a run did not finish';
  return undefined;
}

function sumStatus(r: RunFigures, leading: string): number {
  let n = 0;
  for (const [code, count] of Object.entries(r.statusCodes)) if (code.startsWith(leading)) n += count;
  return n;
}

/** The warnings a point's check raises: one line per comparison the theory fails. */
export function queueingWarnings(check: QueueingCheck | undefined): string[] {
  if (check === undefined) return [];
  return check.comparisons
    .filter((c) => c.agrees === false)
    .map(
      (c) =>
        `${check.formula} (${check.model}, c=${check.c}) predicts ${c.measure} = ${fmt(c.predicted)}, outside the simulation's 95 % interval [${fmt(c.simulated.ci95![0])}, ${fmt(c.simulated.ci95![1])}]`,
    );
}

function fmt(x: number): string {
  return Number(x.toPrecision(4)).toString();
}
