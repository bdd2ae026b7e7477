// What the page's Web Worker does for one what-if, written without the worker API so a
// test can run it in Node: validate, simulate and summarize exactly as `sim run` does,
// post hey's report and the run's charts at once, then run the sweep around the point.
import { runCharts } from '../charts/run/runCharts.js';
import { sweepPoint, type SweepPoint } from '../charts/sweep/sweep.js';
import { sweepCharts } from '../charts/sweep/sweepCharts.js';
import { simulate } from '../model/system.js';
import { heyText } from '../report/heyText.js';
import { summarize } from '../report/summary.js';
import { UserError } from '../scenario/errors.js';
import type { RunRequest, WorkerMessage } from './protocol.js';
import { sweepAround } from './sweepAround.js';
import { runName, whatIfScenario, withOverride, type WhatIf } from './whatIf.js';

/** The curve's name in the sweep charts' legend. */
export const SWEEP_SERIES = 'this what-if';

export function runWhatIf({ id, whatIf }: RunRequest, post: (m: WorkerMessage) => void): void {
  try {
    const scenario = whatIfScenario(whatIf);
    const name = runName(whatIf, scenario);
    const result = simulate(scenario);
    const summary = summarize(result, name, scenario.seed, scenario);
    post({ id, kind: 'run', scenario, summary, text: heyText(summary), charts: runCharts(summary, result.timeline) });
    runSweep(id, whatIf, post);
  } catch (e) {
    post({ id, kind: e instanceof UserError ? 'invalid' : 'failed', message: (e as Error).message });
  }
}

function runSweep(id: number, whatIf: WhatIf, post: (m: WorkerMessage) => void): void {
  const plan = sweepAround(whatIfScenario(whatIf));
  if (plan === undefined) {
    post({
      id,
      kind: 'sweep',
      done: 0,
      total: 0,
      points: [],
      charts: [],
      note: 'No sweep: the arrival rate steps over time, so there is no single load to vary.',
    });
    return;
  }
  const points: SweepPoint[] = [];
  const skipped: string[] = [];
  plan.values.forEach((value, i) => {
    // The point is the what-if with more overrides, validated and run like any other.
    let overrides = whatIf.overrides;
    for (const path of plan.paths) overrides = withOverride(overrides, path, String(value));
    const atPoint = { ...whatIf, overrides };
    try {
      const scenario = whatIfScenario(atPoint);
      const summary = summarize(simulate(scenario), runName(atPoint, scenario), scenario.seed);
      points.push(sweepPoint(summary, { [plan.x]: value }, SWEEP_SERIES));
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      skipped.push(`${plan.x}=${value}`);
    }
    const last = i === plan.values.length - 1;
    const note = `${plan.paths.join(' = ')} at ${plan.values.join(', ')}; this what-if at ${plan.current}${skipped.length > 0 ? `; not valid at ${skipped.join(', ')}` : ''}`;
    const charts = last
      ? sweepCharts({ x: plan.x, xTitle: plan.xTitle, description: note, points, marker: { x: plan.current, label: SWEEP_SERIES } })
      : null;
    post({ id, kind: 'sweep', done: i + 1, total: plan.values.length, points, charts, note });
  });
}
