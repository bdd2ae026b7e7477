// Builds "measured" runs out of simulated ones, rounded as hey prints them, so that a
// test knows the true parameters behind a measurement.
import type { HeyReport } from '../../src/analysis/calibration/heyOutput.js';
import type { HeyRun } from '../../src/analysis/calibration/heyRun.js';
import { simulate } from '../../src/model/system.js';
import { summarize } from '../../src/report/summary.js';
import { validateScenario } from '../../src/scenario/load.js';
import { applyOverride } from '../../src/scenario/overrides.js';

export function measuredBySimulation(raw: unknown, concurrency: number, sets: string[] = []): HeyRun {
  const copy = structuredClone(raw);
  for (const s of [`client.requests=${concurrency}`, `client.concurrency=${concurrency}`, 'client.timeout=0', ...sets])
    applyOverride(copy, s);
  const s = summarize(simulate(validateScenario(copy, 'truth')), 'truth', 1);
  const r4 = (v: number | null) => (v === null ? null : Number(v.toFixed(4)));
  const report: HeyReport = {
    summary: {
      total: r4(s.summary.total)!,
      slowest: r4(s.summary.slowest),
      fastest: r4(s.summary.fastest),
      average: r4(s.summary.average),
      requestsPerSec: r4(s.summary.requestsPerSec)!,
      totalData: null,
      sizePerRequest: null,
    },
    distributionsLimitedTo: null,
    histogram: s.histogram.map((b) => ({ mark: Number(b.mark.toFixed(3)), count: b.count })),
    latency: Object.fromEntries(Object.entries(s.latency).map(([k, v]) => [k, r4(v)])) as HeyReport['latency'],
    details: null,
    statusCodes: s.statusCodes,
    errors: s.errors,
    responses: s.summary.responses,
    errorCount: s.summary.errors,
  };
  const text = `$ hey -n ${concurrency} -c ${concurrency} -t 0 http://127.0.0.1:8000/`;
  return {
    source: `truth-c${concurrency}`,
    command: {
      requests: concurrency,
      concurrency,
      timeout: 0,
      rate: undefined,
      duration: undefined,
      keepAlive: true,
      cpus: undefined,
      url: 'http://127.0.0.1:8000/',
      text,
    },
    report,
  };
}
